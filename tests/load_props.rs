//! Property tests: any sequence of edits keeps a load curve valid, and CSV export/import round-trips it.

use proptest::prelude::*;
use serverless_playground::model::load::{LoadCurve, Preset, MAX_RATE};

#[derive(Debug, Clone)]
enum Edit {
    Move(usize, f64, f64),
    Insert(f64, f64),
    Delete(usize),
    Scale(f64),
    Peak(f64),
    Duration(f64),
}

fn edit() -> impl Strategy<Value = Edit> {
    let num = prop_oneof![-1e7..1e7f64, 0.0..1000.0f64, Just(f64::NAN), Just(f64::INFINITY), Just(0.0)];
    prop_oneof![
        (0usize..40, num.clone(), num.clone()).prop_map(|(i, t, r)| Edit::Move(i, t, r)),
        (num.clone(), num.clone()).prop_map(|(t, r)| Edit::Insert(t, r)),
        (0usize..40).prop_map(Edit::Delete),
        num.clone().prop_map(Edit::Scale),
        num.clone().prop_map(Edit::Peak),
        num.prop_map(Edit::Duration),
    ]
}

fn assert_valid(c: &LoadCurve) {
    let p = c.points();
    assert!(p.len() >= 2);
    assert_eq!(p[0].t, 0.0);
    for w in p.windows(2) {
        assert!(w[1].t > w[0].t, "times increase: {w:?}");
    }
    for q in p {
        assert!(q.t.is_finite() && q.rate.is_finite() && q.rate >= 0.0 && q.rate <= MAX_RATE);
    }
    let e = c.expected_requests();
    assert!(e.is_finite() && e >= 0.0);
    // The serialised form is accepted back.
    let json = serde_json::to_string(c).unwrap();
    assert_eq!(&serde_json::from_str::<LoadCurve>(&json).unwrap(), c);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_edits_keep_the_curve_valid(start in 0usize..6, edits in prop::collection::vec(edit(), 0..40)) {
        let mut c = Preset::ALL[start].curve();
        for e in edits {
            let before = c.clone();
            let r = match e {
                Edit::Move(i, t, r) => c.move_point(i, t, r).map(|_| ()),
                Edit::Insert(t, r) => c.insert_point(t, r).map(|_| ()),
                Edit::Delete(i) => c.delete_point(i).map(|_| ()),
                Edit::Scale(f) => c.scale_rates(f),
                Edit::Peak(p) => c.set_peak(p),
                Edit::Duration(d) => c.set_duration(d),
            };
            if r.is_err() {
                prop_assert_eq!(&c, &before, "a refused edit changes nothing");
            }
            assert_valid(&c);
        }
    }

    #[test]
    fn csv_round_trips(pairs in prop::collection::vec((0.001..1e4f64, 0.0..1e5f64), 1..50)) {
        let mut t = 0.0;
        let mut pts = vec![(0.0, pairs[0].1)];
        for (dt, r) in pairs { t += dt; pts.push((t, r)); }
        if let Ok(c) = LoadCurve::from_pairs(&pts) {
            prop_assert_eq!(LoadCurve::import(&c.to_csv()).unwrap(), c);
        }
    }

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,400}") {
        let _ = LoadCurve::import(&s);
        let _ = LoadCurve::from_azure_2019(&s);
    }
}
