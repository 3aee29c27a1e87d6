//! The one component that owns a chart's canvas: its size, device pixel ratio, colour scheme and redraw.

use super::download::{download_text, download_url};
use super::i18n::tr;
use crate::charts::spec::Chart;
use crate::charts::{placeholder, ChartError, PlotMapping, Theme, Words};
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend, IntoDrawingArea};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use wasm_bindgen::JsCast;

/// A queued chart redraw: which chart, and what redraws it.
type Redraw = (u64, Box<dyn FnOnce()>);

thread_local! {
    /// Chart redraws waiting for a task, oldest first.
    static REDRAWS: RefCell<VecDeque<Redraw>> = const { RefCell::new(VecDeque::new()) };
    /// Whether a task to run them is scheduled.
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
    /// Estimated draw time of the redraws started in the current task [ms] (a timer zeroes it after the task).
    static SPENT: Cell<f64> = const { Cell::new(0.0) };
    /// Numbers charts for the queue.
    static CHARTS: Cell<u64> = const { Cell::new(0) };
    /// How long each chart's last draw took [ms]: the estimate of its next.
    static COST: RefCell<HashMap<u64, f64>> = RefCell::new(HashMap::new());
}

/// Most drawing one task takes on [ms], by the charts' last draw times; a chart that alone takes longer still gets
/// a task of its own.
const TASK_BUDGET_MS: f64 = 12.0;
/// Draw time assumed for a chart not drawn yet [ms].
const FIRST_COST_MS: f64 = 5.0;

/// Runs `redraw` now or in a coming task, after the redraws queued before it. A result that lands redraws every
/// chart of its model (10–20 ms each); in one task that blocked input for over 100 ms. Each task now takes redraws
/// until their estimated draw time (each chart's last) fills [`TASK_BUDGET_MS`], so a light edit still redraws at
/// once, in its own task, and a heavy result is spread over several. A chart queued again before its turn keeps its
/// place and runs the newest `redraw` once.
fn redraw_soon(chart: u64, redraw: impl FnOnce() + 'static) {
    // Within the budget and with nothing waiting: in this task, without waiting for a timer.
    let cost = estimated_cost(chart);
    let spent = SPENT.get();
    if REDRAWS.with_borrow(|q| q.is_empty()) && (spent == 0.0 || spent + cost <= TASK_BUDGET_MS) {
        if spent == 0.0 {
            gloo_timers::callback::Timeout::new(0, || SPENT.set(0.0)).forget();
        }
        SPENT.set(spent + cost.max(f64::MIN_POSITIVE));
        redraw();
        return;
    }
    REDRAWS.with_borrow_mut(|q| match q.iter_mut().find(|(c, _)| *c == chart) {
        Some(slot) => slot.1 = Box::new(redraw),
        None => q.push_back((chart, Box::new(redraw))),
    });
    if !SCHEDULED.get() {
        schedule_redraws();
    }
}

/// Tells the redraw queue that the current task has already taken `ms` [ms] (reading a worker's result): the
/// redraws it causes fill the rest of the task's budget, the others go to the tasks that follow.
pub fn task_spent(ms: f64) {
    if SPENT.get() == 0.0 {
        gloo_timers::callback::Timeout::new(0, || SPENT.set(0.0)).forget();
    }
    SPENT.set(SPENT.get().max(ms).max(f64::MIN_POSITIVE));
}

/// The width a chart's canvas takes in its container [CSS px], at least 200.
fn css_width(container: &web_sys::Element) -> f64 {
    container.client_width().max(200) as f64
}

/// A chart's estimated draw time: its last draw's [ms].
fn estimated_cost(chart: u64) -> f64 {
    COST.with_borrow(|c| c.get(&chart).copied()).unwrap_or(FIRST_COST_MS)
}

/// Runs [`run_redraws`] in a coming task.
fn schedule_redraws() {
    SCHEDULED.set(true);
    gloo_timers::callback::Timeout::new(0, run_redraws).forget();
}

