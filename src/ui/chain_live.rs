//! The Chains section's live view: the chain's run at the page's time cursor, one lane per function (hop), from the
//! same run as the figures (a [`Replay`] of the whole chain). In each lane, one cell per instance: initialising
//! (vermillion: a request found no warm instance here, so this hop is cold for it), working (blue), held (purple:
//! its part is done, and it waits for the synchronous call to the next hop to answer), idle (light blue, the green
//! bar its keep-alive left); after the cells, the requests waiting in the hop's backlog and those on their way to it
//! through its queue. A table under it gives the same per hop, with the cold starts of the last simulated second.

use super::i18n::{tr, trf};
use super::live::{ASK_ABOVE, BUSY as WORKING, DOT, IDLE, INIT, KEEP};
use super::live_run::{context_2d, dark, keys, LiveRun, Transport};
use super::ScenarioCtx;
use crate::model::chain::live::{ChainState, HopPhase, HopState, Replay};
use crate::model::chain::{Link, Run};
use crate::model::scenario::ModelKind;
use crate::model::units::{fmt_clock as clock, fmt_count};
use leptos::prelude::*;

/// The scaling live view's colours, and purple for an instance held by a synchronous call.
const HELD: &str = "#cc79a7";
/// A lane's height [CSS px]: tall for a few functions, shorter for many.
fn lane_h(hops: usize) -> f64 {
    match hops {
        0..=6 => 64.0,
        7..=12 => 48.0,
        _ => 38.0,
    }
}

