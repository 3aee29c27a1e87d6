//! Where scenarios live besides the page: the share link in the URL fragment, the autosave and the named saves in
//! local storage, the language choice. A stored or linked scenario that cannot be read is never dropped silently:
//! the page says why, and the stored text stays in storage (under a `rejected` key) and can be downloaded.

use super::i18n::{trf, Lang};
use super::ScenarioCtx;
use crate::model::scenario::Scenario;
use crate::model::share;
use leptos::prelude::*;

/// Local-storage key of the autosaved scenario.
pub const AUTOSAVE_KEY: &str = "serverless-playground.autosave";
/// Local-storage key of the named scenarios (a JSON object: name → scenario).
pub const SAVED_KEY: &str = "serverless-playground.saved";
/// Local-storage key of a stored scenario that could not be read.
pub const REJECTED_KEY: &str = "serverless-playground.rejected";
const LANG_KEY: &str = "serverless-playground.lang";

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads a local-storage item.
pub fn get(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Writes a local-storage item; the error says why it failed (full, disabled).
pub fn set(key: &str, value: &str) -> Result<(), String> {
    local()
        .ok_or("the browser keeps no local storage here")?
        .set_item(key, value)
        .map_err(|_| "the browser refused to store it (storage full or disabled)".to_string())
}

/// What the page says about where its scenario came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Nothing to say (defaults).
    None,
    /// Opened from a share link.
    FromLink,
    /// Restored from the autosave.
    Restored,
    /// The link could not be read: why.
    BadLink(String),
    /// The link's scenario is open but its time cursor could not be read: why.
    BadCursor(String),
    /// The autosave could not be read: why (its text is kept under [`REJECTED_KEY`]).
    BadStored(String),
}

/// The scenario to start with: the share link's if there is one, else the autosave (not when embedded), else the
/// defaults.
pub fn initial_scenario() -> (Scenario, Notice) {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let stored = || -> (Scenario, Notice) {
        match get(AUTOSAVE_KEY) {
            None => (Scenario::default(), Notice::None),
            Some(text) => match share::load_any(&text) {
                Ok(s) => (s, Notice::Restored),
                Err(e) => {
                    let _ = set(REJECTED_KEY, &text);
                    (Scenario::default(), Notice::BadStored(e.to_string()))
                }
            },
        }
    };
    // An embedded section (`#embed=…`) never reads this browser's autosave: it shows its link's scenario or the
    // defaults.
    let embedded = share::embed_of(&hash).is_some();
    if share::is_scenario_fragment(&hash) {
        match share::from_fragment(&hash) {
            Ok(s) => (s, Notice::FromLink),
            Err(e) if embedded => (Scenario::default(), Notice::BadLink(e.to_string())),
            Err(e) => (stored().0, Notice::BadLink(e.to_string())),
        }
    } else if embedded {
        (Scenario::default(), Notice::None)
    } else {
        stored()
    }
}

/// Saves the scenario to local storage after edits (the last good scenario; failures are silent: the page still
/// works). A burst of edits (a slider dragged, a value typed digit by digit) is written once, [`AUTOSAVE_AFTER_MS`]
/// after the last, not in the task of each edit, where the write (~0.6 ms) held back the models' runs; leaving or
/// hiding the page writes a pending save at once.
pub fn autosave(ctx: ScenarioCtx) {
    let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let write = move || {
        let json = ctx.scenario.with_untracked(|s| serde_json::to_string(s).unwrap_or_default());
        let _ = set(AUTOSAVE_KEY, &json);
    };
    Effect::new(move |_| {
        ctx.scenario.track();
        let timer = gloo_timers::callback::Timeout::new(AUTOSAVE_AFTER_MS, move || {
            pending.set_value(None);
            write();
        });
        // Replacing the previous timer cancels it.
        pending.set_value(Some(timer));
    });
    let flush = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        if pending.try_update_value(|p| p.take().is_some()).unwrap_or(false) {
            write();
        }
    });
    if let Some(w) = web_sys::window() {
        // `pagehide` for a reload or navigation; `visibilitychange` for a tab closed or switched away on phones,
        // where `pagehide` may never come.
        let _ = w.add_event_listener_with_callback("pagehide", wasm_bindgen::JsCast::unchecked_ref(flush.as_ref()));
        if let Some(d) = w.document() {
            let _ = d.add_event_listener_with_callback(
                "visibilitychange",
                wasm_bindgen::JsCast::unchecked_ref(flush.as_ref()),
            );
        }
    }
    flush.forget();
}

/// How long after the last edit the autosave writes [ms].
const AUTOSAVE_AFTER_MS: u32 = 300;

