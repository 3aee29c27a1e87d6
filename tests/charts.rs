//! Charts draw into an SVG string natively, without error, with their axis labels.

use plotters::prelude::*;
use serverless_playground::charts::timeseries::Style;
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
    let (svg, _) = svg_of(&Preset::WeekWithWeekend.curve(), &Theme { scale: 2.0, dark: true, ..Theme::default() });
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

fn svg(chart: &serverless_playground::charts::spec::Chart, theme: &Theme) -> String {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (900, 320)).into_drawing_area();
        chart.draw(&area, theme).unwrap();
    }
    svg
}

#[test]
fn every_model_chart_draws_with_labels_reads_out_and_exports() {
    use serverless_playground::charts::models as mc;
    use serverless_playground::charts::scaling;
    use serverless_playground::charts::spec::Chart;
    use serverless_playground::model::scenario::Scenario;
    use serverless_playground::ui::i18n::{lookup, Lang};
    let en = |k: &str| lookup(Lang::En, k);
    let t: scaling::Tr = &en;
    let mut s = Scenario { load: LoadCurve::constant(20.0, 1800.0).unwrap(), ..Scenario::default() };
    s.availability.runs = 20;
    s.parallel.runs = 5;
    s.breaker = serverless_playground::model::breaker::BreakerParams::for_duration(1800.0);
    let (r, d) = (s.simulate(), s.load.duration());
    let (av, par, br, ch) = (s.availability(), s.parallel(), s.breaker(), s.chain());
    let sweep = s.provisioned_sweep();
    let report = serverless_playground::model::validation::report(2000.0, 1);
    let charts = vec![
        Chart::Time(scaling::latency(&r, d, Some(&r), t)),
        Chart::Time(scaling::instances(&r, d, None, t)),
        Chart::Time(scaling::events(&r, d, None, t)),
        Chart::Bars(scaling::latency_split(&r, Some(&r), t)),
        Chart::Time(mc::cost_over_time(&r, d, None, t)),
        Chart::Xy(mc::break_even(
            &r,
            &s.scaling.pricing,
            &s.scaling.always_on,
            s.load.mean(),
            Some((&r, &s.scaling.pricing)),
            t,
        )),
        Chart::Xy(mc::provisioned_cost(&sweep, Some(&sweep), t)),
        Chart::Xy(mc::provisioned_benefit(&sweep, None, t)),
        Chart::Timeline(mc::outage_timeline(&av, 2, s.availability.horizon_days, t)),
        Chart::Xy(mc::downtime_distribution(&av, s.availability.sla, Some(&av), t)),
        Chart::Bars(mc::nines(&av, s.availability.sla, None, t)),
        Chart::Xy(mc::makespan(&par, None, t)),
        Chart::Xy(mc::speedup(&par, Some(&par), t)),
        Chart::Xy(mc::parallel_cost(&par, None, t)),
        Chart::Time(mc::breaker_calls(&br, d, Some(&br), t)),
        Chart::Time(mc::breaker_outcome(&br, d, None, t)),
        Chart::Time(mc::breaker_latency(&br, d, Some(&br), t)),
        Chart::Xy(mc::chain_by_length(&ch, None, t)),
        Chart::Time(mc::chain_over_time(&ch, d, t)),
        Chart::Xy(mc::validation(&report, t)),
    ];
    for (i, c) in charts.iter().enumerate() {
        let svg = svg(c, &Theme { scale: 2.0, dark: i % 2 == 1, ..Theme::default() });
        // CHART_SVG_DIR=dir keeps each drawing, to look at them.
        if let Ok(dir) = std::env::var("CHART_SVG_DIR") {
            std::fs::write(format!("{dir}/chart-{i:02}.svg"), &svg).unwrap();
        }
        let (labels, axis): (Vec<String>, String) = match c {
            Chart::Time(x) => (x.series.iter().map(|s| s.label.clone()).collect(), x.y_desc.clone()),
            Chart::Xy(x) => (x.series.iter().map(|s| s.label.clone()).collect(), x.x_desc.clone()),
            Chart::Bars(x) => (x.groups.iter().map(|g| g.label.clone()).collect(), x.x_desc.clone()),
            Chart::Timeline(x) => (x.legend.to_vec(), x.x_words[0].clone()),
        };
        assert!(svg.contains(&axis), "chart {i}: axis '{axis}' missing");
        for l in labels {
            assert!(svg.contains(&l.replace('&', "&amp;")), "chart {i}: legend '{l}' missing");
        }
        assert!(c.readout(0.5, 0.5, 0.01).is_some_and(|r| !r.is_empty()), "chart {i}: no read-out");
        let csv = c.to_csv();
        assert!(csv.lines().count() > 2 && !csv.contains("NaN,NaN"), "chart {i}: csv {csv:.80}");
    }
}

