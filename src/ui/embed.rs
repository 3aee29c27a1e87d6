//! `#embed=SECTION` (alone, or after a share link's scenario: `#s=…&t=…&embed=scaling`): the page shows just that
//! section, without its header, navigation and scenario bar, for a course page or an LMS to put in an iframe. The
//! frame keeps its state in its own link (its address follows every edit and the time cursor), not in this
//! browser's autosave, so an embedded copy never overwrites the reader's own work; a link under it opens the whole
//! playground with the same scenario.

use super::i18n::{tr, trf};
use super::{models_panels, ScenarioCtx};
use crate::model::scenario::ModelKind;
use crate::model::share;
use leptos::prelude::*;

/// How long after the last edit the frame's address is brought up to date [ms].
const LINK_AFTER_MS: u32 = 300;

/// What the page's address asks to embed: `None` for the whole page, else the section's id as given (which may not
/// be one: [`Embedded`] says so).
pub fn asked() -> Option<String> {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    share::embed_of(&hash).map(str::to_string)
}

/// The ids that can be embedded.
fn known() -> Vec<&'static str> {
    super::sections().into_iter().map(|(id, _)| id).collect()
}

/// The one section `id`, and a link to the whole playground.
#[component]
pub fn Embedded(id: String, notice: super::storage::Notice) -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let section = known().into_iter().find(|k| *k == id);
    // The frame's own link follows the scenario and the cursor.
    if let Some(id) = section {
        let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
        let lesson = use_context::<super::lessons::LessonState>();
        Effect::new(move |_| {
            let mut frag = ctx.scenario.with(|s| share::to_embed_fragment(s, ctx.cursor.get(), id));
            // An embedded lesson's step too.
            if let Some(l) = lesson.and_then(|st| st.current.get().map(|l| (l, st.step.get()))) {
                frag = format!("{frag}&{}", share::to_lesson_fragment(l.0.id(), l.1 + 1));
            }
            pending.set_value(Some(gloo_timers::callback::Timeout::new(LINK_AFTER_MS, move || {
                if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                    let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("#{frag}")));
                }
            })));
        });
    }
    let whole = move || {
        let frag = ctx.scenario.with(|s| share::to_fragment_at(s, ctx.cursor.get()));
        format!("{}#{frag}", super::page_address())
    };
    let body = match section {
        None => {
            let ids = known().join(", ");
            view! { <p class="error" role="alert" data-testid="embed-error">{move || trf("embed.unknown", &[&id, &ids])}</p> }
                .into_any()
        }
        // A lesson (`#embed=lessons&lesson=ID&step=N`): its guide and the sections it is about (the others are
        // there, hidden, as presenting hides them); without one, the list of lessons.
        Some("lessons") => {
            let state = expect_context::<super::lessons::LessonState>();
            view! {
                {move || state.current.get().is_none().then(|| view! { <super::lessons::Lessons /> })}
                <super::lessons::LessonGuide />
                <Show when=move || state.current.get().is_some()>
                    <div class="embed-lesson">
                        <super::load_editor::LoadEditor />
                        {ModelKind::ALL.into_iter().map(models_panels::model_section).collect_view()}
                    </div>
                </Show>
            }
            .into_any()
        }
        Some("load") => view! { <super::load_editor::LoadEditor /> }.into_any(),
        Some(id) => match ModelKind::ALL.into_iter().find(|k| k.model().section() == id) {
            Some(kind) => models_panels::model_section(kind),
            None => view! { <p class="error" role="alert">{id}</p> }.into_any(),
        },
    };
    // A link that could not be read is said (the frame then shows the defaults).
    let said = match notice {
        super::storage::Notice::BadLink(e) => Some(trf("bar.bad_link", &[&e])),
        super::storage::Notice::BadCursor(e) => Some(trf("bar.bad_cursor", &[&e])),
        _ => None,
    };
    view! {
        <main class="wrap embed" data-testid="embed">
            {said.map(|t| view! { <p class="error" role="alert" data-testid="notice">{t}</p> })}
            {body}
            <p class="embed-foot">
                <a data-testid="embed-open" href=whole target="_blank" rel="noopener">{move || tr("embed.open")}</a>
            </p>
        </main>
    }
}