#[component]
pub fn ChainLiveView() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let (sc, cursor, playing) = (ctx.scenario, ctx.cursor, ctx.playback.playing);
    let run = LiveRun::<Run>::new();
    let asked = RwSignal::new(false);
    let duration = Memo::new(move |_| sc.with(|s| s.load.duration()));
    let visits = Memo::new(move |_| sc.with(|s| s.load.expected_requests() * s.chain.hops.len() as f64));
    // A curve whose hop visits (requests × hops) are expected above ASK_ABOVE is replayed only when the reader asks.
    let big = move || visits.get() > ASK_ABOVE;
    let make = move || sc.with_untracked(|s| Replay::new(&s.load, &s.chain, s.seed));
    let start = move || run.start(make());
    // A new replay whenever the chain run's inputs change.
    let key = Memo::new(move |_| sc.with(|s| ModelKind::Chain.inputs(s)));
    run.follow(move || key.with(|_| ()), move || !big() || asked.get(), make);
    let states = run.at_cursor(cursor, "chain live state", Replay::states);
    let links = Memo::new(move |_| sc.with(|s| s.chain.hops.iter().map(|h| h.link).collect::<Vec<_>>()));
    let keep_alive = Memo::new(move |_| sc.with(|s| s.chain.hops[0].keep_alive));
    let init_mean = Memo::new(move |_| sc.with(|s| s.chain.hops[0].init.mean()));

    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let (ka, init) = (keep_alive.get(), init_mean.get());
        let (dark, zoom) = (dark(), super::chart_canvas::present_zoom());
        links.with(|links| {
            states.with(|s| {
                if let (Some(el), Some(s)) = (canvas.get(), s.as_ref()) {
                    draw(&el, &s[1], links, ka, init, dark, zoom);
                }
            })
        });
    });

    let status = move || {
        if run.replay.with_value(Option::is_none) && big() && !asked.get() {
            return view! {
                <p class="hint live-status">{move || trf("live.ask", &[&fmt_count(visits.get())])}" "
                <button type="button" class="small" data-testid="chain-live-build" on:click=move |_| { asked.set(true); start(); }>{move || tr("live.build")}</button></p>
            }
            .into_any();
        }
        let (b, d) = (run.built.get(), duration.get());
        let text = if b < d {
            trf("live.progress", &[&format!("{:.0}", 100.0 * b / d.max(1e-9))])
        } else {
            tr("live.built").to_string()
        };
        view! { <p class="hint live-status" data-testid="chain-live-status">{text}</p> }.into_any()
    };
    let summary = move || {
        states.with(|s| {
            s.as_ref().map_or_else(
                || tr("live.building").to_string(),
                |s| {
                    let hops: Vec<String> = s[1]
                        .hops
                        .iter()
                        .enumerate()
                        .map(|(h, hop)| {
                            let [i, w, held, idle] = hop.counts();
                            trf(
                                "chl.summary_hop",
                                &[
                                    &(h + 1).to_string(),
                                    &i.to_string(),
                                    &w.to_string(),
                                    &held.to_string(),
                                    &idle.to_string(),
                                    &hop.backlog.to_string(),
                                ],
                            )
                        })
                        .collect();
                    format!("{} {}", trf("chl.summary", &[&clock(s[1].t)]), hops.join("; "))
                },
            )
        })
    };
    // The table: one row per hop ("—" until the run is read at the cursor, so that nothing below it moves).
    let hops = Memo::new(move |_| sc.with(|s| s.chain.hops.len()));
    let rows = move || {
        states.with(|s| {
            (0..hops.get())
                .map(|h| {
                    let cells: Vec<String> = match s.as_deref() {
                        Some([before, now]) if h < now.hops.len() => {
                            let (hop, was) = (&now.hops[h], &before.hops[h]);
                            let [i, w, held, idle] = hop.counts();
                            let cold = (hop.cold_starts - was.cold_starts) as usize;
                            [i, w, held, idle, hop.backlog as usize, hop.delivering as usize, cold]
                                .iter()
                                .map(ToString::to_string)
                                .collect()
                        }
                        _ => vec!["—".to_string(); 7],
                    };
                    view! {
                        <tr data-testid=format!("chain-live-hop-{}", h + 1)>
                            <th scope="row">{move || trf("chl.hop", &[&(h + 1).to_string()])}</th>
                            {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                        </tr>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let last_second = move || {
        states.with(|s| {
            let Some([a, b]) = s.as_deref() else { return String::new() };
            trf(
                "chl.flow",
                &[&fmt_count((b.arrived - a.arrived) as f64), &fmt_count((b.completed - a.completed) as f64)],
            )
        })
    };
    let heads = ["live.init", "chl.working", "chl.held", "live.idle", "chl.backlog", "chl.delivering", "chl.cold"];

    view! {
        <div class="live" data-testid="chain-live" tabindex="0" role="group" aria-label=move || tr("chl.title")
            on:keydown=move |ev| keys(ev, cursor, playing, duration.get_untracked())>
            <h3>{move || tr("chl.title")}</h3>
            <p class="hint">{move || tr("chl.intro")}</p>
            <div class="live-controls"><Transport duration=duration prefix="chain-live" /></div>
            {status}
            // Its height from the number of functions, set before the first drawing (nothing below it moves).
            <canvas node_ref=canvas class="chain-live-canvas" data-testid="chain-live-canvas" role="img" aria-label=summary
                style:height=move || format!("{}px", canvas_h(hops.get()))></canvas>
            <ul class="live-legend">
                <li><span class="swatch" style=format!("background:{INIT}")></span>{move || tr("chl.l.init")}</li>
                <li><span class="swatch" style=format!("background:{WORKING}")></span>{move || tr("chl.l.working")}</li>
                <li><span class="swatch" style=format!("background:{HELD}")></span>{move || tr("chl.l.held")}</li>
                <li><span class="swatch" style=format!("background:{IDLE}; border-bottom: 4px solid {KEEP}")></span>{move || tr("live.l.idle")}</li>
                <li><span class="swatch" style=format!("background:{DOT}")></span>{move || tr("chl.l.waiting")}</li>
            </ul>
            <p class="live-status" data-testid="chain-live-flow">{last_second}</p>
            <table class="chain-live-table" data-testid="chain-live-table">
                    <thead><tr><th scope="col">{move || tr("chl.function")}</th>
                        {heads.into_iter().map(|k| view! { <th scope="col">{move || tr(k)}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The canvas's height for `hops` functions [CSS px].
fn canvas_h(hops: usize) -> f64 {
    lane_h(hops) * hops as f64 + 4.0
}

/// Draws `s` on `canvas`: a lane per hop, its instances as cells (counts by state when too many to draw), then its
/// backlog and the requests on their way to it through its queue, as marks with their number.
fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    s: &ChainState,
    links: &[Link],
    keep_alive: f64,
    init_mean: f64,
    dark: bool,
    zoom: f64,
) {
    let width = (f64::from(canvas.client_width()) / zoom).max(240.0);
    let lane = lane_h(s.hops.len());
    let height = canvas_h(s.hops.len());
    // On a phone: a narrower label, five marks at most, smaller type.
    let narrow = width < 560.0;
    let (label_w, tail_w, marks) = if narrow { (84.0, 112.0, 4) } else { (116.0, 200.0, 10) };
    let (label_font, small_font) = if narrow {
        ("bold 13px system-ui, sans-serif", "11px system-ui, sans-serif")
    } else {
        ("bold 16px system-ui, sans-serif", "14px system-ui, sans-serif")
    };
    let Some(g) = context_2d(canvas, width, height, zoom) else { return };
    let (fg, rule) = if dark { ("#e6e8eb", "#3a3f47") } else { ("#22262e", "#d5d9de") };
    let rect = |x: f64, y: f64, w: f64, h: f64, c: &str| {
        g.set_fill_style_str(c);
        g.fill_rect(x, y, w, h);
    };
    // The right end of each lane: its backlog and its queue's deliveries.
    let cells_w = (width - label_w - tail_w).max(60.0);
    let grid_h = lane - 8.0;
    let most = s.hops.iter().map(|h| h.instances.len()).max().unwrap_or(0);
    let fits = |cell: f64| {
        let step = cell + (cell / 8.0).max(1.0);
        ((cells_w / step).floor() * (grid_h / step).floor()) as usize >= most
    };
    let cell = [28.0, 22.0, 18.0, 14.0, 11.0, 8.0, 6.0, 4.0].into_iter().find(|&c| fits(c));
    for (k, hop) in s.hops.iter().enumerate() {
        let top = k as f64 * lane + 2.0;
        rect(0.0, top + lane - 1.0, width, 1.0, rule);
        g.set_fill_style_str(fg);
        g.set_font(label_font);
        let _ = g.fill_text(&trf("chl.hop", &[&(k + 1).to_string()]), 2.0, top + 18.0);
        if k > 0 {
            g.set_font(small_font);
            let how = if matches!(links.get(k), Some(Link::Queue { .. })) { "chl.via_queue" } else { "chl.via_sync" };
            let _ = g.fill_text(tr(how), 2.0, top + 36.0);
        }
        match cell {
            Some(cell) => draw_cells(&rect, hop, label_w, top + 3.0, cells_w, cell, s.t, keep_alive, init_mean, fg),
            None => {
                // Too many to draw one by one: the counts by state as one bar.
                let total = hop.instances.len().max(1) as f64;
                let mut x = label_w;
                for (n, c) in hop.counts().into_iter().zip([INIT, WORKING, HELD, IDLE]) {
                    let w = cells_w * n as f64 / total;
                    rect(x, top + 6.0, w, grid_h - 8.0, c);
                    x += w;
                }
            }
        }
        // The backlog and the queue's deliveries: a mark per request up to `marks`, and the number.
        g.set_font(small_font);
        let x0 = label_w + cells_w + 8.0;
        for (row, (n, key)) in
            [(hop.backlog, "chl.n_backlog"), (hop.delivering, "chl.n_delivering")].into_iter().enumerate()
        {
            let y = top + 6.0 + row as f64 * 20.0;
            for m in 0..n.min(marks) {
                rect(x0 + m as f64 * 5.0, y, 4.0, 14.0, DOT);
            }
            g.set_fill_style_str(fg);
            let _ = g.fill_text(&trf(key, &[&fmt_count(n as f64)]), x0 + n.min(marks) as f64 * 5.0 + 4.0, y + 12.0);
        }
    }
}

/// One lane's instances as cells of `cell` px from (`x0`, `y0`) over `w` px.
#[allow(clippy::too_many_arguments)]
fn draw_cells(
    rect: &dyn Fn(f64, f64, f64, f64, &str),
    hop: &HopState,
    x0: f64,
    y0: f64,
    w: f64,
    cell: f64,
    t: f64,
    keep_alive: f64,
    init_mean: f64,
    fg: &str,
) {
    let gap = (cell / 8.0).max(1.0);
    let cols = ((w / (cell + gap)).floor() as usize).max(1);
    for (k, phase) in hop.instances.iter().enumerate() {
        let x = x0 + (k % cols) as f64 * (cell + gap);
        let y = y0 + (k / cols) as f64 * (cell + gap);
        match *phase {
            HopPhase::Init { until } => {
                rect(x, y, cell, cell, INIT);
                let left = ((until - t) / (2.0 * init_mean.max(1e-3))).clamp(0.0, 1.0);
                rect(x, y + cell - cell / 5.0, cell * left, cell / 5.0, fg);
            }
            HopPhase::Working => rect(x, y, cell, cell, WORKING),
            HopPhase::Held => rect(x, y, cell, cell, HELD),
            HopPhase::Idle { expires } => {
                rect(x, y, cell, cell, IDLE);
                let left = ((expires - t) / keep_alive.max(1e-9)).clamp(0.0, 1.0);
                rect(x, y + cell - cell / 4.0, cell * left, cell / 4.0, KEEP);
            }
        }
    }
}
