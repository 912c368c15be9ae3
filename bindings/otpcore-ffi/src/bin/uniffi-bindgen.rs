//! The uniffi bindings generator, built against the same uniffi version as the library.

fn main() {
    uniffi::uniffi_bindgen_main()
}