/// One task's share of the queued redraws (the draws follow in this task, as the charts' effects run).
fn run_redraws() {
    SCHEDULED.set(false);
    SPENT.set(0.0);
    let mut spent = 0.0;
    while let Some((chart, redraw)) = REDRAWS.with_borrow_mut(|q| q.pop_front()) {
        let cost = estimated_cost(chart);
        if spent > 0.0 && spent + cost > TASK_BUDGET_MS {
            REDRAWS.with_borrow_mut(|q| q.push_front((chart, redraw)));
            schedule_redraws();
            return;
        }
        spent += cost;
        redraw();
    }
}

/// The chart canvas: plotters' canvas backend, except that it measures text with the canvas's own `measureText`.
/// The backend's default asks the font data, which in the browser adds a `<span>` to the page and reads its size
/// back, forcing a layout of the whole page for each text measured.
pub struct Canvas {
    inner: CanvasBackend,
    context: web_sys::CanvasRenderingContext2d,
}

impl Canvas {
    fn new(canvas: web_sys::HtmlCanvasElement) -> Option<Canvas> {
        let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        Some(Canvas { inner: CanvasBackend::with_canvas_object(canvas)?, context })
    }
}

type CanvasResult = Result<(), DrawingErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>>;

impl DrawingBackend for Canvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> CanvasResult {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> CanvasResult {
        self.inner.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> CanvasResult {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> CanvasResult {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(&mut self, a: BackendCoord, b: BackendCoord, style: &S, fill: bool) -> CanvasResult {
        self.inner.draw_rect(a, b, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> CanvasResult {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(&mut self, c: BackendCoord, r: u32, style: &S, fill: bool) -> CanvasResult {
        self.inner.draw_circle(c, r, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> CanvasResult {
        self.inner.fill_polygon(vert, style)
    }
    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, style: &S, pos: BackendCoord) -> CanvasResult {
        self.inner.draw_text(text, style, pos)
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> CanvasResult {
        self.inner.blit_bitmap(pos, size, src)
    }

    /// Width and height [backing px] of `text` in the font `draw_text` would set: the advance width, and the
    /// font's ascent plus descent (as a line box; 1.2 font sizes where the browser has no font bounding box).
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let size = style.size();
        self.context.set_font(&format!("{} {}px {}", style.style().as_str(), size, style.family().as_str()));
        let (w, h) = match self.context.measure_text(text) {
            Ok(m) => (m.width(), m.font_bounding_box_ascent() + m.font_bounding_box_descent()),
            Err(_) => (0.55 * size * text.chars().count() as f64, f64::NAN),
        };
        let h = if h.is_finite() && h > 0.0 { h } else { 1.2 * size };
        Ok((w.max(0.0).ceil() as u32, h.ceil() as u32))
    }
}

/// Draws a chart into a canvas that fills its container's width; redraws when the signals `draw` reads change or
/// the window is resized, sized by `devicePixelRatio` so lines and text are sharp on HiDPI screens.
#[component]
pub fn ChartCanvas<F>(
    /// Draws the chart on the canvas; every signal it reads triggers a redraw.
    draw: F,
    /// Height of the chart [CSS px].
    #[prop(default = 300)]
    height: u32,
    /// What the chart shows, for screen readers.
    #[prop(into)]
    label: Signal<String>,
    /// `data-testid` of the canvas.
    #[prop(into)]
    testid: String,
    /// Receives where the plotting area landed after each draw, for pointer interaction.
    #[prop(optional)]
    mapping: Option<RwSignal<Option<PlotMapping>>>,
    /// `id` of the canvas element.
    #[prop(optional, into)]
    canvas_id: Option<String>,
) -> impl IntoView
where
    F: Fn(&DrawingArea<Canvas, Shift>, &Theme) -> Result<PlotMapping, ChartError> + 'static,
{
    let container = NodeRef::<html::Div>::new();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let resized = RwSignal::new(0u32);
    let error = RwSignal::new(None::<String>);
    let placed = RwSignal::new(None::<PlotMapping>);
    // The container's width [CSS px], read once and then only when it changes: read in every draw, `clientWidth`
    // forced a layout of the page whenever a result had just changed it (1.3 ms per keep-alive edit in a CPU profile
    // of the page). A ResizeObserver tells of changes (it runs after layout, when reading the width costs nothing);
    // a window resize may also change the device pixel ratio, so it redraws and reads the width again.
    let width = StoredValue::new(None::<f64>);
    let handle = window_event_listener(ev::resize, move |_| {
        width.set_value(None);
        resized.update(|n| *n += 1)
    });
    on_cleanup(move || handle.remove());
    type Observer = (web_sys::ResizeObserver, wasm_bindgen::closure::Closure<dyn FnMut(js_sys::Array)>);
    let observer = StoredValue::new_local(None::<Observer>);
    Effect::new(move |_| {
        let Some(div) = container.get() else { return };
        if observer.with_value(|o| o.is_some()) {
            return;
        }
        let seen = div.clone();
        let changed = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| {
            let w = css_width(&seen);
            if width.get_value().is_some_and(|old| old != w) {
                width.set_value(Some(w));
                resized.update(|n| *n += 1);
            }
        });
        if let Ok(o) = web_sys::ResizeObserver::new(changed.as_ref().unchecked_ref()) {
            o.observe(&div);
            observer.set_value(Some((o, changed)));
        }
    });
    on_cleanup(move || {
        observer.update_value(|o| {
            if let Some((o, _)) = o.take() {
                o.disconnect();
            }
        })
    });
    let dark_query = window().match_media("(prefers-color-scheme: dark)").ok().flatten();
    let testid_mark = testid.clone();
    let zoom = Memo::new(move |_| present_zoom());

    Effect::new(move |_| {
        resized.track();
        let (Some(div), Some(canvas)) = (container.get(), canvas_ref.get()) else { return };
        let css_w = width.get_value().unwrap_or_else(|| {
            let w = css_width(&div);
            width.set_value(Some(w));
            w
        });
        let dpr = window().device_pixel_ratio().clamp(1.0, 4.0);
        let z = zoom.get();
        let (w, h) = ((css_w * dpr).round() as u32, (height as f64 * z * dpr).round() as u32);
        let scale = dpr * z;
        if canvas.width() != w {
            canvas.set_width(w);
        }
        if canvas.height() != h {
            canvas.set_height(h);
        }
        let _ = web_sys::HtmlElement::style(&canvas).set_property("width", &format!("{css_w}px"));
        let words = Words { time: tr("chart.time"), load: tr("chart.load_rps") };
        let theme = Theme { scale, dark: dark_query.as_ref().is_some_and(|q| q.matches()), words };
        let Some(backend) = Canvas::new(canvas) else {
            error.set(Some("this browser has no 2D canvas".into()));
            return;
        };
        let area = backend.into_drawing_area();
        let perf = super::perf();
        let mark = format!("draw {testid_mark}");
        if let Some(p) = &perf {
            let _ = p.mark(&format!("{mark} start"));
        }
        let drawn = draw(&area, &theme);
        if let Some(p) = &perf {
            let _ = p.measure_with_start_mark(&mark, &format!("{mark} start"));
        }
        match drawn {
            Ok(m) => {
                // The chart's lengths are in CSS px × zoom: the page's CSS px again.
                let m = PlotMapping { left: m.left * z, top: m.top * z, width: m.width * z, height: m.height * z, ..m };
                error.set(None);
                placed.set(Some(m));
                if let Some(sig) = mapping {
                    sig.set(Some(m));
                }
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    });

    view! {
        <div class="chart" node_ref=container>
            <canvas
                node_ref=canvas_ref
                id=canvas_id
                role="img"
                aria-label=move || label.get()
                data-testid=testid
                data-plot=move || {
                    placed.get().map(|m| {
                        format!("{},{},{},{},{},{},{},{}", m.left, m.top, m.width, m.height, m.x.0, m.x.1, m.y.0, m.y.1)
                    })
                }
                style:height=move || format!("{}px", height as f64 * zoom.get())
            ></canvas>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </div>
    }
}

/// How much larger charts and the live views are drawn in presentation mode: type and lines for the back of a room.
const PRESENT_ZOOM: f64 = 1.5;

/// How much larger to draw now: [`PRESENT_ZOOM`] while a lesson is presented, else 1 (tracked).
pub fn present_zoom() -> f64 {
    let presenting = use_context::<super::lessons::LessonState>().is_some_and(|l| l.presenting.get());
    if presenting {
        PRESENT_ZOOM
    } else {
        1.0
    }
}

/// A chart of any kind ([`Chart`]) with a read-out of the values under the pointer (a crosshair and a label) and
/// buttons that save it as PNG and its data as CSV. Before the first result it shows "computing".
#[component]
pub fn SpecChart<F>(
    /// The chart to draw (tracked), or `None` while there is no result yet.
    spec: F,
    /// Height [CSS px].
    #[prop(default = 280)]
    height: u32,
    /// String key of what the chart shows (screen readers, file names).
    label: &'static str,
    /// `data-testid` of the canvas; also the name of exported files.
    testid: &'static str,
) -> impl IntoView
where
    F: Fn() -> Option<Chart> + Send + Sync + 'static,
{
    let chart = Memo::new(move |_| spec());
    // The canvas draws when this ticks: a new chart waits for a coming task (see `redraw_soon`).
    let ticket = RwSignal::new(0u32);
    let me = CHARTS.replace(CHARTS.get() + 1);
    on_cleanup(move || {
        COST.with_borrow_mut(|c| c.remove(&me));
    });
    // The first draw waits for its turn too: a section's charts drawn in the task that built them (their results
    // already there) made a task of 50–85 ms on two cores, most of it the charts' drawing and the lazy compilation
    // of its code. Until its turn a chart shows the placeholder.
    Effect::new(move |_| {
        chart.track();
        redraw_soon(me, move || {
            // The chart may have left the page meanwhile.
            let _ = ticket.try_update(|n| *n += 1);
        });
    });
    let mapping = RwSignal::new(None::<PlotMapping>);
    let hover = RwSignal::new(None::<(f64, f64)>);
    let canvas_id = format!("canvas-{testid}");
    let draw = move |area: &DrawingArea<Canvas, Shift>, theme: &Theme| {
        let text = tr("chart.no_result");
        let turn = ticket.get() > 0;
        let t0 = super::now_ms();
        let drawn = chart.with_untracked(|c| match c {
            Some(c) if turn => c.draw(area, theme),
            _ => placeholder(area, theme, text),
        });
        COST.with_borrow_mut(|c| c.insert(me, super::now_ms() - t0));
        drawn
    };
    // The page's time cursor: a line on every time chart, moved by pressing or dragging on one.
    let cursor = use_context::<super::ScenarioCtx>().map(|c| c.cursor);
    let is_time = Memo::new(move |_| chart.with(|c| matches!(c, Some(crate::charts::spec::Chart::Time(_)))));
    let scrub = move |ev: &leptos::ev::PointerEvent| {
        let (px, py) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let (Some(cursor), Some(m)) = (cursor, mapping.get_untracked()) else { return };
        if ev.buttons() & 1 == 1 && m.contains(px, py, 0.0) && is_time.get_untracked() {
            cursor.set(m.to_data(px, py).0.max(0.0));
        }
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        scrub(&ev);
        let (px, py) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let Some(m) = mapping.get_untracked() else { return };
        if !m.contains(px, py, 0.0) || chart.with_untracked(|c| c.is_none()) {
            hover.set(None);
            return;
        }
        hover.set(Some((px, py)));
    };
    // The line's place [CSS px]: left, top, height; `None` when it is not shown. One element, moved by its style
    // (an element made anew for every move of the cursor cost style and layout of the whole page per frame).
    let cursor_at = move || -> Option<(f64, f64, f64)> {
        let c = cursor?.get();
        if !is_time.get() {
            return None;
        }
        let m = mapping.get()?;
        if !(m.x.0..=m.x.1).contains(&c) || m.x.1 <= m.x.0 {
            return None;
        }
        Some((m.left + (c - m.x.0) / (m.x.1 - m.x.0) * m.width, m.top, m.height))
    };
    let cursor_line = move || {
        cursor.is_some().then(|| {
            view! {
                <div class="cursor-line" data-testid=format!("{testid}-cursor")
                    style:display=move || if cursor_at().is_some() { "block" } else { "none" }
                    style:left=move || cursor_at().map_or(String::new(), |(x, _, _)| format!("{x}px"))
                    style:top=move || cursor_at().map_or(String::new(), |(_, y, _)| format!("{y}px"))
                    style:height=move || cursor_at().map_or(String::new(), |(_, _, h)| format!("{h}px"))></div>
            }
        })
    };
    let readout = move || {
        let (px, py) = hover.get()?;
        let m = mapping.get()?;
        let (x, y) = m.to_data(px, py);
        let per_px = (m.x.1 - m.x.0) / m.width.max(1.0);
        chart.with(|c| c.as_ref()?.readout(x, y, per_px))
    };
    let png = move |_| {
        let doc = document();
        let Some(canvas) = doc.get_element_by_id(&format!("canvas-{testid}")) else { return };
        use wasm_bindgen::JsCast;
        if let Ok(c) = canvas.dyn_into::<web_sys::HtmlCanvasElement>() {
            if let Ok(url) = c.to_data_url() {
                download_url(&format!("{testid}.png"), &url);
            }
        }
    };
    let csv = move |_| {
        if let Some(text) = chart.with_untracked(|c| c.as_ref().map(|c| c.to_csv())) {
            let _ = download_text(&format!("{testid}.csv"), "text/csv", &text);
        }
    };
    view! {
        <figure class="spec-chart">
            <div class="chart-wrap" on:pointermove=on_move on:pointerdown=move |ev| scrub(&ev) on:pointerleave=move |_| hover.set(None)>
                <ChartCanvas draw=draw height=height label=Signal::derive(move || tr(label).to_string()) testid=testid mapping=mapping canvas_id=canvas_id />
                {cursor_line}
                {move || {
                    let (px, _) = hover.get()?;
                    let m = mapping.get()?;
                    let text = readout()?;
                    let right = px > m.left + 0.6 * m.width;
                    Some(view! {
                        <div class="crosshair" style:left=format!("{px}px") style:top=format!("{}px", m.top) style:height=format!("{}px", m.height)></div>
                        <div class="tooltip" data-testid=format!("{testid}-readout")
                            style:left=if right { "auto".to_string() } else { format!("{}px", px + 12.0) }
                            style:right=if right { format!("calc(100% - {}px)", px - 12.0) } else { "auto".to_string() }
                            style:top=format!("{}px", m.top + 4.0)>{text}</div>
                    })
                }}
            </div>
            <figcaption class="chart-tools">
                <span class="sr-only">{move || tr(label)}</span>
                <button type="button" class="small" data-testid=format!("{testid}-png") on:click=png
                    aria-label=move || format!("{} ({})", tr("chart.save_png"), tr(label))>{move || tr("chart.png")}</button>
                <button type="button" class="small" data-testid=format!("{testid}-csv") on:click=csv
                    disabled=move || chart.with(|c| c.is_none())
                    aria-label=move || format!("{} ({})", tr("chart.save_csv"), tr(label))>{move || tr("chart.csv")}</button>
            </figcaption>
        </figure>
    }
}
