//! What the live views share: the page's playback of the time cursor ([`Playback`], its controls [`Transport`] and
//! keys), and a model run's [`Replay`] built on the page in slices and read at the cursor ([`LiveRun`]). The Scaling
//! section's pool ([`super::live`]) and the Chains section's hops ([`super::chain_live`]) are two readings of it.

use super::i18n::tr;
use crate::model::replay::{Replay, Rerun};
use crate::model::units::{fmt_clock as clock, fmt_count};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Speeds offered: simulated seconds per real second.
const SPEEDS: [f64; 6] = [1.0, 10.0, 60.0, 300.0, 900.0, 3600.0];
/// Time each slice of a replay's building may take on the page [ms].
const SLICE_MS: f64 = 6.0;
/// Time each slice of a long seek may take [ms]: longer than the building's (the reader waits for it, and each
/// slice after the fifth also waits the browser's 4 ms for a chained timer), still far under the 50 ms of a long
/// task.
const SEEK_SLICE_MS: f64 = 12.0;
/// Requests of the curve a seek's first slice re-runs (then as many as fit [`SEEK_SLICE_MS`]): a scrub within a
/// few hundred thousand requests of a kept copy is drawn in the task that asked.
const SEEK_FIRST: f64 = 100_000.0;

/// The page's one playback of the time cursor: whether it plays, and how fast (simulated seconds per real second).
#[derive(Clone, Copy)]
pub struct Playback {
    pub playing: RwSignal<bool>,
    pub speed: RwSignal<f64>,
}

impl Playback {
    /// Moves `cursor` at `speed` while playing, in frames, or in steps of one real second under reduced motion (the
    /// reader's setting); stops at `end`.
    pub fn new(cursor: RwSignal<f64>, end: Memo<f64>) -> Playback {
        let (playing, speed) = (RwSignal::new(false), RwSignal::new(60.0_f64));
        let reduced = web_sys::window()
            .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
            .is_some_and(|q| q.matches());
        // A shorter curve keeps the cursor on it.
        Effect::new(move |_| {
            let end = end.get();
            if cursor.get_untracked() > end {
                cursor.set(end);
            }
        });
        let timer = StoredValue::new_local(None::<gloo_timers::callback::Interval>);
        Effect::new(move |_| {
            if !playing.get() {
                timer.set_value(None);
                return;
            }
            let frame_ms = if reduced { 1000 } else { 16 };
            let last = StoredValue::new(super::now_ms());
            timer.set_value(Some(gloo_timers::callback::Interval::new(frame_ms, move || {
                let now = super::now_ms();
                // Under reduced motion, whole steps of `speed` simulated seconds.
                let dt = if reduced { 1.0 } else { (now - last.get_value()) / 1000.0 };
                last.set_value(now);
                let end = end.get_untracked();
                let next = (cursor.get_untracked() + dt * speed.get_untracked()).min(end);
                cursor.set(next);
                if next >= end {
                    playing.set(false);
                }
            })));
        });
        Playback { playing, speed }
    }
}

/// The keys of a live view: space plays or pauses, arrows move the cursor a second (with Shift a minute), Home and
/// End go to the curve's ends.
pub fn keys(ev: leptos::ev::KeyboardEvent, cursor: RwSignal<f64>, playing: RwSignal<bool>, end: f64) {
    let on_input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some();
    let on_control = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlButtonElement>().ok()).is_some()
        || ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()).is_some();
    let step = if ev.shift_key() { 60.0 } else { 1.0 };
    let to = match ev.key().as_str() {
        " " if !on_control && !on_input => {
            ev.prevent_default();
            playing.update(|p| *p = !*p);
            return;
        }
        "ArrowRight" if !on_input => cursor.get_untracked() + step,
        "ArrowLeft" if !on_input => cursor.get_untracked() - step,
        "Home" if !on_input => 0.0,
        "End" if !on_input => end,
        _ => return,
    };
    ev.prevent_default();
    cursor.set(to.clamp(0.0, end));
}

