//! Stored JSON as compressed bytes (issue 13): a segment's events and a view's folded state
//! are written as one LZ4 block instead of JS strings. Measured in the page (docs/
//! PERFORMANCE.md "session 18"): Chromium keeps a string holding any character above U+00FF
//! as two bytes a character, so the estate's Chinese text doubled what LevelDB wrote, and
//! the JSON compresses to about a quarter. The pure part lives here; `idb.rs` stores the
//! bytes as a `Uint8Array` and reads both these and the strings older builds wrote.

use super::StoreError;

/// The first byte of a packed value: what follows is an LZ4 block with its length
/// (lz4_flex's `compress_prepend_size`). Another tag is refused, never guessed at.
const LZ4: u8 = 1;

/// `text` packed.
pub fn pack(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 3 + 16);
    out.push(LZ4);
    out.extend(lz4_flex::block::compress_prepend_size(text.as_bytes()));
    out
}

/// The text `pack` made of `bytes`, or a store error for anything else (a truncated or
/// corrupt row reads as unreadable, never as other text).
pub fn unpack(bytes: &[u8]) -> Result<String, StoreError> {
    let bad = |why: &str| StoreError::Other(format!("stored record unreadable: {why}"));
    match bytes.split_first() {
        Some((&LZ4, rest)) => {
            let (size, block) = rest.split_at_checked(4).ok_or_else(|| bad("truncated"))?;
            let size = u32::from_le_bytes(size.try_into().expect("4 bytes")) as usize;
            // LZ4 expands at most ~255×: a larger claim is a corrupt length, refused before
            // it becomes an allocation.
            if size > block.len().saturating_mul(255) + 16 {
                return Err(bad("length out of range"));
            }
            let raw = lz4_flex::block::decompress(block, size).map_err(|e| bad(&e.to_string()))?;
            if raw.len() != size {
                return Err(bad("truncated"));
            }
            String::from_utf8(raw).map_err(|_| bad("not UTF-8"))
        }
        Some((tag, _)) => Err(bad(&format!("unknown packing {tag}"))),
        None => Err(bad("empty")),
    }
}

/// The byte ranges of the lines of a segment's text: its events' JSON joined by `\n`
/// (serde_json escapes every control character inside a string, so a JSON text never holds a
/// raw newline).
pub fn line_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push(start..i);
            start = i + 1;
        }
    }
    out.push(start..text.len());
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn packed_json_of_a_segment_is_a_fraction_of_its_text() {
        let line =
            r#"{"id":"5d0c…","body":{"type":"Complaint","text":"业主反映3栋2单元电梯异响"}}"#;
        let text = vec![line; 100].join("\n");
        let packed = pack(&text);
        assert!(
            packed.len() * 4 < text.len(),
            "{} of {}",
            packed.len(),
            text.len()
        );
        assert_eq!(unpack(&packed).unwrap(), text);
    }

    #[test]
    fn truncated_corrupt_or_foreign_bytes_are_refused_not_misread() {
        let packed = pack(&"业主报修：楼道灯不亮。".repeat(50));
        for cut in [0, 1, 3, packed.len() / 2, packed.len() - 1] {
            assert!(unpack(&packed[..cut]).is_err(), "cut at {cut}");
        }
        let mut other = packed.clone();
        other[0] = 2;
        assert!(unpack(&other).is_err());
        // A length that claims more than the block holds.
        let mut long = packed.clone();
        long[4] = 0x7f;
        assert!(unpack(&long).is_err());
    }

    proptest! {
        #[test]
        fn pack_then_unpack_gives_the_text_back(text in ".{0,400}") {
            prop_assert_eq!(unpack(&pack(&text)).unwrap(), text);
        }

        #[test]
        fn lines_joined_split_at_their_ranges(lines in prop::collection::vec("[^\n]{0,40}", 1..20)) {
            let text = lines.join("\n");
            let back: Vec<&str> = line_ranges(&text).into_iter().map(|r| &text[r]).collect();
            prop_assert_eq!(back, lines.iter().map(String::as_str).collect::<Vec<_>>());
        }

        #[test]
        fn any_bytes_unpack_to_an_error_or_text_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = unpack(&bytes);
        }
    }
}
