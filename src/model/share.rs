//! Scenarios in links and files: a versioned, URL-safe encoding of the scenario JSON, and reading a scenario saved by
//! any version of the playground (migrated when it can be, refused with a message naming the reason otherwise).
//!
//! A share link's fragment is `s=<format>.<base64url of the scenario JSON>` (RFC 4648 §5, no padding). The full JSON
//! is encoded, not a difference from the defaults, so a link restores exactly the same scenario even after a later
//! version changes its defaults.

use super::scenario::{Scenario, ScenarioError, SCENARIO_VERSION};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// URL-safe base64 without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for k in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes URL-safe base64 (padding and standard `+/` tolerated); the error names the first bad character.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (i, c) in text.trim_end_matches('=').chars().enumerate() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '-' | '+' => 62,
            '_' | '/' => 63,
            _ => return Err(format!("character {} ('{c}') is not part of a link", i + 1)),
        };
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits & 0xff) as u8);
        }
    }
    Ok(out)
}

/// The fragment (without `#`) that restores `s`.
pub fn to_fragment(s: &Scenario) -> String {
    let json = serde_json::to_string(s).unwrap_or_default();
    format!("s={}.{}", s.version, base64url_encode(json.as_bytes()))
}

/// Whether a fragment carries a scenario (as opposed to a section name such as `scaling`).
pub fn is_scenario_fragment(fragment: &str) -> bool {
    fragment.trim_start_matches('#').starts_with("s=")
}

/// The fragment (without `#`) that restores `s` with the time cursor at `cursor` [s].
pub fn to_fragment_at(s: &Scenario, cursor: f64) -> String {
    format!("{}&t={}", to_fragment(s), (cursor * 10.0).round() / 10.0)
}

/// The section an embedding link asks for: `embed=ID` among the fragment's `&`-separated parts (`#embed=scaling`,
/// or a share link with `&embed=scaling` after the scenario).
pub fn embed_of(fragment: &str) -> Option<&str> {
    part(fragment, "embed").filter(|id| !id.is_empty())
}

/// The value of `KEY=value` among a fragment's `&`-separated parts (with or without `#`), if it has one.
fn part<'a>(fragment: &'a str, key: &str) -> Option<&'a str> {
    fragment.trim_start_matches('#').split('&').find_map(|p| p.strip_prefix(key)?.strip_prefix('='))
}

/// The lesson a fragment opens (`#lesson=ID&step=N`, alone or after other parts): its id as given (which may not be
/// one) and its step, 1 for the first when the link names none; `Err` with the text given for a step that is not a
/// whole number from 1.
pub fn lesson_of(fragment: &str) -> Option<(&str, Result<usize, &str>)> {
    let id = part(fragment, "lesson").filter(|id| !id.is_empty())?;
    let step = match part(fragment, "step") {
        None => Ok(1),
        Some(n) => n.parse().ok().filter(|n| *n >= 1).ok_or(n),
    };
    Some((id, step))
}

/// The fragment (without `#`) of a lesson's step (1 for the first).
pub fn to_lesson_fragment(id: &str, step: usize) -> String {
    format!("lesson={id}&step={step}")
}

/// The fragment (without `#`) that shows `s`, its cursor at `cursor` [s], embedded as `section`.
pub fn to_embed_fragment(s: &Scenario, cursor: f64, section: &str) -> String {
    format!("{}&embed={section}", to_fragment_at(s, cursor))
}

/// The time cursor a share fragment carries (`&t=` seconds), if it carries one.
pub fn cursor_of(fragment: &str) -> Result<Option<f64>, ScenarioError> {
    let Some(t) = fragment.split('&').skip(1).find_map(|p| p.strip_prefix("t=")) else { return Ok(None) };
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => {
            Err(ScenarioError(format!("link: 't={t}' is not a time in seconds; the cursor starts at the peak instead")))
        }
    }
}