#[test]
fn a_count_axis_has_whole_ticks_and_reference_lines_are_dashed() {
    use serverless_playground::charts::models as mc;
    use serverless_playground::charts::spec::Chart;
    use serverless_playground::model::scenario::Scenario;
    use serverless_playground::ui::i18n::{lookup, Lang};
    let en = |k: &str| lookup(Lang::En, k);
    let s = Scenario { load: LoadCurve::constant(5.0, 600.0).unwrap(), ..Scenario::default() };
    let ch = s.chain();
    let hops = ch.by_length.len();
    assert!(hops >= 3, "the default chain has several hops");
    let chart = Chart::Xy(mc::chain_by_length(&ch, None, &en));
    let svg = svg(&chart, &Theme::default());
    let texts: Vec<&str> =
        svg.split("<text").skip(1).filter_map(|t| t.split('>').nth(1)?.split('<').next()).map(str::trim).collect();
    // The hops axis: every length 1..=k labelled once, no fractional tick (1.5 hops) anywhere on the chart.
    for k in 1..=hops {
        assert!(texts.contains(&k.to_string().as_str()), "tick {k} missing in {texts:?}");
    }
    for half in ["0.5", "1.5", "2.5", "3.5"] {
        assert!(!texts.contains(&half), "fractional tick {half} in {texts:?}");
    }
    // The all-warm p99 and E(k) references are drawn in dashes: many short segments, not one polyline each.
    let solid = Chart::Xy(serverless_playground::charts::xy::XyChart {
        series: match &chart {
            Chart::Xy(x) => x.series.iter().filter(|s| s.style != Style::Reference).cloned().collect(),
            _ => unreachable!(),
        },
        ..mc::chain_by_length(&ch, None, &en)
    });
    let segments = |svg: &str| svg.matches("<polyline").count() + svg.matches("<line").count();
    assert!(
        segments(&svg) >= segments(&self::svg(&solid, &Theme::default())) + 2 * (hops - 1),
        "reference lines not dashed"
    );
}

#[test]
fn a_log_count_axis_labels_whole_numbers_only() {
    use serverless_playground::charts::models as mc;
    use serverless_playground::charts::spec::Chart;
    use serverless_playground::model::parallel::{simulate, ParallelParams};
    use serverless_playground::ui::i18n::{lookup, Lang};
    let en = |k: &str| lookup(Lang::En, k);
    // The fan-out sweep up to P = 37 on a log axis: ticks evenly spaced in log P (1, 1.58, 2.51, 3.98, …).
    let p = ParallelParams { max_parallel: 37, runs: 5, ..ParallelParams::default() };
    let r = simulate(&p, &Default::default(), 1);
    let svg = svg(&Chart::Xy(mc::makespan(&r, None, &en)), &Theme::default());
    let texts: Vec<&str> =
        svg.split("<text").skip(1).filter_map(|t| t.split('>').nth(1)?.split('<').next()).map(str::trim).collect();
    for tick in ["1", "4", "10", "16", "25"] {
        assert!(texts.contains(&tick), "tick {tick} missing in {texts:?}");
    }
    for odd in ["1.58", "2.51", "3.98", "6.31", "15.8", "25.1"] {
        assert!(!texts.contains(&odd), "a tick at {odd} instances in {texts:?}");
    }
}
