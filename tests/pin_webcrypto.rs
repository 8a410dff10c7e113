//! Issue 12: PIN hashing in WebCrypto gives byte-for-byte what the pure-Rust `pbkdf2` gives, so
//! hashes made on any tablet (or natively, in tests and the demo generator) verify everywhere.
//!
//! Run: `WASM_BINDGEN_TEST_DRIVER_TIMEOUT=60 cargo test --target wasm32-unknown-unknown --test pin_webcrypto`
#![cfg(target_arch = "wasm32")]

use estate_desk::app::pin_kdf::{self, webcrypto};
use estate_desk::domain::staff::{pbkdf2_sha256, PinHash, PIN_ITERATIONS};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn webcrypto_matches_the_published_test_vector() {
    // RFC 7914 §11: PBKDF2-HMAC-SHA256, P = "passwd", S = "salt", c = 1, first 32 bytes.
    let out = webcrypto::pbkdf2_sha256("passwd", b"salt", 1)
        .await
        .expect("crypto.subtle");
    assert_eq!(
        hex::encode(out),
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
    );
}

#[wasm_bindgen_test]
async fn webcrypto_and_rust_give_the_same_bytes() {
    for (pin, salt, iterations) in [
        ("1234", [3u8; 16], 10),
        ("00000000", [0u8; 16], 1_000),
        ("739146", *b"0123456789abcdef", PIN_ITERATIONS),
    ] {
        let web = webcrypto::pbkdf2_sha256(pin, &salt, iterations)
            .await
            .expect("crypto.subtle");
        assert_eq!(
            web,
            pbkdf2_sha256(pin, &salt, iterations),
            "{pin} {iterations}"
        );
    }
}

#[wasm_bindgen_test]
async fn a_pin_hashed_in_webcrypto_verifies_in_rust_and_the_other_way() {
    let salt = [9u8; 16];
    let web = pin_kdf::hash_pin("2580", salt).await.unwrap();
    assert_eq!(web.iterations, PIN_ITERATIONS);
    assert_eq!(web, PinHash::new("2580", salt, PIN_ITERATIONS).unwrap());
    assert!(web.verify("2580"));
    let rust = PinHash::new("4826", [1; 16], 10).unwrap();
    assert!(pin_kdf::verify_pin(&rust, "4826").await);
    assert!(!pin_kdf::verify_pin(&rust, "4827").await);
    assert!(pin_kdf::hash_pin("12a4", salt).await.is_err());
}

#[wasm_bindgen_test]
async fn webcrypto_verifies_a_production_pin_quickly() {
    // Issue 12's budget is PIN OK → 我的待办 ≤ 300 ms at 4× CPU throttle; the derivation is the
    // bulk of sign-in. Logged, with a loose bound so a slow CI machine does not fail it.
    let h = PinHash::new("1234", [7; 16], PIN_ITERATIONS).unwrap();
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    assert!(pin_kdf::verify_pin(&h, "1234").await);
    let ms = perf.now() - t0;
    web_sys::console::log_1(
        &format!("WebCrypto PBKDF2 {PIN_ITERATIONS} iterations: {ms:.1} ms").into(),
    );
    assert!(ms < 1_000.0, "{ms} ms");
}
