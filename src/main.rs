//! Mounts the app. Native builds have nothing to run here: use `playground-cli`.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(serverless_playground::ui::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The playground runs in the browser (trunk serve); for the command line use playground-cli.");
}
