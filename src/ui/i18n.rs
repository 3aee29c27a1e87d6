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

    #[test]
    fn every_key_the_interface_uses_is_in_the_table() {
        const PREFIXES: [&str; 21] = [
            "app.", "av.", "bar.", "br.", "ch.", "chart.", "cmp.", "cost.", "field.", "formula.", "lesson.",
            "lessons.", "load.", "nav.", "par.", "preset.", "run.", "save.", "sc.", "u.", "val.",
        ];
        let mut missing = Vec::new();
        for dir in ["src/ui", "src/charts"] {
            for e in std::fs::read_dir(format!("{}/{dir}", env!("CARGO_MANIFEST_DIR"))).unwrap() {
                let p = e.unwrap().path();
                let text = std::fs::read_to_string(&p).unwrap();
                for lit in text.split('"').skip(1).step_by(2) {
                    let is_key = PREFIXES.iter().any(|x| lit.starts_with(x) && lit.len() > x.len())
                        && lit.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
                    if is_key && STRINGS.binary_search_by(|(k, _, _)| (*k).cmp(lit)).is_err() {
                        missing.push(format!("{}: {lit}", p.display()));
                    }
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
