//! Optional encryption of an export file's body: AES-256-GCM (RustCrypto `aes-gcm`) with a key
//! from PBKDF2-HMAC-SHA256 (`pbkdf2`). The salt (16 bytes) and nonce (12 bytes) are random per
//! file and passed in by the caller (the domain never draws randomness itself). The magic line
//! and header are the associated data, so an edited header fails authentication.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use pbkdf2::pbkdf2_hmac;
use sha2::Sha256;

/// Iterations for real exports.
pub const EXPORT_ITERATIONS: u32 = 600_000;
/// The accepted range. The count is read from the file's header, which anyone can edit: a
/// huge count would hang the tablet, a tiny one would make guessing cheap.
pub const MIN_ITERATIONS: u32 = 1_000;
pub const MAX_ITERATIONS: u32 = 10_000_000;
pub const MIN_PASSPHRASE_CHARS: usize = 8;
pub const SALT_BYTES: usize = 16;
pub const NONCE_BYTES: usize = 12;
/// The GCM tag appended to the ciphertext.
pub const TAG_BYTES: usize = 16;
pub const CIPHER: &str = "AES-256-GCM";
pub const KDF: &str = "PBKDF2-HMAC-SHA256";

pub fn iterations_ok(iterations: u32) -> bool {
    (MIN_ITERATIONS..=MAX_ITERATIONS).contains(&iterations)
}

/// The 256-bit key for a passphrase (UTF-8 bytes as typed, not trimmed).
pub fn derive_key(passphrase: &str, salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut key = [0u8; 32];
    pbkdf2_hmac::<Sha256>(passphrase.as_bytes(), salt, iterations, &mut key);
    key
}

/// Encrypts; the result is the ciphertext followed by the 16-byte tag.
pub fn seal(
    key: &[u8; 32],
    nonce: &[u8; NONCE_BYTES],
    aad: &[u8],
    plaintext: &[u8],
) -> Option<Vec<u8>> {
    let cipher = Aes256Gcm::new(key.into());
    cipher
        .encrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .ok()
}

/// Decrypts and authenticates; `None` for a wrong key or altered ciphertext/associated data.
pub fn open(
    key: &[u8; 32],
    nonce: &[u8; NONCE_BYTES],
    aad: &[u8],
    ciphertext: &[u8],
) -> Option<Vec<u8>> {
    let cipher = Aes256Gcm::new(key.into());
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_then_open_round_trips_and_binds_the_associated_data() {
        let key = derive_key("correct horse", &[7; 16], MIN_ITERATIONS);
        let nonce = [9; 12];
        let sealed = seal(&key, &nonce, b"header", b"secret body").unwrap();
        assert_eq!(sealed.len(), b"secret body".len() + TAG_BYTES);
        assert_eq!(
            open(&key, &nonce, b"header", &sealed).unwrap(),
            b"secret body"
        );
        assert!(open(&key, &nonce, b"headeR", &sealed).is_none());
        let wrong = derive_key("wrong horse", &[7; 16], MIN_ITERATIONS);
        assert!(open(&wrong, &nonce, b"header", &sealed).is_none());
    }

    #[test]
    fn pbkdf2_sha256_matches_the_rfc_7914_test_vector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256("passwd", "salt", 1, 64) — first 32 bytes.
        let k = derive_key("passwd", b"salt", 1);
        assert_eq!(
            hex::encode(k),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
    }

    #[test]
    fn iteration_bounds() {
        assert!(!iterations_ok(999));
        assert!(iterations_ok(MIN_ITERATIONS));
        assert!(iterations_ok(EXPORT_ITERATIONS));
        assert!(!iterations_ok(MAX_ITERATIONS + 1));
    }
}
