//! Lessons for the classroom: pick one, its scenario loads (the previous one can be restored), and its text says
//! what to look at and what to try.

use super::i18n::tr;
use super::ScenarioCtx;
use crate::model::lessons::Lesson;
use leptos::prelude::*;

/// String keys of a lesson: title, text, "try this".
pub fn keys(l: Lesson) -> [String; 3] {
    ["title", "text", "try"].map(|k| format!("lesson.{}.{k}", l.id()))
}

/// The Lessons section.
#[component]
pub fn Lessons() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let current = RwSignal::new(None::<Lesson>);
    let open = move |l: Lesson| {
        ctx.replace(l.scenario());
        current.set(Some(l));
    };
    view! {
        <section class="card" id="lessons" aria-labelledby="lessons-title">
            <div class="card-head">
                <h2 id="lessons-title">{move || tr("lessons.title")}</h2>
                <p class="hint">{move || tr("lessons.intro")}</p>
            </div>
            <div class="lesson-list">
                {Lesson::ALL.into_iter().map(|l| {
                    let [title, _, _] = keys(l);
                    view! {
                        <button type="button" class="lesson" data-testid=format!("lesson-{}", l.id())
                            aria-pressed=move || (current.get() == Some(l)).to_string()
                            on:click=move |_| open(l)>{move || tr(&title)}</button>
                    }
                }).collect_view()}
            </div>
            {move || current.get().map(|l| {
                let [title, text, try_] = keys(l);
                view! {
                    <div class="lesson-text" data-testid="lesson-text" role="region" aria-live="polite" aria-label=tr(&title)>
                        <h3>{tr(&title)}</h3>
                        <p>{tr(&text)}</p>
                        <p><strong>{tr("lessons.try")}</strong>" "{tr(&try_)}</p>
                        <p><a href=format!("#{}", l.section())>{tr("lessons.go")}</a></p>
                    </div>
                }
            })}
        </section>
    }
}