/// The named scenarios in storage, sorted by name; entries that cannot be read carry their error.
pub fn saved() -> Vec<(String, Result<Scenario, String>)> {
    let mut v: Vec<_> =
        saved_map().into_iter().map(|(k, v)| (k, share::load_any(&v.to_string()).map_err(|e| e.to_string()))).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// The named scenarios as stored (name → scenario JSON).
fn saved_map() -> serde_json::Map<String, serde_json::Value> {
    get(SAVED_KEY).and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

fn update_saved(f: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> Result<(), String> {
    let mut map = saved_map();
    f(&mut map);
    set(SAVED_KEY, &serde_json::Value::Object(map).to_string())
}

/// Saves `s` under `name` (replacing one of the same name).
pub fn save_named(name: &str, s: &Scenario) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(trf("save.need_name", &[]));
    }
    let v = serde_json::to_value(s).map_err(|e| e.to_string())?;
    update_saved(|m| {
        m.insert(name.to_string(), v);
    })
}

/// Deletes the scenario saved under `name`.
pub fn delete_named(name: &str) -> Result<(), String> {
    update_saved(|m| {
        m.remove(name);
    })
}

/// The language chosen earlier, if any.
pub fn stored_lang() -> Option<Lang> {
    get(LANG_KEY).map(|t| Lang::from_tag(&t))
}

/// The browser's preferred language (Chinese if it prefers any Chinese, else English).
pub fn browser_lang() -> Lang {
    web_sys::window().and_then(|w| w.navigator().language()).map_or(Lang::En, |l| Lang::from_tag(&l))
}

/// Remembers the language.
pub fn store_lang(l: Lang) {
    let _ = set(LANG_KEY, l.tag());
}

/// The address of the page with `s` in its fragment.
pub fn share_url(s: &Scenario, cursor: f64) -> String {
    let loc = web_sys::window().map(|w| w.location());
    let base = loc.and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))).unwrap_or_default();
    format!("{base}#{}", share::to_fragment_at(s, cursor))
}

/// The time cursor the page's link carries, if any, or why it cannot be read.
pub fn initial_cursor() -> Result<Option<f64>, String> {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    if !share::is_scenario_fragment(&hash) {
        return Ok(None);
    }
    share::cursor_of(&hash).map_err(|e| e.to_string())
}

/// Session-storage key of where the page was scrolled when it was last left: `ID OFFSET`, the section at the top of
/// the window and how far into it [CSS px].
const SCROLL_KEY: &str = "serverless-playground.scroll";

/// Keeps where the page was scrolled when it is left, so a reload can return there: the browser's own restoration
/// comes too early, before the sections below the editor are mounted (see `mount_later_sections`). The place is
/// kept as a section and an offset into it, not as a pixel count: the sections above it are laid out only when
/// they come into view (`content-visibility`), so the page's height is not the same while it loads.
pub fn keep_scroll_on_leave() {
    let Some(w) = web_sys::window() else { return };
    if let Ok(h) = w.history() {
        let _ = h.set_scroll_restoration(web_sys::ScrollRestoration::Manual);
    }
    let leave = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
        let Some(w) = web_sys::window() else { return };
        let (Some(doc), Some(s)) = (w.document(), w.session_storage().ok().flatten()) else { return };
        let Ok(sections) = doc.query_selector_all("section.card[id]") else { return };
        // The last section whose top is at or above the top of the window.
        let mut place = None;
        for k in 0..sections.length() {
            let Some(el) = sections.get(k).and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            else {
                continue;
            };
            let top = el.get_bounding_client_rect().top();
            if top <= 0.5 {
                place = Some(format!("{} {:.0}", el.id(), -top));
            }
        }
        match place {
            Some(p) => s.set_item(SCROLL_KEY, &p),
            None => s.remove_item(SCROLL_KEY),
        }
        .ok();
    });
    let _ = w.add_event_listener_with_callback("pagehide", wasm_bindgen::JsCast::unchecked_ref(leave.as_ref()));
    leave.forget();
}

/// Where to return [element, offset into it in CSS px]: the place kept when the page was left, if this load is a
/// reload or a return through the history (not a new visit) and the section is there. Read once.
pub fn scroll_to_restore() -> Option<(web_sys::Element, f64)> {
    let w = web_sys::window()?;
    let s = w.session_storage().ok().flatten()?;
    let kept = s.get_item(SCROLL_KEY).ok().flatten();
    let _ = s.remove_item(SCROLL_KEY);
    let nav = w.performance()?.get_entries_by_type("navigation").get(0);
    let kind = js_sys::Reflect::get(&nav, &"type".into()).ok()?.as_string()?;
    if kind != "reload" && kind != "back_forward" {
        return None;
    }
    let kept = kept?;
    let (id, offset) = kept.split_once(' ')?;
    let offset: f64 = offset.parse().ok().filter(|o: &f64| o.is_finite() && *o >= 0.0)?;
    Some((w.document()?.get_element_by_id(id)?, offset))
}
