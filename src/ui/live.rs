//! The Scaling section's live view: the scaling run's pool at the page's time cursor, from the same run as the
//! figures (a [`Replay`]: the engine's own state, re-run from the nearest kept copy, not a separate animation). Each
//! instance is a cell: initialising (vermillion, the bar is the init time left), busy (blue, with its request count
//! when it serves several), idle (light blue, the dark green bar is the keep-alive left), provisioned (outlined,
//! never expiring); the last simulated second's requests still on an instance are dots on it, the queue a row of
//! marks. The colours are the instances chart's. The counters: the last simulated second's arrivals, cold starts,
//! throttles and time-outs, and the p99 of the requests arriving at the cursor. "Step to the next" cold start,
//! refusal, removal or decision searches the run a slice at a time. The playback, its controls and keys are the
//! page's one ([`super::live_run`]), shared with the Chains section's view.

use super::chart_canvas::SpecChart;
use super::i18n::{tr, trf};
use super::live_run::{context_2d, dark, keys, timed, LiveRun, Transport};
use super::ScenarioCtx;
use crate::charts::spec::Chart;
use crate::model::engine::state::{Next, Phase, PoolState, Replay, Sim};
use crate::model::engine::Policy;
use crate::model::scenario::ModelKind;
use crate::model::units::{fmt_clock as clock, fmt_count, fmt_duration, sig};
use leptos::prelude::*;

/// What the cursor can step to: the next cold start, refusal (throttle or time-out), removal (keep-alive expiry or the
/// autoscaler), autoscaler decision.
const NEXT: [(Next, &str, &str); 4] = [
    (Next::ColdStart, "live.next_cold", "live-next-cold"),
    (Next::Refused, "live.next_refused", "live-next-refused"),
    (Next::Removal, "live.next_removal", "live-next-removal"),
    (Next::Decision, "live.next_decision", "live-next-decision"),
];

/// The most simulated time one slice of a search for the next event scans [s] (it steps a hundredth at a time).
const SEARCH_SPAN: f64 = 600.0;
/// A curve expected to bring more requests than this is replayed only when the reader asks (the replay runs the
/// whole curve once on the page, in slices).
pub(super) const ASK_ABOVE: f64 = 5e6;
/// Above this many instances the view shows counts by state instead of one cell each.
const MAX_CELLS: usize = 2000;
/// The canvas's height [CSS px]: fixed, so nothing below it moves as the pool changes.
const CANVAS_H: f64 = 230.0;
/// The view's colours: initialising, busy, idle, keep-alive bar, provisioned outline, request dot, queue.
pub(super) const INIT: &str = "#d55e00";
pub(super) const BUSY: &str = "#0072b2";
pub(super) const IDLE: &str = "#56b4e9";
pub(super) const KEEP: &str = "#1b5e20";
const PROVISIONED: &str = "#7b3294";
pub(super) const DOT: &str = "#f0e442";

/// When the curve's rate is highest (its first peak) [s]: where the cursor starts.
pub fn peak_time(load: &crate::model::load::LoadCurve) -> f64 {
    let peak = load.peak();
    load.points().iter().find(|p| p.rate >= peak).map_or(0.0, |p| p.t)
}

/// One slice of the search for the next `what` after `from` (while it is the latest: `searching` still `k`); puts
/// the cursor there when found, says so when nothing comes before the end, else goes on in the next task.
#[allow(clippy::too_many_arguments)]
fn search(
    run: LiveRun<Sim>,
    searching: StoredValue<u64>,
    k: u64,
    what: Next,
    from: f64,
    cursor: RwSignal<f64>,
    playing: RwSignal<bool>,
    note: RwSignal<Option<&'static str>>,
) {
    if searching.try_get_value() != Some(k) {
        return;
    }
    let w = run.work.get_value();
    let step = run.replay.with_value(|r| {
        let r = r.as_ref()?;
        let end = r.reached();
        let limit = r.by_work(from, end, w).min(from + SEARCH_SPAN);
        Some((timed("live search", || r.next(what, from, limit)), limit, end))
    });
    match step {
        Some((Some(at), _, _)) => {
            note.set(None);
            playing.set(false);
            cursor.set(at);
        }
        Some((None, limit, end)) if limit < end => {
            note.set(Some("live.searching"));
            gloo_timers::callback::Timeout::new(0, move || {
                search(run, searching, k, what, limit, cursor, playing, note)
            })
            .forget();
        }
        _ => note.set(Some("live.none_after")),
    }
}

