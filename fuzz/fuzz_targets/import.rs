//! Fuzzes the `.wuye` file parser and the import analysis with arbitrary bytes.
//!
//! The first byte picks a mode so the fuzzer gets past the checksum too:
//! - 0: the bytes as a file, as they come;
//! - 1: the bytes with a correct SHA-256 trailer appended (exercises header and body parsing);
//! - 2: the bytes as a body, wrapped in a valid plain header with a correct trailer;
//! - 3: the bytes as a body, encrypted with a known passphrase (exercises decryption and the
//!   body parser behind it).
//!
//! Every mode is analysed twice: with and without a passphrase, against an empty tablet and
//! against a tablet that holds a small estate. Nothing may panic.
#![no_main]

use estate_desk::sync::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzzing::run(data);
});
