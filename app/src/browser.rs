//! Browser utilities shared by the cards: the page clock, yielding to the browser, reading
//! chosen files, offering bytes as a download, putting a file into a file input, the page
//! address's query. No model and no card lives here.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};

/// An uploaded file: its name and bytes.
pub type Upload = Option<(String, Vec<u8>)>;

/// Milliseconds from the page's clock (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Lets the browser paint (one macrotask) before heavy work.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Reads every file of a file input: (name, bytes) in order.
pub async fn read_all(input: web_sys::HtmlInputElement) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if let Some(files) = input.files() {
        for k in 0..files.length() {
            if let Some(file) = files.get(k)
                && let Ok(buf) = JsFuture::from(file.array_buffer()).await
            {
                out.push((file.name(), js_sys::Uint8Array::new(&buf).to_vec()));
            }
        }
    }
    out
}

/// Reads the first file of a file input into `set`.
pub fn read_into(ev: &leptos::ev::Event, set: WriteSignal<Upload>) {
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        set.set(None);
        return;
    };
    spawn_local(async move {
        let name = file.name();
        if let Ok(buf) = JsFuture::from(file.array_buffer()).await {
            set.set(Some((name, js_sys::Uint8Array::new(&buf).to_vec())));
        }
    });
}

/// The value of `name` in the page address's query (`?name=value&…`), lower-cased.
pub fn query_param(name: &str) -> Option<String> {
    use js_sys::Reflect;
    let window = web_sys::window()?;
    let location = Reflect::get(&window, &"location".into()).ok()?;
    let search = Reflect::get(&location, &"search".into())
        .ok()?
        .as_string()?;
    let prefix = format!("{name}=");
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|kv| kv.strip_prefix(prefix.as_str()))
        .map(str::to_ascii_lowercase)
}

/// A `blob:` address holding `bytes` (for a download link), or `None` if the browser refuses.
/// Made once per file and kept for the page's life.
pub fn blob_url(bytes: &[u8], mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// Puts one file (`name`, `bytes`) into a file input, as if the user had chosen it (the input
/// shows its name); false if the browser refuses.
pub fn put_file(input: &web_sys::HtmlInputElement, name: &str, bytes: &[u8]) -> bool {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let Ok(file) = web_sys::File::new_with_u8_array_sequence(&parts, name) else {
        return false;
    };
    let Ok(dt) = web_sys::DataTransfer::new() else {
        return false;
    };
    if dt.items().add_with_file(&file).is_err() {
        return false;
    }
    input.set_files(dt.files().as_ref());
    true
}