/// Play or pause, the speed, the cursor as a slider, and its time; test ids `{prefix}-play`, `-speed`, `-cursor`,
/// `-time`.
#[component]
pub fn Transport(duration: Memo<f64>, prefix: &'static str) -> impl IntoView {
    let ctx = expect_context::<super::ScenarioCtx>();
    let (cursor, Playback { playing, speed }) = (ctx.cursor, ctx.playback);
    view! {
        <button type="button" data-testid=format!("{prefix}-play") aria-pressed=move || playing.get().to_string()
            on:click=move |_| playing.update(|p| *p = !*p)>
            {move || tr(if playing.get() { "live.pause" } else { "live.play" })}
        </button>
        <label>{move || tr("live.speed")}" "
            <select data-testid=format!("{prefix}-speed") on:change=move |ev| speed.set(event_target_value(&ev).parse().unwrap_or(60.0))>
                {SPEEDS.iter().map(|&v| view! { <option value=v.to_string() selected=move || speed.get() == v>{format!("{}×", fmt_count(v))}</option> }).collect_view()}
            </select>
        </label>
        <input type="range" class="live-slider" data-testid=format!("{prefix}-cursor") min="0" step="0.1"
            max=move || duration.get().to_string()
            prop:value=move || cursor.get().to_string()
            aria-label=move || tr("live.cursor")
            aria-valuetext=move || clock(cursor.get())
            on:input=move |ev| { if let Ok(v) = event_target_value(&ev).parse::<f64>() { cursor.set(v) } } />
        <output data-testid=format!("{prefix}-time")>{move || clock(cursor.get())}</output>
    }
}

/// User Timing `name` around `f`.
pub fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let perf = super::perf();
    let start = format!("{name} start");
    if let Some(p) = &perf {
        let _ = p.mark(&start);
    }
    let out = f();
    if let Some(p) = &perf {
        let _ = p.measure_with_start_mark(name, &start);
    }
    out
}

/// A model run's replay for a live view: built in slices of about [`SLICE_MS`] on the page (while it is the latest:
/// `generation`), read at the cursor, reached in slices of about [`SEEK_SLICE_MS`] when the cursor is far from a kept
/// copy (the reading last shown staying up meanwhile; a newer cursor drops an older seek).
pub struct LiveRun<S: 'static> {
    pub replay: StoredValue<Option<Replay<S>>, LocalStorage>,
    /// How far it is built [s].
    pub built: RwSignal<f64>,
    generation: StoredValue<u64>,
    /// Requests a seek's slice re-runs (following its measured time).
    pub work: StoredValue<f64>,
    seeking: StoredValue<u64>,
    seeked: RwSignal<u64>,
}

impl<S> Clone for LiveRun<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for LiveRun<S> {}