/// Reads the scenario in a share fragment (with or without `#`; what follows a `&`, such as the cursor, is not the
/// scenario's).
pub fn from_fragment(fragment: &str) -> Result<Scenario, ScenarioError> {
    let fragment = fragment.split('&').next().unwrap_or_default();
    let body = fragment
        .trim_start_matches('#')
        .strip_prefix("s=")
        .ok_or_else(|| ScenarioError("link: no scenario in this link (it should contain #s=…)".into()))?;
    let (version, data) =
        body.split_once('.').ok_or_else(|| ScenarioError("link: the scenario is cut off (no format number)".into()))?;
    let version: u32 =
        version.parse().map_err(|_| ScenarioError(format!("link: '{version}' is not a format number")))?;
    let bytes = base64url_decode(data).map_err(|e| ScenarioError(format!("link: {e}; was it copied completely?")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ScenarioError("link: the scenario is damaged (not text); was it copied completely?".into()))?;
    let s = load_any(&text)?;
    if s.version != version && version > SCENARIO_VERSION {
        return Err(newer(version as u64));
    }
    Ok(s)
}

fn newer(v: u64) -> ScenarioError {
    ScenarioError(format!(
        "version: this scenario was made by a newer playground (format {v}); this one reads formats 1 to \
         {SCENARIO_VERSION}. Open it in the current version of the playground."
    ))
}

/// Upgrades a scenario saved as format `from` to the next format. Format 1 is the first; a format-2 reader adds its
/// step here, so every older scenario still opens.
const MIGRATIONS: &[fn(&mut serde_json::Value)] = &[];

/// Reads a scenario saved by any version: older formats are migrated step by step to [`SCENARIO_VERSION`], newer or
/// unknown ones are refused with a message saying so; then the scenario is validated (errors name the field).
pub fn load_any(text: &str) -> Result<Scenario, ScenarioError> {
    let mut v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ScenarioError(format!("scenario JSON: {e}")))?;
    let version = v
        .get("version")
        .and_then(|x| x.as_u64())
        .ok_or_else(|| ScenarioError("version: missing; this is not a scenario saved by the playground".into()))?;
    if version == 0 {
        return Err(ScenarioError("version: 0 is not a scenario format".into()));
    }
    if version > SCENARIO_VERSION as u64 {
        return Err(newer(version as u64));
    }
    for step in &MIGRATIONS[(version - 1) as usize..] {
        step(&mut v);
    }
    v["version"] = SCENARIO_VERSION.into();
    Scenario::from_json(&v.to_string())
}

/// The parameters that differ between two scenarios: (path such as `scaling.keep_alive`, value in `a`, value in
/// `b`). A changed load curve is one entry, `load`, described by its point count, duration and peak.
pub fn differences(a: &Scenario, b: &Scenario) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    if a.load != b.load {
        let d = |s: &Scenario| {
            format!(
                "{} pts, {} s, peak {} req/s",
                s.load.points().len(),
                super::units::sig(s.load.duration(), 4),
                super::units::sig(s.load.peak(), 4)
            )
        };
        out.push(("load".to_string(), d(a), d(b)));
    }
    let (mut va, mut vb) = (serde_json::to_value(a).unwrap_or_default(), serde_json::to_value(b).unwrap_or_default());
    for v in [&mut va, &mut vb] {
        if let Some(o) = v.as_object_mut() {
            o.remove("load");
        }
    }
    walk("", &va, &vb, &mut out);
    out
}

