//! Offline use: registers the service worker (`public/sw.js`), which keeps this build's files so that the page
//! works with no network after the first visit, and says in the footer whether this version is kept, and when it is
//! a new version since the last visit (a new deploy is picked up on the next visit: the worker fetches the page
//! from the network first).

use super::i18n::{tr, trf};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The build last seen in this browser.
const BUILD_KEY: &str = "serverless-playground.build";

/// Whether this version is kept for offline use.
#[derive(Debug, Clone, PartialEq)]
enum Offline {
    /// Not on http(s), or a browser without service workers.
    Unsupported,
    Saving,
    Saved,
    /// The worker could not be registered: why.
    Failed(String),
}

/// This build's version (written into index.html by scripts/offline-manifest.py), if the build has one.
pub fn build_version() -> Option<String> {
    let meta = document().query_selector("meta[name=build]").ok().flatten()?;
    let v = meta.get_attribute("content")?;
    (!v.is_empty() && v != "BUILD_VERSION").then_some(v)
}

/// The footer's line about offline use and updates.
#[component]
pub fn OfflineStatus() -> impl IntoView {
    let state = RwSignal::new(Offline::Saving);
    let version = build_version();
    // A new version since the last visit (the first visit has nothing to compare with).
    let updated = version.as_ref().is_some_and(|v| super::storage::get(BUILD_KEY).is_some_and(|old| &old != v));
    if let Some(v) = &version {
        let _ = super::storage::set(BUILD_KEY, v);
    }
    register(state);
    let short = version.clone().map(|v| v.chars().take(7).collect::<String>()).unwrap_or_else(|| "—".into());
    let short2 = short.clone();
    view! {
        <p class="offline" data-testid="offline-status" role="status">
            {updated.then(|| view! { <strong data-testid="offline-updated">{move || trf("off.updated", &[&short])}" "</strong> })}
            {move || match state.get() {
                Offline::Unsupported => tr("off.unsupported").to_string(),
                Offline::Saving => tr("off.saving").to_string(),
                Offline::Saved => trf("off.saved", &[&short2]),
                Offline::Failed(why) => trf("off.failed", &[&why]),
            }}
        </p>
    }
}

/// Registers the service worker next to the page and follows it until it is ready.
fn register(state: RwSignal<Offline>) {
    let Some(w) = web_sys::window() else { return state.set(Offline::Unsupported) };
    let secure = w.is_secure_context();
    let nav = w.navigator();
    let has = js_sys::Reflect::has(&nav, &"serviceWorker".into()).unwrap_or(false);
    if !secure || !has {
        return state.set(Offline::Unsupported);
    }
    let sw = nav.service_worker();
    let registered = sw.register("sw.js");
    let ready = sw.ready();
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = wasm_bindgen_futures::JsFuture::from(registered).await {
            let why = e.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()));
            state.set(Offline::Failed(why));
            return;
        }
        let ready = match ready {
            Ok(p) => wasm_bindgen_futures::JsFuture::from(p).await.is_ok(),
            Err(_) => false,
        };
        state.set(if ready {
            Offline::Saved
        } else {
            Offline::Failed("the service worker did not become ready".into())
        });
    });
}