#[component]
pub fn LiveView() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let sc = ctx.scenario;
    let cursor = ctx.cursor;
    let run = LiveRun::<Sim>::new();
    let (replay, built) = (run.replay, run.built);
    let asked = RwSignal::new(false);
    let playing = ctx.playback.playing;
    let note = RwSignal::new(None::<&'static str>);
    let duration = Memo::new(move |_| sc.with(|s| s.load.duration()));
    let expected = Memo::new(move |_| sc.with(|s| s.load.expected_requests()));
    let big = move || expected.get() > ASK_ABOVE;

    let make = move || sc.with_untracked(|s| Replay::new(&s.load, &s.scaling, s.seed));
    let start = move || run.start(make());
    // A new replay whenever the scaling run's inputs change (the run the figures come from).
    let key = Memo::new(move |_| sc.with(|s| ModelKind::Scaling.inputs(s)));
    run.follow(move || key.with(|_| ()), move || !big() || asked.get(), make);

    // The pool at the cursor and one simulated second before (for the last second's counts).
    let states = run.at_cursor(cursor, "live state", Replay::states);
    // Reads the pool at the cursor in place.
    let now = move |f: &dyn Fn(&PoolState) -> String| states.with(|s| s.as_ref().map(|s| f(&s[1])));

    // The p99 of the requests arriving at the cursor: its bin in the figures' run (the same run), once that run is
    // the one for these inputs.
    let lane = ctx.lanes.get(ModelKind::Scaling);
    let result_bin = move |f: fn(&crate::model::engine::Bin, f64) -> String| -> Option<String> {
        let t = cursor.get();
        lane.output.with(|o| {
            let r = o.as_ref()?.scaling()?;
            if lane.inputs() != key.get() {
                return None;
            }
            let b = r.bins.get(((t / r.bin_width) as usize).min(r.bins.len().checked_sub(1)?))?;
            Some(f(b, r.bin_width))
        })
    };
    let p99_now = move || {
        result_bin(|b, _| if b.completed > 0 { fmt_duration(b.latency.p99) } else { "—".into() })
            .unwrap_or_else(|| "—".into())
    };
    let p99_bin = move || result_bin(|_, w| fmt_duration(w)).unwrap_or_else(|| "—".into());

    // Steps to the next event after the cursor: the search goes on from where its last slice stopped, a slice of
    // about `work` requests (and at most `SEARCH_SPAN`) per task, so that a long quiet stretch does not block the page.
    let searching = StoredValue::new(0_u64);
    let step_to = move |what: Next| {
        searching.update_value(|k| *k += 1);
        search(run, searching, searching.get_value(), what, cursor.get_untracked(), cursor, playing, note);
    };
    let scheduled = Memo::new(move |_| sc.with(|s| !matches!(s.scaling.policy, Policy::PerRequest)));
    let keys = move |ev: leptos::ev::KeyboardEvent| keys(ev, cursor, playing, duration.get_untracked());

    // The canvas, redrawn when the state, its width or the colour scheme change.
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let keep_alive = Memo::new(move |_| sc.with(|s| s.scaling.keep_alive));
    let init_mean = Memo::new(move |_| sc.with(|s| crate::model::scaling::cold_dist(&s.scaling).mean()));
    // User Timing `live draw`: the drawing of the state at the cursor (and its re-run, when this is its first
    // reader; `live state` measures the re-run alone).
    Effect::new(move |_| {
        let perf = super::perf();
        if let Some(p) = &perf {
            let _ = p.mark("live draw start");
        }
        let (ka, init) = (keep_alive.get(), init_mean.get());
        let (dark, zoom) = (dark(), super::chart_canvas::present_zoom());
        let drawn = states.with(|s| {
            let (Some(el), Some(s)) = (canvas.get(), s.as_ref()) else { return false };
            draw(&el, &s[1], ka, init, dark, zoom);
            true
        });
        if !drawn {
            return;
        }
        if let Some(p) = &perf {
            let _ = p.measure_with_start_mark("live draw", "live draw start");
        }
    });

    let count = move |f: fn(&PoolState, &PoolState) -> u64| {
        move || states.with(|s| s.as_ref().map_or_else(|| "—".to_string(), |s| fmt_count(f(&s[0], &s[1]) as f64)))
    };
    let summary = move || {
        now(&|s| {
            let (i, b, d) = s.counts();
            trf(
                "live.summary",
                &[&clock(s.t), &i.to_string(), &b.to_string(), &d.to_string(), &s.queued.len().to_string()],
            )
        })
        .unwrap_or_else(|| tr("live.building").to_string())
    };
    // Whether a long seek is under way (the pool shown is not yet the cursor's).
    let behind = Memo::new(move |_| states.with(|s| s.as_ref().is_some_and(|s| s[1].t != cursor.get())));
    // One line, always there (a line that came and went moved everything below it).
    let status = move || {
        let (b, d) = (built.get(), duration.get());
        if replay.with_value(Option::is_none) && big() && !asked.get() {
            return view! {
                <p class="hint live-status">{move || trf("live.ask", &[&fmt_count(expected.get())])}" "
                <button type="button" class="small" data-testid="live-build" on:click=move |_| { asked.set(true); start(); }>{move || tr("live.build")}</button></p>
            }
            .into_any();
        }
        if behind.get() {
            return view! { <p class="hint live-status" data-testid="live-seeking">{move || trf("live.seeking", &[&clock(cursor.get())])}</p> }.into_any();
        }
        if b < d {
            view! { <p class="hint live-status" data-testid="live-building">{move || trf("live.progress", &[&format!("{:.0}", 100.0 * built.get() / duration.get().max(1e-9))])}</p> }.into_any()
        } else {
            view! { <p class="hint live-status">{move || tr("live.built")}</p> }.into_any()
        }
    };
    // The autoscaler's last decision at the cursor, in one sentence, and its loop over the curve.
    let decision = move || -> String {
        let policy = sc.with(|s| s.scaling.policy);
        let c = sc.with(|s| s.scaling.concurrency_per_instance);
        let key = match policy {
            Policy::PerRequest => return tr("live.d.per_request").to_string(),
            Policy::TargetTracking { .. } => "live.d.tracking",
            Policy::Proportional { .. } => "live.d.proportional",
            Policy::Predictive { .. } => "live.d.predictive",
        };
        let Some(d) = states.with(|s| s.as_ref().and_then(|s| s[1].decision)) else {
            return tr("live.d.none").to_string();
        };
        // {2}: the target share under target tracking, the forecast under the predictive policy.
        let second = match policy {
            Policy::TargetTracking { target, .. } => sig(target * 100.0, 3),
            _ => sig(d.predicted, 3),
        };
        let args = [
            clock(d.t),
            sig(d.measured, 3),
            second,
            c.to_string(),
            d.desired.to_string(),
            d.alive.to_string(),
            d.started.to_string(),
            d.removed.to_string(),
        ];
        let line = trf(key, &args.iter().map(String::as_str).collect::<Vec<_>>());
        let short = d.desired.saturating_sub(d.alive).saturating_sub(d.started);
        if short > 0 {
            format!("{line} {}", trf("live.d.short", &[&short.to_string()]))
        } else {
            line
        }
    };
    let loop_chart = move || -> Option<Chart> {
        let done = built.get() >= duration.get();
        let in_flight = sc.with(|s| matches!(s.scaling.policy, Policy::TargetTracking { .. }));
        let t: crate::charts::scaling::Tr = &tr;
        if !done {
            return None;
        }
        replay.with_value(|r| {
            let bins = r.as_ref()?.decisions()?;
            Some(Chart::Time(crate::charts::scaling::autoscaler(bins, duration.get_untracked(), in_flight, t)))
        })
    };

    view! {
        <div class="live" data-testid="live-view" tabindex="0" role="group" aria-label=move || tr("live.title") on:keydown=keys>
            <h3>{move || tr("live.title")}</h3>
            <p class="hint">{move || tr("live.intro")}</p>
            <div class="live-controls">
                <Transport duration=duration prefix="live" />
                <span class="live-next" role="group" aria-label=move || tr("live.next")>
                    {move || tr("live.next")}" "
                    {NEXT.iter().map(|&(what, key, id)| {
                        let hidden = move || what == Next::Decision && !scheduled.get();
                        view! { <button type="button" class="small" data-testid=id hidden=hidden on:click=move |_| step_to(what)>{move || tr(key)}</button> }
                    }).collect_view()}
                </span>
            </div>
            {status}
            {move || note.get().map(|k| view! { <p class="hint" data-testid="live-note">{move || tr(k)}</p> })}
            <canvas node_ref=canvas class="live-canvas" data-testid="live-canvas" role="img" aria-label=summary></canvas>
            <dl class="figures live-counts">
                <div><dt>{move || tr("live.init")}</dt><dd data-testid="live-init">{move || now(&|s| s.counts().0.to_string()).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{move || tr("live.busy")}</dt><dd data-testid="live-busy">{move || now(&|s| s.counts().1.to_string()).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{move || tr("live.idle")}</dt><dd data-testid="live-idle">{move || now(&|s| s.counts().2.to_string()).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{move || tr("live.queue")}</dt><dd data-testid="live-queue">{move || now(&|s| s.queued.len().to_string()).unwrap_or_else(|| "—".into())}</dd></div>
                <div><dt>{move || tr("live.arrivals")}</dt><dd data-testid="live-arrivals">{count(|a, b| b.arrivals - a.arrivals)}</dd></div>
                <div><dt>{move || tr("live.cold")}</dt><dd data-testid="live-cold">{count(|a, b| b.started - a.started)}</dd></div>
                <div><dt>{move || tr("live.throttled")}</dt><dd data-testid="live-throttled">{count(|a, b| b.throttled - a.throttled)}</dd></div>
                <div><dt>{move || tr("live.timed_out")}</dt><dd data-testid="live-timed-out">{count(|a, b| b.timed_out - a.timed_out)}</dd></div>
                <div><dt>{move || trf("live.p99", &[&p99_bin()])}</dt><dd data-testid="live-p99">{p99_now}</dd></div>
            </dl>
            <ul class="live-legend">
                <li><span class="swatch" style=format!("background:{INIT}")></span>{move || tr("live.l.init")}</li>
                <li><span class="swatch" style=format!("background:{BUSY}")></span>{move || tr("live.l.busy")}</li>
                <li><span class="swatch" style=format!("background:{IDLE}; border-bottom: 4px solid {KEEP}")></span>{move || tr("live.l.idle")}</li>
                <li><span class="swatch" style=format!("background:{IDLE}; outline: 2px solid {PROVISIONED}")></span>{move || tr("live.l.provisioned")}</li>
                <li><span class="swatch dot" style=format!("background:{DOT}")></span>{move || tr("live.l.arrival")}</li>
            </ul>
            <p class="live-decision" data-testid="live-decision">{decision}</p>
            <Show when=move || scheduled.get()>
                <div><h3>{move || tr("live.c.loop")}</h3>
                <SpecChart spec=loop_chart label="live.c.loop" testid="chart-autoscaler" /></div>
            </Show>
        </div>
    }
}

/// Draws `s` on `canvas`: one cell per instance (counts by state above [`MAX_CELLS`]), the queue under them.
fn draw(canvas: &web_sys::HtmlCanvasElement, s: &PoolState, keep_alive: f64, init_mean: f64, dark: bool, zoom: f64) {
    let width = (f64::from(canvas.client_width()) / zoom).max(200.0);
    let n = s.instances.len();
    // A fixed area (the page below never moves as the pool grows or shrinks): the largest cells that fit them all.
    let height = CANVAS_H;
    let grid_h = height - 34.0;
    let fits = |cell: f64| {
        let step = cell + (cell / 8.0).max(1.0);
        ((width / step).floor() * (grid_h / step).floor()) as usize >= n
    };
    let cell = [34.0, 28.0, 22.0, 18.0, 14.0, 11.0, 9.0, 7.0, 5.0].into_iter().find(|&c| fits(c)).unwrap_or(5.0);
    let gap = (cell / 8.0).max(1.0);
    let cols = ((width / (cell + gap)).floor() as usize).max(1);
    let Some(g) = context_2d(canvas, width, height, zoom) else { return };
    let fg = if dark { "#e6e8eb" } else { "#22262e" };
    g.set_font("13px system-ui, sans-serif");
    let rect = |x: f64, y: f64, w: f64, h: f64, c: &str| {
        g.set_fill_style_str(c);
        g.fill_rect(x, y, w, h);
    };
    if n > MAX_CELLS || !fits(cell) {
        // Too many to draw one by one: the counts by state as one bar, under it a histogram of the idle instances'
        // keep-alive left (ten tenths of the keep-alive, the soonest to expire on the left), and it says so.
        let (i, b, d) = s.counts();
        let total = n as f64;
        let mut x = 0.0;
        for (count, c) in [(i, INIT), (b, BUSY), (d, IDLE)] {
            let w = width * count as f64 / total;
            rect(x, 0.0, w, 40.0, c);
            x += w;
        }
        let mut tenths = [0usize; 10];
        for inst in &s.instances {
            if let Phase::Idle { expires, .. } = inst.phase {
                if expires.is_finite() && keep_alive > 0.0 {
                    let k = (((expires - s.t) / keep_alive) * 10.0).floor().clamp(0.0, 9.0) as usize;
                    tenths[k] += 1;
                }
            }
        }
        let most = tenths.iter().copied().max().unwrap_or(0).max(1) as f64;
        let (top, tall, w) = (52.0, grid_h - 60.0, width / 10.0);
        for (k, &c) in tenths.iter().enumerate() {
            let h = tall * c as f64 / most;
            rect(k as f64 * w + 1.0, top + tall - h, w - 2.0, h, KEEP);
        }
        g.set_fill_style_str(fg);
        let _ = g.fill_text(&trf("live.aggregated", &[&fmt_count(total)]), 0.0, height - 12.0);
        return;
    }
    let mut dots = vec![0u32; n];
    for r in s.requests.iter().filter(|r| !r.ping && r.arrival > s.t - 1.0) {
        if let Some(d) = dots.get_mut(r.instance as usize) {
            *d += 1;
        }
    }
    for (k, inst) in s.instances.iter().enumerate() {
        let x = (k % cols) as f64 * (cell + gap);
        let y = (k / cols) as f64 * (cell + gap);
        match inst.phase {
            Phase::Init { until, .. } => {
                rect(x, y, cell, cell, INIT);
                // The init time left, as a bar that shrinks.
                let left = ((until - s.t) / (2.0 * init_mean.max(1e-3))).clamp(0.0, 1.0);
                rect(x, y + cell - cell / 5.0, cell * left, cell / 5.0, fg);
            }
            Phase::Busy { requests } => {
                rect(x, y, cell, cell, BUSY);
                if requests > 1 && cell >= 22.0 {
                    g.set_fill_style_str("#ffffff");
                    let _ = g.fill_text(&requests.to_string(), x + 4.0, y + cell / 2.0 + 4.0);
                }
            }
            Phase::Idle { expires, .. } => {
                rect(x, y, cell, cell, IDLE);
                if expires.is_finite() && keep_alive > 0.0 {
                    let left = ((expires - s.t) / keep_alive).clamp(0.0, 1.0);
                    rect(x, y + cell - cell / 4.0, cell * left, cell / 4.0, KEEP);
                }
            }
        }
        if inst.provisioned {
            g.set_stroke_style_str(PROVISIONED);
            g.set_line_width(2.0);
            g.stroke_rect(x + 1.0, y + 1.0, cell - 2.0, cell - 2.0);
        }
        if dots[k] > 0 {
            g.set_fill_style_str(DOT);
            g.begin_path();
            let _ = g.arc(x + cell - cell / 5.0, y + cell / 5.0, (cell / 7.0).max(2.0), 0.0, std::f64::consts::TAU);
            g.fill();
        }
    }
    // The queue: one mark per waiting request (up to a row's worth), and its length.
    let y = grid_h + 8.0;
    let q = s.queued.len();
    for k in 0..q.min(60) {
        rect(k as f64 * 8.0, y, 6.0, 14.0, DOT);
    }
    g.set_fill_style_str(fg);
    let _ = g.fill_text(&trf("live.queued", &[&fmt_count(q as f64)]), q.min(60) as f64 * 8.0 + 6.0, y + 12.0);
}
