//! Every string of the interface, in English and Simplified Chinese, in one table ([`STRINGS`]); components look
//! them up by key with [`tr`] (reactive: a language switch redraws them). The model's own error messages, which
//! name the scenario field in question, stay in English.

use leptos::prelude::*;

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// BCP 47 tag (the page's `lang` attribute, storage).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
    /// The language with this tag.
    pub fn from_tag(tag: &str) -> Self {
        if tag.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

/// The language signal every component reads.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Lang>);

/// The string for `key` in `lang`; a missing key shows as itself (a test makes sure none is missing).
pub fn lookup(lang: Lang, key: &str) -> &'static str {
    match STRINGS.binary_search_by(|(k, _, _)| (*k).cmp(key)) {
        Ok(i) => match lang {
            Lang::En => STRINGS[i].1,
            Lang::Zh => STRINGS[i].2,
        },
        Err(_) => {
            debug_assert!(false, "missing string {key}");
            "?"
        }
    }
}

/// The current language (tracked: a closure calling this reruns when the language changes).
pub fn lang() -> Lang {
    use_context::<I18n>().map(|l| l.0.get()).unwrap_or_default()
}

/// The string for `key` in the current language.
pub fn tr(key: &str) -> &'static str {
    lookup(lang(), key)
}

/// The string for `key` with `{0}`, `{1}`, … replaced by `args`.
pub fn trf(key: &str, args: &[&str]) -> String {
    let mut s = tr(key).to_string();
    for (i, a) in args.iter().enumerate() {
        s = s.replace(&format!("{{{i}}}"), a);
    }
    s
}

/// (key, English, 简体中文), sorted by key.
pub static STRINGS: &[(&str, &str, &str)] = &include!("strings.in");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_unique_and_complete() {
        for w in STRINGS.windows(2) {
            assert!(w[0].0 < w[1].0, "not sorted or repeated: {} / {}", w[0].0, w[1].0);
        }
        for (k, en, zh) in STRINGS {
            assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{k} has an empty translation");
            let holes = |s: &str| (0..6).filter(|i| s.contains(&format!("{{{i}}}"))).count();
            assert_eq!(holes(en), holes(zh), "{k}: placeholders differ");
        }
    }

    /// A string literal in the code that has the shape of a key (`sc.f.cold`, `heavy.title`) is looked up, whatever
    /// its prefix: a new prefix needs no list kept by hand. File names and the like are told apart by their ending.
    fn looks_like_key(lit: &str) -> bool {
        const NOT_KEYS: [&str; 13] =
            [".js", ".mjs", ".html", ".json", ".csv", ".png", ".svg", ".wasm", ".css", ".rs", ".txt", ".gz", ".in"];
        let mut parts = lit.split('.');
        let first = parts.next().unwrap_or("");
        lit.contains('.')
            && first.len() > 1
            && first.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            && parts.all(|p| {
                !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-".contains(c))
            })
            && !NOT_KEYS.iter().any(|x| lit.ends_with(x))
            && !is_field_path(first)
    }

    /// Whether `first` is a field of the scenario: `scaling.keep_alive` names a field in the models' error messages.
    fn is_field_path(first: &str) -> bool {
        let s = serde_json::to_value(crate::model::scenario::Scenario::default()).unwrap();
        s.as_object().is_some_and(|o| o.contains_key(first))
    }

    #[test]
    fn every_key_the_code_uses_is_in_the_table() {
        let mut missing = Vec::new();
        fn walk(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, files);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    files.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut files);
        let mut checked = 0;
        for p in files {
            let text = std::fs::read_to_string(&p).unwrap();
            for lit in text.split('"').skip(1).step_by(2) {
                if looks_like_key(lit) {
                    checked += 1;
                    if STRINGS.binary_search_by(|(k, _, _)| (*k).cmp(lit)).is_err() {
                        missing.push(format!("{}: {lit}", p.display()));
                    }
                }
            }
        }
        assert!(checked > 300, "only {checked} keys found: the scan is broken");
        // The registry's labels, chart titles, formula lines and work units, which the page looks up from tables.
        for k in crate::model::registry::ModelKind::ALL {
            let m = k.model();
            let keys = m.figures().iter().flat_map(|f| [Some(f.label), f.compare]).flatten();
            let keys = keys.chain(m.charts().iter().map(|c| c.title));
            for key in keys.chain([m.work_unit()]).map(str::to_string).chain([format!("nav.{}", m.section())]) {
                if STRINGS.binary_search_by(|(x, _, _)| (*x).cmp(key.as_str())).is_err() {
                    missing.push(key);
                }
            }
        }
        for l in crate::model::lessons::Lesson::ALL {
            for k in crate::ui::lessons_keys(l) {
                if STRINGS.binary_search_by(|(x, _, _)| (*x).cmp(k.as_str())).is_err() {
                    missing.push(k);
                }
            }
        }
        for p in crate::model::load::Preset::ALL {
            let k = format!("preset.{}", p.id());
            if STRINGS.binary_search_by(|(x, _, _)| (*x).cmp(k.as_str())).is_err() {
                missing.push(k);
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "keys without strings:\n{}", missing.join("\n"));
    }
}
