//! The scenario toolbar: share link, named saves, JSON export and import, reset, A/B comparison, and the notice of
//! where the scenario came from (link, autosave) or why a link or stored scenario could not be read.

use super::download::download_text;
use super::i18n::{tr, trf};
use super::storage::{self, Notice};
use super::ScenarioCtx;
use crate::model::scenario::Scenario;
use crate::model::share;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The toolbar.
#[component]
pub fn ScenarioBar(
    /// What to say about where the scenario came from.
    notice: Notice,
) -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let message = RwSignal::new(None::<(bool, String)>);
    let link = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let saved = RwSignal::new(storage::saved());
    let chosen = RwSignal::new(String::new());
    let paste = RwSignal::new(String::new());
    let notice = StoredValue::new(notice);

    let share = move |_| {
        let cursor = ctx.cursor.get_untracked();
        let url = ctx.scenario.with_untracked(|s| storage::share_url(s, cursor));
        if let Some(w) = web_sys::window() {
            if let Ok(h) = w.history() {
                let frag = format!("#{}", ctx.scenario.with_untracked(|s| share::to_fragment_at(s, cursor)));
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&frag));
            }
            let clip = w.navigator().clipboard();
            let _ = clip.write_text(&url);
        }
        link.set(Some(url));
        message.set(Some((false, tr("bar.link_ready").into())));
    };
    let save = move |_| match storage::save_named(&name.get_untracked(), &ctx.scenario.get_untracked()) {
        Ok(()) => {
            saved.set(storage::saved());
            chosen.set(name.get_untracked().trim().to_string());
            message.set(Some((false, trf("bar.saved", &[name.get_untracked().trim()]))));
        }
        Err(e) => message.set(Some((true, e))),
    };
    let open_saved = move |_| {
        let n = chosen.get_untracked();
        match saved.with_untracked(|v| v.iter().find(|(k, _)| *k == n).map(|(_, s)| s.clone())) {
            Some(Ok(s)) => {
                ctx.replace(s);
                message.set(Some((false, trf("bar.opened", &[&n]))));
            }
            Some(Err(e)) => message.set(Some((true, trf("bar.cannot_open", &[&n, &e])))),
            None => message.set(Some((true, tr("bar.choose").into()))),
        }
    };
    let delete_saved = move |_| {
        let n = chosen.get_untracked();
        if n.is_empty() {
            return;
        }
        match storage::delete_named(&n) {
            Ok(()) => {
                saved.set(storage::saved());
                chosen.set(String::new());
                message.set(Some((false, trf("bar.deleted", &[&n]))));
            }
            Err(e) => message.set(Some((true, e))),
        }
    };
    let export = move |_| {
        let json = ctx.scenario.with_untracked(|s| serde_json::to_string_pretty(s).unwrap_or_default());
        if let Err(e) = download_text("scenario.json", "application/json", &json) {
            message.set(Some((true, e)));
        }
    };
    let import_text = move |text: String| match share::load_any(&text) {
        Ok(s) => {
            ctx.replace(s);
            message.set(Some((false, tr("bar.imported").into())));
        }
        Err(e) => message.set(Some((true, trf("bar.not_imported", &[&e.to_string()])))),
    };
    let on_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        spawn_local(async move {
            match gloo_file::futures::read_as_text(&gloo_file::File::from(file)).await {
                Ok(text) => import_text(text),
                Err(e) => message.set(Some((true, format!("{e}")))),
            }
        });
    };
    let reset = move |_| {
        ctx.replace(Scenario::default());
        message.set(Some((false, tr("bar.reset_done").into())));
    };
    let download_rejected = move |_| {
        if let Some(text) = storage::get(storage::REJECTED_KEY) {
            let _ = download_text("unreadable-scenario.json", "application/json", &text);
        }
    };

    view! {
        <section class="card bar" aria-label=move || tr("bar.label") data-testid="scenario-bar">
            {move || notice.with_value(|n| match n {
                Notice::None => None,
                Notice::FromLink => Some(view! { <p class="status" role="status" data-testid="notice">{tr("bar.from_link")}</p> }.into_any()),
                Notice::Restored => Some(view! { <p class="status" role="status" data-testid="notice">{tr("bar.restored")}</p> }.into_any()),
                Notice::BadLink(e) => Some(view! { <p class="error" role="alert" data-testid="notice">{trf("bar.bad_link", &[e])}</p> }.into_any()),
                Notice::BadCursor(e) => Some(view! { <p class="error" role="alert" data-testid="notice">{trf("bar.bad_cursor", &[e])}</p> }.into_any()),
                Notice::BadStored(e) => Some(view! {
                    <p class="error" role="alert" data-testid="notice">{trf("bar.bad_stored", &[e])}" "
                        <button type="button" class="small" on:click=download_rejected>{tr("bar.download_rejected")}</button></p>
                }.into_any()),
            })}
            <div class="toolbar">
                <button type="button" data-testid="share" on:click=share>{move || tr("bar.share")}</button>
                <button type="button" data-testid="export-json" on:click=export>{move || tr("bar.export")}</button>
                <label class="file">{move || tr("bar.import")}" "
                    <input type="file" accept=".json,application/json" data-testid="import-json" on:change=on_file />
                </label>
                <button type="button" data-testid="reset" on:click=reset>{move || tr("bar.reset")}</button>
                <Show when=move || ctx.previous.with(|p| p.is_some())>
                    <button type="button" data-testid="undo-replace" on:click=move |_| ctx.restore_previous()>{move || tr("bar.undo_replace")}</button>
                </Show>
                {move || if ctx.pinned.with(|p| p.is_none()) {
                    view! { <button type="button" data-testid="compare-start" on:click=move |_| ctx.pin()>{move || tr("bar.compare")}</button> }.into_any()
                } else {
                    view! {
                        <button type="button" data-testid="compare-swap" on:click=move |_| {
                            let a = ctx.pinned.get_untracked();
                            ctx.pin();
                            if let Some(a) = a { ctx.scenario.set(a.scenario); }
                        }>{move || tr("bar.swap")}</button>
                        <button type="button" data-testid="compare-stop" on:click=move |_| ctx.pinned.set(None)>{move || tr("bar.stop_compare")}</button>
                    }.into_any()
                }}
            </div>
            <div class="toolbar">
                <label>{move || tr("bar.name")}" "
                    <input type="text" data-testid="save-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                <button type="button" data-testid="save" on:click=save>{move || tr("bar.save")}</button>
                <label>{move || tr("bar.saved_list")}" "
                    <select data-testid="saved-list" on:change=move |ev| chosen.set(event_target_value(&ev))>
                        <option value="" selected=move || chosen.get().is_empty()>{move || tr("bar.choose_saved")}</option>
                        {move || saved.get().into_iter().map(|(k, r)| {
                            let label = if r.is_ok() { k.clone() } else { format!("{k} ⚠") };
                            let k2 = k.clone();
                            view! { <option value=k selected=move || chosen.get() == k2>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" data-testid="open-saved" on:click=open_saved>{move || tr("bar.open")}</button>
                <button type="button" data-testid="delete-saved" on:click=delete_saved>{move || tr("bar.delete")}</button>
            </div>
            <details>
                <summary>{move || tr("bar.paste_json")}</summary>
                <textarea rows="5" data-testid="paste-json" aria-label=move || tr("bar.paste_json") spellcheck="false"
                    prop:value=move || paste.get() on:input=move |ev| paste.set(event_target_value(&ev))></textarea>
                <button type="button" data-testid="import-pasted" on:click=move |_| import_text(paste.get_untracked())>{move || tr("bar.import_pasted")}</button>
            </details>
            {move || link.get().map(|l| view! {
                <p class="share-link"><label>{tr("bar.link")}" "<input type="text" readonly data-testid="share-link" prop:value=l /></label></p>
            })}
            {move || message.get().map(|(err, m)| if err {
                view! { <p class="error" role="alert" data-testid="bar-message">{m}</p> }.into_any()
            } else {
                view! { <p class="status" role="status" data-testid="bar-message">{m}</p> }.into_any()
            })}
        </section>
    }
}
