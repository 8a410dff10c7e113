//! The office worker (issue 19): a second wasm module, built by trunk as a web worker
//! (public/index.html, `data-type="worker"`), that writes and reads XLSX files for the app.
//! See `src/office/mod.rs`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        estate_desk::office::worker::run();
    }
}
