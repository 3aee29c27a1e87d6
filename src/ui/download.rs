//! Saving text as a file the user downloads.

use wasm_bindgen::JsCast;

/// Offers `text` as a download named `filename` with the given MIME type. Returns an error message on failure.
pub fn download_text(filename: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|_| "could not create the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "could not create a download link")?;
    download_url(filename, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Offers the resource at `url` (an object or data URL) as a download named `filename`.
pub fn download_url(filename: &str, url: &str) {
    let document = leptos::prelude::document();
    if let Ok(a) = document.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(url);
        a.set_download(filename);
        a.click();
    }
}
