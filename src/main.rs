//! Mounts the app. The same module also runs in the page's Web Workers (`public/worker.js`), which only call
//! `worker_run`: there is no window to mount into, so `main` does nothing. Native builds have nothing to run here:
//! use `playground-cli`.

#![forbid(unsafe_code)]

#[cfg(target_arch = "wasm32")]
fn main() {
    if web_sys::window().is_none() {
        return;
    }
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(serverless_playground::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The playground runs in the browser (trunk serve); for the command line use playground-cli.");
}