impl<S: Rerun + 'static> LiveRun<S> {
    pub fn new() -> Self {
        LiveRun {
            replay: StoredValue::new_local(None),
            built: RwSignal::new(0.0),
            generation: StoredValue::new(0),
            work: StoredValue::new(SEEK_FIRST),
            seeking: StoredValue::new(0),
            seeked: RwSignal::new(0),
        }
    }

    /// A new replay (`make`) whenever what `inputs` reads changes (the run the figures come from; read, not only
    /// tracked: a memo never read is never computed, so it would never change), built at once
    /// when `now` says so (a long curve waits for the reader to ask, and then calls [`LiveRun::start`]).
    pub fn follow(
        self,
        inputs: impl Fn() + 'static,
        now: impl Fn() -> bool + 'static,
        make: impl Fn() -> Replay<S> + 'static,
    ) {
        Effect::new(move |_| {
            inputs();
            self.clear();
            if untrack(&now) {
                self.start(make());
            }
        });
    }

    /// Drops the replay (and stops its building).
    pub fn clear(self) {
        self.generation.update_value(|g| *g += 1);
        self.replay.set_value(None);
        self.built.set(0.0);
    }

    /// Builds `r` from its start, in slices, instead of any other.
    pub fn start(self, r: Replay<S>) {
        self.clear();
        self.replay.set_value(Some(r));
        self.build(self.generation.get_value(), 1.0);
    }

    fn build(self, g: u64, chunk: f64) {
        gloo_timers::callback::Timeout::new(0, move || {
            if self.generation.try_get_value() != Some(g) {
                return;
            }
            let t0 = super::now_ms();
            let reached = self.replay.try_update_value(|r| {
                let r = r.as_mut()?;
                r.extend(r.reached() + chunk);
                Some((r.reached(), r.done()))
            });
            let Some(Some((reached, done))) = reached else { return };
            let ms = (super::now_ms() - t0).max(0.1);
            self.built.set(reached);
            if !done {
                self.build(g, chunk * (SLICE_MS / ms).clamp(0.5, 4.0));
            }
        })
        .forget();
    }

    /// `read` at the cursor and one simulated second before (for the last second's counts), as a memo; User
    /// Timing `{name}`: the re-run on the page in each task.
    pub fn at_cursor<T: Clone + PartialEq + Send + Sync + 'static>(
        self,
        cursor: RwSignal<f64>,
        name: &'static str,
        read: fn(&Replay<S>, &[f64]) -> Option<Vec<T>>,
    ) -> Memo<Option<Vec<T>>> {
        Memo::new(move |prev: Option<&Option<Vec<T>>>| {
            let t = cursor.get();
            self.seeked.track();
            if self.built.get() < t || self.replay.with_value(Option::is_none) {
                return None;
            }
            let first = (t - 1.0).max(0.0);
            self.seeking.update_value(|k| *k += 1);
            timed(name, || {
                if self.seek_slice(first) != Some(true) {
                    self.seek_on(self.seeking.get_value(), first, name);
                    return prev.cloned().flatten();
                }
                self.replay.with_value(|r| read(r.as_ref()?, &[first, t]))
            })
        })
    }

    /// One slice of the seek to `t`; whether it is there. The work of a slice follows its measured time toward
    /// [`SEEK_SLICE_MS`].
    fn seek_slice(self, t: f64) -> Option<bool> {
        let t0 = super::now_ms();
        let w = self.work.try_get_value()?;
        let there = self.replay.try_with_value(|r| r.as_ref().filter(|r| r.reached() >= t).map(|r| r.seek(t, w)))??;
        let ms = (super::now_ms() - t0).max(0.1);
        if !there || ms > SEEK_SLICE_MS {
            self.work.set_value((w * (SEEK_SLICE_MS / ms).clamp(0.5, 4.0)).clamp(1e3, 1e7));
        }
        Some(there)
    }

    /// Goes on with the seek to `t` a slice per task while it is the latest (`seeking` still `k`); once there,
    /// bumps `seeked` so that the view reads the run there.
    fn seek_on(self, k: u64, t: f64, name: &'static str) {
        gloo_timers::callback::Timeout::new(0, move || {
            if self.seeking.try_get_value() != Some(k) {
                return;
            }
            match timed(name, || self.seek_slice(t)) {
                Some(true) => self.seeked.update(|n| *n += 1),
                Some(false) => self.seek_on(k, t, name),
                None => {}
            }
        })
        .forget();
    }
}

/// Whether the page is dark (the reader's colour scheme).
pub fn dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|q| q.matches())
}

/// The 2-D context of a live view's `canvas`, `width` × `height` drawing units, cleared: a unit is `zoom` CSS px
/// (1, or larger in presentation mode: [`super::chart_canvas::present_zoom`]) at the device's pixel ratio. The
/// canvas is resized only when its size changes (a resize reallocates it and lays the page out again).
pub fn context_2d(
    canvas: &web_sys::HtmlCanvasElement,
    width: f64,
    height: f64,
    zoom: f64,
) -> Option<web_sys::CanvasRenderingContext2d> {
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()) * zoom;
    let (w, h) = ((width * dpr) as u32, (height * dpr) as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
        let _ = web_sys::HtmlElement::style(canvas).set_property("height", &format!("{}px", height * zoom));
    }
    let g = canvas.get_context("2d").ok().flatten()?.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()?;
    let _ = g.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    g.clear_rect(0.0, 0.0, width, height);
    Some(g)
}