fn walk(path: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<(String, String, String)>) {
    use serde_json::Value;
    let join = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if x.get("kind") == y.get("kind") => {
            for (k, v) in x {
                walk(&join(k), v, y.get(k).unwrap_or(&Value::Null), out);
            }
            for (k, v) in y.iter().filter(|(k, _)| !x.contains_key(*k)) {
                walk(&join(k), &Value::Null, v, out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(&format!("{path}[{i}]"), p, q, out);
            }
        }
        _ if a != b => {
            let short = |v: &Value| {
                let s = v.to_string();
                if s.len() > 60 {
                    format!("{}…", &s[..s.char_indices().nth(57).map_or(s.len(), |c| c.0)])
                } else {
                    s
                }
            };
            out.push((path.to_string(), short(a), short(b)));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_link_carries_the_cursor_beside_the_scenario() {
        let s = Scenario::default();
        let f = to_fragment_at(&s, 1512.34);
        assert_eq!(from_fragment(&f).unwrap(), s);
        assert_eq!(cursor_of(&f).unwrap(), Some(1512.3));
        assert_eq!(cursor_of(&to_fragment(&s)).unwrap(), None);
        let bad = cursor_of(&format!("{}&t=soon", to_fragment(&s))).unwrap_err().to_string();
        assert!(bad.contains("'t=soon' is not a time"), "{bad}");
        assert!(cursor_of("s=1.abc&t=-5").is_err());
    }

    #[test]
    fn the_migration_table_reaches_the_current_format() {
        assert_eq!(MIGRATIONS.len() as u32, SCENARIO_VERSION - 1);
    }

    #[test]
    fn a_link_restores_the_scenario_exactly() {
        let mut s = Scenario { seed: 987654321, ..Scenario::default() };
        s.scaling.keep_alive = 123.456789;
        let f = to_fragment(&s);
        assert!(f.starts_with("s=1."));
        assert!(f.chars().all(|c| c.is_ascii_alphanumeric() || "=._-".contains(c)), "URL-safe: {f}");
        assert_eq!(from_fragment(&f).unwrap(), s);
        assert_eq!(from_fragment(&format!("#{f}")).unwrap(), s);
    }

    #[test]
    fn damaged_or_foreign_links_are_refused_with_a_reason() {
        let f = to_fragment(&Scenario::default());
        assert!(from_fragment("scaling").unwrap_err().0.contains("no scenario"));
        assert!(from_fragment("s=abc").unwrap_err().0.contains("cut off"));
        assert!(from_fragment(&f[..f.len() / 2]).unwrap_err().0.starts_with("scenario JSON"));
        assert!(from_fragment(&f.replace('A', "*")).unwrap_err().0.contains("('*')"));
        let newer_link = format!("s=7.{}", base64url_encode(br#"{"version":7,"seed":1}"#));
        assert!(from_fragment(&newer_link).unwrap_err().0.contains("newer playground (format 7)"));
    }

    #[test]
    fn stored_scenarios_of_unknown_formats_are_refused() {
        assert!(load_any(r#"{"seed":1}"#).unwrap_err().0.starts_with("version: missing"));
        assert!(load_any(r#"{"version":0}"#).unwrap_err().0.starts_with("version: 0"));
        assert!(load_any(r#"{"version":2}"#).unwrap_err().0.contains("newer playground"));
        let s = Scenario::default();
        assert_eq!(load_any(&serde_json::to_string(&s).unwrap()).unwrap(), s);
    }

    #[test]
    fn differences_name_the_changed_parameters() {
        let a = Scenario::default();
        let mut b = a.clone();
        assert!(differences(&a, &b).is_empty());
        b.scaling.keep_alive = 60.0;
        b.availability.regions.pop();
        b.load.set_peak(b.load.peak() * 2.0).unwrap();
        let d = differences(&a, &b);
        let paths: Vec<&str> = d.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(paths, ["load", "availability.regions", "scaling.keep_alive"], "{d:?}");
        assert_eq!(d[2].1, "600.0");
        assert_eq!(d[2].2, "60.0");
    }

    proptest! {
        #[test]
        fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let e = base64url_encode(&bytes);
            prop_assert_eq!(e.len(), (bytes.len() * 4).div_ceil(3));
            prop_assert_eq!(base64url_decode(&e).unwrap(), bytes);
        }

        #[test]
        fn arbitrary_fragments_never_panic(text in ".{0,300}") {
            let _ = from_fragment(&text);
            let _ = from_fragment(&format!("s=1.{text}"));
        }
    }

    #[test]
    fn a_lesson_link_names_its_lesson_and_step() {
        assert_eq!(lesson_of("#lesson=keep-alive&step=3"), Some(("keep-alive", Ok(3))));
        assert_eq!(lesson_of(&format!("#{}", to_lesson_fragment("breaker", 5))), Some(("breaker", Ok(5))));
        assert_eq!(lesson_of("#embed=lessons&lesson=breaker"), Some(("breaker", Ok(1))));
        assert_eq!(lesson_of("#lesson=breaker&step=0"), Some(("breaker", Err("0"))));
        assert_eq!(lesson_of("#lesson=breaker&step=x"), Some(("breaker", Err("x"))));
        assert_eq!(lesson_of("#lesson=&step=2"), None);
        assert_eq!(lesson_of("#s=abc&t=3"), None);
        assert_eq!(lesson_of("#scaling"), None);
    }

    /// An embedding link names its section with or without a scenario; the scenario and cursor read as without it.
    #[test]
    fn an_embedding_link_names_its_section() {
        assert_eq!(embed_of("#embed=scaling"), Some("scaling"));
        assert_eq!(embed_of("#embed="), None);
        assert_eq!(embed_of("#scaling"), None);
        let s = Scenario { seed: 42, ..Scenario::default() };
        let f = to_embed_fragment(&s, 61.25, "chains");
        assert_eq!(embed_of(&f), Some("chains"));
        assert_eq!(from_fragment(&f).unwrap(), s);
        assert_eq!(cursor_of(&f).unwrap(), Some(61.3));
        assert!(is_scenario_fragment(&f));
    }
}
