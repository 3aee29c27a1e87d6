//! Charts draw into an SVG string natively, without error, with their axis labels.

use plotters::prelude::*;
use serverless_playground::charts::{load, Theme};
use serverless_playground::model::load::{LoadCurve, Preset};

fn svg_of(curve: &LoadCurve, theme: &Theme) -> (String, serverless_playground::charts::PlotMapping) {
    let mut s = String::new();
    let m;
    {
        let area = SVGBackend::with_string(&mut s, (800, 300)).into_drawing_area();
        m = load::draw(&area, &load::LoadChart { curve, selected: Some(1), handles: true }, theme).unwrap();
    }
    (s, m)
}

#[test]
fn load_chart_draws_with_axis_labels_for_every_preset() {
    for p in Preset::ALL {
        let (svg, m) = svg_of(&p.curve(), &Theme::default());
        assert!(svg.contains("load [req/s]"), "{p:?}");
        assert!(svg.contains("time ["), "{p:?}");
        assert!(svg.contains("<circle"), "handles drawn");
        assert!(m.width > 500.0 && m.height > 150.0, "{m:?}");
    }
    let (svg, _) = svg_of(&Preset::WeekWithWeekend.curve(), &Theme { scale: 2.0, dark: true });
    assert!(svg.contains("time [d]"));
}

#[test]
fn mapping_inverts_pixels_to_data() {
    let curve = Preset::Steady.curve();
    let (_, m) = svg_of(&curve, &Theme::default());
    let (px, py) = m.to_pixel(1800.0, 25.0);
    let (t, r) = m.to_data(px, py);
    assert!((t - 1800.0).abs() < 1e-6 && (r - 25.0).abs() < 1e-9);
    assert!(m.contains(px, py, 0.0));
    assert_eq!(m.x, (0.0, 3600.0));
}

#[test]
fn scaling_charts_draw_with_labels_and_legends() {
    use serverless_playground::charts::{scaling, timeseries};
    use serverless_playground::model::scenario::Scenario;
    let s = Scenario::default();
    let r = s.simulate();
    let d = s.load.duration();
    for (chart, must) in [
        (scaling::latency(&r, d), vec!["latency [s]", "p99", "p50"]),
        (scaling::instances(&r, d), vec!["instances", "busy", "idle", "initialising"]),
        (scaling::events(&r, d), vec!["per second / requests", "cold starts [1/s]", "queue [requests]"]),
    ] {
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (900, 320)).into_drawing_area();
            timeseries::draw(&area, &chart, &Theme::default()).unwrap();
        }
        for m in must {
            assert!(svg.contains(m), "{m} missing");
        }
        assert!(chart.series.iter().all(|s| s.points.len() == r.bins.len()));
    }
}
