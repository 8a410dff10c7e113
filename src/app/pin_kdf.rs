//! PIN hashing at the app/UI boundary (issue 12). In the browser PBKDF2-HMAC-SHA256 runs in
//! WebCrypto (`crypto.subtle.deriveBits`: native code, far faster than the wasm build of the
//! `pbkdf2` crate, and off the main thread); natively, and in the browser wherever
//! `crypto.subtle` is missing (a page served over plain http from a LAN address is not a secure
//! context) or fails, the pure-Rust `pbkdf2` gives the same bytes. Domain commands keep taking
//! an already-computed [`PinHash`].

use crate::domain::command::DomainError;
use crate::domain::staff::{pbkdf2_sha256, validate_pin, PinHash, PIN_ITERATIONS};

/// PBKDF2-HMAC-SHA256 of the PIN's UTF-8 bytes, 32 bytes.
pub async fn derive(pin: &str, salt: &[u8], iterations: u32) -> [u8; 32] {
    #[cfg(target_arch = "wasm32")]
    if let Ok(out) = webcrypto::pbkdf2_sha256(pin, salt, iterations).await {
        return out;
    }
    pbkdf2_sha256(pin, salt, iterations)
}

/// Hashes a new PIN (4–8 digits) with today's iteration count ([`PIN_ITERATIONS`]).
pub async fn hash_pin(pin: &str, salt: [u8; 16]) -> Result<PinHash, DomainError> {
    validate_pin(pin)?;
    let derived = derive(pin, &salt, PIN_ITERATIONS).await;
    Ok(PinHash::from_derived(salt, PIN_ITERATIONS, derived))
}

/// Checks a PIN against a stored hash with that hash's own salt and iteration count; constant-
/// time comparison.
pub async fn verify_pin(hash: &PinHash, pin: &str) -> bool {
    let Some((salt, iterations)) = hash.params() else {
        return false;
    };
    hash.matches(&derive(pin, &salt, iterations).await)
}

/// WebCrypto PBKDF2: `importKey("raw", pin, "PBKDF2")` then
/// `deriveBits({name: "PBKDF2", hash: "SHA-256", salt, iterations}, key, 256)`.
#[cfg(target_arch = "wasm32")]
pub mod webcrypto {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    pub async fn pbkdf2_sha256(
        pin: &str,
        salt: &[u8],
        iterations: u32,
    ) -> Result<[u8; 32], JsValue> {
        let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())?;
        let subtle = js_sys::Reflect::get(&crypto, &"subtle".into())?;
        if subtle.is_undefined() || subtle.is_null() {
            return Err("crypto.subtle is unavailable (not a secure context)".into());
        }
        let subtle: web_sys::SubtleCrypto = subtle.unchecked_into();
        let usages = js_sys::Array::of1(&"deriveBits".into());
        let key = JsFuture::from(subtle.import_key_with_str(
            "raw",
            &js_sys::Uint8Array::from(pin.as_bytes()),
            "PBKDF2",
            false,
            &usages,
        )?)
        .await?;
        let key: web_sys::CryptoKey = key.unchecked_into();
        let params = web_sys::Pbkdf2Params::new(
            "PBKDF2",
            &"SHA-256".into(),
            iterations,
            &js_sys::Uint8Array::from(salt),
        );
        let bits = JsFuture::from(subtle.derive_bits_with_object(&params, &key, 256)?).await?;
        let bits = js_sys::Uint8Array::new(&bits);
        let mut out = [0u8; 32];
        if bits.length() as usize != out.len() {
            return Err("deriveBits returned an unexpected length".into());
        }
        bits.copy_to(&mut out);
        Ok(out)
    }
}
