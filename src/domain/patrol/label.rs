//! QR labels of checkpoints (PAT-1 签到): the SVG the app prints, and the decoder used where
//! the browser has no `BarcodeDetector` (iPads): `rqrr` over a grey-scale camera frame. Both
//! are pure Rust, so the round trip is tested natively.

use super::{label_text, parse_label};
use crate::domain::ids::RecordId;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The label of a checkpoint as an SVG document (black modules on white, quiet zone kept).
pub fn label_svg(checkpoint: RecordId) -> String {
    let code = QrCode::with_error_correction_level(label_text(checkpoint), EcLevel::M)
        .expect("a checkpoint label always fits a QR code");
    code.render::<svg::Color>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build()
}

/// The label as grey-scale pixels (`scale` pixels per module, 4-module quiet zone): used by
/// tests and by the fake-camera video of the end-to-end test.
pub fn label_luma(checkpoint: RecordId, scale: usize) -> (usize, Vec<u8>) {
    let code =
        QrCode::with_error_correction_level(label_text(checkpoint), EcLevel::M).expect("fits");
    let n = code.width();
    let side = (n + 8) * scale;
    let mut px = vec![255u8; side * side];
    for y in 0..n {
        for x in 0..n {
            if code[(x, y)] == qrcode::Color::Dark {
                for dy in 0..scale {
                    let row = (y + 4) * scale + dy;
                    let start = row * side + (x + 4) * scale;
                    px[start..start + scale].fill(0);
                }
            }
        }
    }
    (side, px)
}

/// Decodes every QR code in a grey-scale frame (`width` × `height`, one byte per pixel).
pub fn decode_luma(width: usize, height: usize, luma: &[u8]) -> Vec<String> {
    if width == 0 || height == 0 || luma.len() < width * height {
        return vec![];
    }
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| luma[y * width + x]);
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}

/// Decodes an RGBA frame (as a canvas gives it) and returns the first checkpoint label in it.
pub fn checkpoint_in_rgba(width: usize, height: usize, rgba: &[u8]) -> Option<RecordId> {
    if rgba.len() < width * height * 4 {
        return None;
    }
    let luma: Vec<u8> = rgba
        .chunks_exact(4)
        .map(|p| ((p[0] as u32 * 77 + p[1] as u32 * 150 + p[2] as u32 * 29) >> 8) as u8)
        .collect();
    decode_luma(width, height, &luma)
        .iter()
        .find_map(|t| parse_label(t).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::Id;

    #[test]
    fn pat1_a_printed_label_decodes_back_to_its_checkpoint_with_the_built_in_decoder() {
        let cp = Id::derived("checkpoint", 7);
        let (side, luma) = label_luma(cp, 6);
        let texts = decode_luma(side, side, &luma);
        assert_eq!(texts, vec![label_text(cp)]);
        // As a camera frame: RGBA, the label in a larger grey frame.
        let (w, h) = (side + 120, side + 80);
        let mut rgba = vec![200u8; w * h * 4];
        for y in 0..side {
            for x in 0..side {
                let v = luma[y * side + x];
                let i = ((y + 40) * w + x + 60) * 4;
                rgba[i..i + 3].fill(v);
            }
        }
        assert_eq!(checkpoint_in_rgba(w, h, &rgba), Some(cp));
        assert_eq!(checkpoint_in_rgba(w, h, &vec![128u8; w * h * 4]), None);
    }

    #[test]
    fn pat1_label_svg_is_a_qr_drawing_without_user_text() {
        let svg = label_svg(Id::derived("checkpoint", 1));
        assert!(svg.contains("<svg") && svg.contains("#000000"));
    }
}
