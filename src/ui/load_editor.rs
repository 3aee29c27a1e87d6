//! The load-curve editor: a chart with draggable points, a table of the points, presets, duration and peak controls,
//! CSV import and export. All edits go through `model::load`, which keeps the curve valid.

use super::chart_canvas::ChartCanvas;
use super::download::download_text;
use super::i18n::{tr, trf};
use super::ScenarioCtx;
use crate::charts::{load as load_chart, PlotMapping};
use crate::model::load::{LoadCurve, Preset};
use crate::model::units::{fmt_count, fmt_duration, sig};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Pointer distance within which a control point is grabbed [CSS px].
const GRAB_PX: f64 = 12.0;
/// Curves with more points than this are drawn without handles and cannot be dragged point by point.
const MAX_HANDLES: usize = 200;
/// Rows per page in the points table.
const PAGE_ROWS: usize = 25;

/// Time units offered for the duration field: (label, seconds).
const UNITS: [(&str, f64); 4] = [("s", 1.0), ("min", 60.0), ("h", 3600.0), ("d", 86_400.0)];

/// Editor for the scenario's load curve.
#[component]
pub fn LoadEditor() -> impl IntoView {
    let ctx = expect_context::<ScenarioCtx>();
    let curve = Memo::new(move |_| ctx.scenario.with(|s| s.load.clone()));
    let selected = RwSignal::new(None::<usize>);
    let dragging = RwSignal::new(false);
    let mapping = RwSignal::new(None::<PlotMapping>);
    let hover = RwSignal::new(None::<(f64, f64)>);
    let edit_error = RwSignal::new(None::<String>);
    let import_text = RwSignal::new(String::new());
    let import_error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let page = RwSignal::new(0usize);

    // Applies an edit to the curve; a refused edit leaves the curve as it was and shows why.
    let edit = move |f: &mut dyn FnMut(&mut LoadCurve) -> Result<(), String>, record: bool| {
        let mut c = curve.get_untracked();
        match f(&mut c) {
            Ok(()) => {
                if record {
                    ctx.push_history();
                }
                ctx.scenario.update(|s| s.set_load(c));
                edit_error.set(None);
            }
            Err(e) => edit_error.set(Some(e)),
        }
    };

    let nearest = move |px: f64, py: f64| -> Option<usize> {
        let m = mapping.get_untracked()?;
        let c = curve.get_untracked();
        if c.points().len() > MAX_HANDLES {
            return None;
        }
        c.points()
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (x, y) = m.to_pixel(p.t, p.rate);
                (i, (x - px).hypot(y - py))
            })
            .filter(|&(_, d)| d <= GRAB_PX)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    };

    let on_down = move |ev: leptos::ev::PointerEvent| {
        let (px, py) = (ev.offset_x() as f64, ev.offset_y() as f64);
        if let Some(i) = nearest(px, py) {
            selected.set(Some(i));
            ctx.push_history();
            dragging.set(true);
            if let Some(t) = ev.target() {
                use wasm_bindgen::JsCast;
                if let Ok(el) = t.dyn_into::<web_sys::Element>() {
                    let _ = el.set_pointer_capture(ev.pointer_id());
                }
            }
            ev.prevent_default();
        }
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let (px, py) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let Some(m) = mapping.get_untracked() else { return };
        let (t, r) = m.to_data(px, py);
        hover.set(m.contains(px, py, 0.0).then_some((t, r.max(0.0))));
        if dragging.get_untracked() {
            if let Some(i) = selected.get_untracked() {
                edit(&mut |c| c.move_point(i, t, r).map(|_| ()).map_err(|e| e.to_string()), false);
            }
        }
    };
    let on_up = move |_: leptos::ev::PointerEvent| dragging.set(false);
    let on_dblclick = move |ev: leptos::ev::MouseEvent| {
        let (px, py) = (ev.offset_x() as f64, ev.offset_y() as f64);
        if let Some(i) = nearest(px, py) {
            edit(&mut |c| c.delete_point(i).map(|_| ()).map_err(|e| e.to_string()), true);
            selected.set(None);
        } else if let Some(m) = mapping.get_untracked() {
            if m.contains(px, py, 0.0) {
                let (t, r) = m.to_data(px, py);
                let mut at = None;
                edit(
                    &mut |c| {
                        let i = c.insert_point(t, r.max(0.0)).map_err(|e| e.to_string())?;
                        at = Some(i);
                        Ok(())
                    },
                    true,
                );
                if at.is_some() {
                    selected.set(at);
                }
            }
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let c = curve.get_untracked();
        let n = c.points().len();
        let key = ev.key();
        if (ev.ctrl_key() || ev.meta_key()) && key == "z" {
            ctx.undo();
            ev.prevent_default();
            return;
        }
        // A selection can outlive its point (Undo, an import): ignore it then.
        let sel = selected.get_untracked().filter(|&i| i < n);
        let fine = if ev.shift_key() { 0.1 } else { 1.0 };
        let dt = c.duration() * 0.01 * fine;
        let dr = (c.peak() * 0.02).max(0.1) * fine;
        let handled = match (key.as_str(), sel) {
            ("]", _) | ("n", _) => {
                selected.set(Some(sel.map_or(0, |i| (i + 1).min(n - 1))));
                true
            }
            ("[", _) | ("p", _) => {
                selected.set(Some(sel.map_or(0, |i| i.saturating_sub(1))));
                true
            }
            ("ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown", Some(i)) => {
                let p = c.points()[i];
                let (t, r) = match key.as_str() {
                    "ArrowLeft" => (p.t - dt, p.rate),
                    "ArrowRight" => (p.t + dt, p.rate),
                    "ArrowUp" => (p.t, p.rate + dr),
                    _ => (p.t, p.rate - dr),
                };
                edit(&mut |c| c.move_point(i, t, r).map(|_| ()).map_err(|e| e.to_string()), true);
                true
            }
            ("Delete" | "Backspace", Some(i)) => {
                edit(&mut |c| c.delete_point(i).map(|_| ()).map_err(|e| e.to_string()), true);
                if edit_error.get_untracked().is_none() {
                    selected.set(Some(i - 1));
                }
                true
            }
            ("+" | "Insert" | "a", _) => {
                let i = sel.unwrap_or(0).min(n - 2);
                let (a, b) = (c.points()[i], c.points()[i + 1]);
                edit(
                    &mut |c| {
                        c.insert_point(0.5 * (a.t + b.t), 0.5 * (a.rate + b.rate))
                            .map(|_| ())
                            .map_err(|e| e.to_string())
                    },
                    true,
                );
                if edit_error.get_untracked().is_none() {
                    selected.set(Some(i + 1));
                }
                true
            }
            ("Escape", _) => {
                selected.set(None);
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    };

    let draw = move |area: &plotters::drawing::DrawingArea<super::chart_canvas::Canvas, plotters::coord::Shift>,
                     theme: &crate::charts::Theme| {
        curve.with(|c| {
            load_chart::draw(
                area,
                &load_chart::LoadChart { curve: c, selected: selected.get(), handles: c.points().len() <= MAX_HANDLES },
                theme,
            )
        })
    };

    let choose_preset = move |id: String| {
        if let Some(p) = Preset::from_id(&id) {
            ctx.push_history();
            ctx.scenario.update(|s| s.set_load(p.curve()));
            selected.set(None);
            page.set(0);
            status.set(Some(trf("load.loaded_preset", &[tr(&format!("preset.{}", p.id()))])));
        }
    };

    let duration_unit = RwSignal::new(None::<usize>);
    let unit_index = move || {
        duration_unit.get().unwrap_or_else(|| {
            let d = curve.with(|c| c.duration());
            UNITS.iter().rposition(|&(_, s)| d >= 2.0 * s).unwrap_or(0)
        })
    };
    let set_duration = move |raw: String| {
        let (_, k) = UNITS[unit_index()];
        match raw.trim().parse::<f64>() {
            Ok(v) => edit(&mut |c| c.set_duration(v * k).map_err(|e| e.to_string()), true),
            Err(_) => edit_error.set(Some(trf("load.duration_nan", &[&raw]))),
        }
    };
    let set_peak = move |raw: String| match raw.trim().parse::<f64>() {
        Ok(v) => edit(&mut |c| c.set_peak(v).map_err(|e| e.to_string()), true),
        Err(_) => edit_error.set(Some(trf("load.peak_nan", &[&raw]))),
    };

    let do_import = move || {
        let text = import_text.get_untracked();
        match LoadCurve::import(&text) {
            Ok(c) => {
                let n = c.points().len();
                ctx.push_history();
                ctx.scenario.update(|s| s.set_load(c));
                import_error.set(None);
                selected.set(None);
                page.set(0);
                status.set(Some(trf("load.imported", &[&n.to_string()])));
            }
            Err(e) => {
                import_error.set(Some(trf("load.not_imported", &[&e.to_string()])));
                status.set(None);
            }
        }
    };
    let on_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        spawn_local(async move {
            match gloo_file::futures::read_as_text(&gloo_file::File::from(file)).await {
                Ok(text) => {
                    import_text.set(text);
                    do_import();
                }
                Err(e) => import_error.set(Some(trf("load.read_failed", &[&e.to_string()]))),
            }
        });
    };
    let export = move |_| {
        let csv = curve.with_untracked(|c| c.to_csv());
        match download_text("load-curve.csv", "text/csv", &csv) {
            Ok(()) => status.set(Some(tr("load.exported").into())),
            Err(e) => import_error.set(Some(e)),
        }
    };

    let set_cell = move |i: usize, col: usize, raw: String| {
        let Ok(v) = raw.trim().parse::<f64>() else {
            edit_error.set(Some(trf("load.point_nan", &[&(i + 1).to_string(), &raw])));
            return;
        };
        let p = curve.get_untracked().points()[i];
        let (t, r) = if col == 0 { (v, p.rate) } else { (p.t, v) };
        if r < 0.0 {
            edit_error.set(Some(trf("load.point_negative", &[&(i + 1).to_string()])));
            return;
        }
        edit(&mut |c| c.move_point(i, t, r).map(|_| ()).map_err(|e| e.to_string()), true);
    };

    let rows = move || {
        let c = curve.get();
        let n = c.points().len();
        let pages = n.div_ceil(PAGE_ROWS);
        let pg = page.get().min(pages.saturating_sub(1));
        let start = pg * PAGE_ROWS;
        c.points()[start..(start + PAGE_ROWS).min(n)]
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let i = start + k;
                let end = i == 0 || i == n - 1;
                let (t, r) = (p.t, p.rate);
                view! {
                    <tr class:selected=move || selected.get() == Some(i) on:click=move |_| selected.set(Some(i))>
                        <th scope="row">{i + 1}</th>
                        <td>
                            <input type="number" step="any" min="0" aria-label=move || trf("load.cell_time", &[&(i + 1).to_string()])
                                prop:value=sig(t, 8) disabled=end
                                on:change=move |ev| set_cell(i, 0, event_target_value(&ev)) />
                        </td>
                        <td>
                            <input type="number" step="any" min="0" aria-label=move || trf("load.cell_rate", &[&(i + 1).to_string()])
                                prop:value=sig(r, 8)
                                on:change=move |ev| set_cell(i, 1, event_target_value(&ev)) />
                        </td>
                        <td>
                            <button type="button" disabled=end aria-label=move || trf("load.cell_remove", &[&(i + 1).to_string()])
                                title=move || tr(if end { "load.ends_fixed" } else { "load.remove_point" })
                                on:click=move |_| {
                                    edit(&mut |c| c.delete_point(i).map(|_| ()).map_err(|e| e.to_string()), true);
                                    selected.set(None);
                                }>"✕"</button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let page_count = move || curve.with(|c| c.points().len().div_ceil(PAGE_ROWS));

    view! {
        <section class="card" id="load" aria-labelledby="load-title">
            <div class="card-head">
                <h2 id="load-title">{move || tr("load.title")}</h2>
                <p class="hint">{move || tr("load.intro")}</p>
            </div>
            <div class="toolbar">
                <label>{move || tr("load.preset")}" "
                    <select data-testid="preset" on:change=move |ev| choose_preset(event_target_value(&ev))>
                        <option value="" selected>{move || tr("load.choose_shape")}</option>
                        {Preset::ALL.into_iter().map(|p| view! { <option value=p.id()>{move || tr(&format!("preset.{}", p.id()))}</option> }).collect_view()}
                    </select>
                </label>
                <label>{move || tr("load.duration")}" "
                    <input type="number" step="any" min="0" class="num" data-testid="duration"
                        prop:value=move || sig(curve.with(|c| c.duration()) / UNITS[unit_index()].1, 6)
                        on:change=move |ev| set_duration(event_target_value(&ev)) />
                    <select aria-label=move || tr("load.duration_unit") on:change=move |ev| {
                        duration_unit.set(event_target_value(&ev).parse().ok());
                    }>
                        {UNITS.iter().enumerate().map(|(i, (u, _))| view! {
                            <option value=i.to_string() selected=move || unit_index() == i>{*u}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || tr("load.peak")}" "
                    <input type="number" step="any" min="0" class="num" data-testid="peak"
                        prop:value=move || sig(curve.with(|c| c.peak()), 6)
                        on:change=move |ev| set_peak(event_target_value(&ev)) />
                    " "{move || tr("u.rps")}
                </label>
                <button type="button" data-testid="undo" disabled=move || !ctx.can_undo()
                    on:click=move |_| ctx.undo()>{move || tr("load.undo")}</button>
            </div>
            <dl class="figures">
                <div><dt>{move || tr("load.f.expected")}</dt><dd data-testid="expected-requests">{move || fmt_count(curve.with(|c| c.expected_requests()))}</dd></div>
                <div><dt>{move || tr("load.f.peak")}</dt><dd data-testid="peak-rate">{move || format!("{} req/s", sig(curve.with(|c| c.peak()), 4))}</dd></div>
                <div><dt>{move || tr("load.f.mean")}</dt><dd data-testid="mean-rate">{move || format!("{} req/s", sig(curve.with(|c| c.mean()), 4))}</dd></div>
                <div><dt>{move || tr("load.f.duration")}</dt><dd data-testid="duration-text">{move || fmt_duration(curve.with(|c| c.duration()))}</dd></div>
                <div><dt>{move || tr("load.f.points")}</dt><dd data-testid="point-count">{move || curve.with(|c| c.points().len())}</dd></div>
            </dl>
            <div
                class="editor-chart"
                tabindex="0"
                role="application"
                aria-label=move || tr("load.editor_label")
                aria-describedby="editor-help"
                data-testid="load-editor"
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=on_up
                on:pointerleave=move |_| hover.set(None)
                on:dblclick=on_dblclick
                on:keydown=on_key
                class:dragging=move || dragging.get()
            >
                <ChartCanvas draw=draw height=300 label=Signal::derive(move || tr("load.chart_label").to_string()) testid="load-chart" mapping=mapping />
                <div class="readout" data-testid="load-hover" aria-live="off">
                    {move || match (hover.get(), selected.get()) {
                        (Some((t, r)), _) => format!("{} · {} req/s", fmt_duration(t), sig(r, 4)),
                        (None, Some(i)) => curve.with(|c| c.points().get(i).map(|p| trf("load.point_readout", &[&(i + 1).to_string(), &fmt_duration(p.t), &sig(p.rate, 4)])).unwrap_or_default()),
                        _ => String::new(),
                    }}
                </div>
            </div>
            <p class="hint" id="editor-help">
                {move || tr("load.help")}
            </p>
            {move || edit_error.get().map(|e| view! { <p class="error" role="alert" data-testid="edit-error">{e}</p> })}
            <div class="split">
                <div class="points">
                    <h3>{move || tr("load.points")}</h3>
                    <table class="points-table" data-testid="points-table">
                        <thead><tr><th scope="col">"#"</th><th scope="col">{move || tr("load.col_time")}</th><th scope="col">{move || tr("load.col_rate")}</th><th scope="col"><span class="sr-only">{move || tr("load.col_remove")}</span></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <Show when=move || { page_count() > 1 }>
                        <div class="pager">
                            <button type="button" disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>{move || tr("load.prev")}</button>
                            <span>{move || trf("load.page", &[&(page.get() + 1).to_string(), &page_count().to_string()])}</span>
                            <button type="button" disabled=move || page.get() + 1 >= page_count() on:click=move |_| page.update(|p| *p += 1)>{move || tr("load.next")}</button>
                        </div>
                    </Show>
                </div>
                <div class="import">
                    <h3>{move || tr("load.import_export")}</h3>
                    <label for="csv-input">{move || tr("load.paste_label")}</label>
                    <textarea id="csv-input" rows="7" data-testid="csv-input" spellcheck="false"
                        placeholder="time_s,rate_rps\n0,10\n600,80\n1200,10"
                        prop:value=move || import_text.get()
                        on:input=move |ev| import_text.set(event_target_value(&ev))></textarea>
                    <div class="toolbar">
                        <button type="button" data-testid="import" on:click=move |_| do_import()>{move || tr("load.import")}</button>
                        <label class="file">{move || tr("load.open_file")}" "
                            <input type="file" accept=".csv,text/csv,text/plain" data-testid="import-file" on:change=on_file />
                        </label>
                        <button type="button" data-testid="export" on:click=export>{move || tr("load.export")}</button>
                    </div>
                    {move || import_error.get().map(|e| view! { <p class="error" role="alert" data-testid="import-error">{e}</p> })}
                    {move || status.get().map(|s| view! { <p class="status" role="status" data-testid="status">{s}</p> })}
                </div>
            </div>
        </section>
    }
}
