//! The one component that owns a chart's canvas: its size, device pixel ratio, colour scheme and redraw.

use crate::charts::{ChartError, PlotMapping, Theme};
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, IntoDrawingArea};
use plotters_canvas::CanvasBackend;

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
    label: String,
    /// `data-testid` of the canvas.
    #[prop(into)]
    testid: String,
    /// Receives where the plotting area landed after each draw, for pointer interaction.
    #[prop(optional)]
    mapping: Option<RwSignal<Option<PlotMapping>>>,
) -> impl IntoView
where
    F: Fn(&DrawingArea<CanvasBackend, Shift>, &Theme) -> Result<PlotMapping, ChartError> + 'static,
{
    let container = NodeRef::<html::Div>::new();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let resized = RwSignal::new(0u32);
    let error = RwSignal::new(None::<String>);
    let placed = RwSignal::new(None::<PlotMapping>);
    let handle = window_event_listener(ev::resize, move |_| resized.update(|n| *n += 1));
    on_cleanup(move || handle.remove());
    let dark_query = window().match_media("(prefers-color-scheme: dark)").ok().flatten();

    Effect::new(move |_| {
        resized.track();
        let (Some(div), Some(canvas)) = (container.get(), canvas_ref.get()) else { return };
        let css_w = div.client_width().max(200) as f64;
        let scale = window().device_pixel_ratio().clamp(1.0, 4.0);
        let (w, h) = ((css_w * scale).round() as u32, (height as f64 * scale).round() as u32);
        if canvas.width() != w {
            canvas.set_width(w);
        }
        if canvas.height() != h {
            canvas.set_height(h);
        }
        let _ = web_sys::HtmlElement::style(&canvas).set_property("width", &format!("{css_w}px"));
        let theme = Theme { scale, dark: dark_query.as_ref().is_some_and(|q| q.matches()) };
        let Some(backend) = CanvasBackend::with_canvas_object(canvas) else {
            error.set(Some("this browser has no 2D canvas".into()));
            return;
        };
        let area = backend.into_drawing_area();
        match draw(&area, &theme) {
            Ok(m) => {
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
                role="img"
                aria-label=label
                data-testid=testid
                data-plot=move || {
                    placed.get().map(|m| {
                        format!("{},{},{},{},{},{},{},{}", m.left, m.top, m.width, m.height, m.x.0, m.x.1, m.y.0, m.y.1)
                    })
                }
                style:height=format!("{height}px")
            ></canvas>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </div>
    }
}
