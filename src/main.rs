fn main() {
    #[cfg(target_arch = "wasm32")]
    estate_desk::ui::start();
}
