//! PNG images as **relative brightness**, for the r image only: grey levels (8 or 16 bit) or
//! RGB(A) become values in [0, 1] — grey/max, or for colour the Rec. 709 luma
//! 0.2126 R + 0.7152 G + 0.0722 B of the code values (no gamma decoding: the levels are taken
//! as proportional to brightness); alpha is ignored; palette and 1/2/4-bit images are expanded
//! to 8 bits first. A PNG carries no physical units, so a model that needs the absolute surface
//! brightness (L☉ kpc⁻²) cannot use it for masses.
//!
//! Rows are flipped: row 0 of the [`Map2d`] is the bottom row of the picture (the FITS
//! convention, origin lower left). The width and height in the IHDR chunk are checked against
//! [`Limits`] before the decoder allocates its buffer.

use std::io::Cursor;

use png::{BitDepth, ColorType, Decoder, Transformations};

use super::validate::{Limits, check_declared};
use super::{Map2d, UploadError};

fn bad(reason: impl Into<String>) -> UploadError {
    UploadError::BadHeader {
        format: "PNG",
        reason: reason.into(),
    }
}

/// Reads a PNG as relative brightness in [0, 1] (see the module docs).
pub fn read_png(bytes: &[u8], limits: &Limits) -> Result<Map2d, UploadError> {
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(UploadError::NotFormat {
            format: "PNG",
            reason: "no PNG signature".into(),
        });
    }
    let mut dec = Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: usize::try_from(limits.max_bytes).unwrap_or(usize::MAX),
        },
    );
    dec.set_transformations(Transformations::EXPAND);
    let (w, h, px_bytes) = {
        let info = dec.read_header_info().map_err(|e| bad(e.to_string()))?;
        // Decoded bytes a pixel after EXPAND (palette → RGB(A), < 8 bits → 8 bits).
        let channels: u64 = match info.color_type {
            ColorType::Grayscale => 1,
            ColorType::GrayscaleAlpha => 2,
            ColorType::Rgb => 3,
            ColorType::Rgba | ColorType::Indexed => 4,
        };
        let bps: u64 = if info.bit_depth == BitDepth::Sixteen {
            2
        } else {
            1
        };
        (info.width as u64, info.height as u64, channels * bps)
    };
    // Compressed data cannot be compared with the declared size, so "present" is not limited
    // here (the decoder reports a short file); the decoded buffer is what is limited.
    check_declared(1, h, w, px_bytes, u64::MAX, limits)?;
    let mut reader = dec.read_info().map_err(|e| bad(e.to_string()))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| bad("image too large"))?;
    let mut buf = vec![0u8; size];
    let out = reader
        .next_frame(&mut buf)
        .map_err(|e| bad(format!("cannot decode the image: {e}")))?;
    let (color, depth) = (out.color_type, out.bit_depth);
    let channels = match color {
        ColorType::Grayscale => 1,
        ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb => 3,
        ColorType::Rgba => 4,
        ColorType::Indexed => return Err(bad("palette image was not expanded")),
    };
    let (w, h) = (out.width as usize, out.height as usize);
    let (bps, max) = match depth {
        BitDepth::Eight => (1, 255.0),
        BitDepth::Sixteen => (2, 65535.0),
        _ => return Err(bad("bit depth below 8 was not expanded")),
    };
    let line = out.line_size;
    let sample = |px: &[u8], c: usize| -> f64 {
        if bps == 1 {
            px[c] as f64
        } else {
            u16::from_be_bytes([px[2 * c], px[2 * c + 1]]) as f64
        }
    };
    let mut data = Vec::with_capacity(w * h);
    for row in (0..h).rev() {
        let line_bytes = buf
            .get(row * line..row * line + w * channels * bps)
            .ok_or_else(|| bad("decoded buffer shorter than the image"))?;
        for px in line_bytes.chunks_exact(channels * bps) {
            let v = if channels >= 3 {
                0.2126 * sample(px, 0) + 0.7152 * sample(px, 1) + 0.0722 * sample(px, 2)
            } else {
                sample(px, 0)
            };
            data.push((v / max) as f32);
        }
    }
    Ok(Map2d {
        planes: 1,
        height: h,
        width: w,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(w: u32, h: u32, color: ColorType, depth: BitDepth, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut e = png::Encoder::new(&mut out, w, h);
            e.set_color(color);
            e.set_depth(depth);
            let mut wr = e.write_header().unwrap();
            wr.write_image_data(data).unwrap();
        }
        out
    }

    /// 16-bit grey: value/65535, bottom row first.
    #[test]
    fn grey16_rows_flipped() {
        let px: [u16; 4] = [0, 65535, 32768, 13107];
        let data: Vec<u8> = px.iter().flat_map(|v| v.to_be_bytes()).collect();
        let b = encode(2, 2, ColorType::Grayscale, BitDepth::Sixteen, &data);
        let m = read_png(&b, &Limits::default()).unwrap();
        assert_eq!((m.height, m.width), (2, 2));
        let want = [32768.0 / 65535.0, 0.2, 0.0, 1.0];
        for (a, b) in m.data.iter().zip(want) {
            assert!((*a as f64 - b).abs() < 1e-7, "{a} vs {b}");
        }
    }

    /// RGBA 8-bit: Rec. 709 luma of the code values, alpha ignored.
    #[test]
    fn rgba_luma() {
        let data = [
            255u8, 0, 0, 17, 0, 255, 0, 255, 0, 0, 255, 0, 255, 255, 255, 1,
        ];
        let b = encode(4, 1, ColorType::Rgba, BitDepth::Eight, &data);
        let m = read_png(&b, &Limits::default()).unwrap();
        let want = [0.2126, 0.7152, 0.0722, 1.0];
        for (a, b) in m.data.iter().zip(want) {
            assert!((*a as f64 - b).abs() < 1e-6);
        }
    }

    /// An IHDR declaring 100000 × 100000 pixels is refused before decoding.
    #[test]
    fn huge_ihdr_refused() {
        let mut b = encode(1, 1, ColorType::Grayscale, BitDepth::Eight, &[7]);
        // IHDR data start at byte 16: width, height (big-endian), then its CRC at 29..33.
        b[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        b[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32fast::hash(&b[12..29]);
        b[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(
            read_png(&b, &Limits::default()),
            Err(UploadError::TooLarge { .. })
        ));
        assert!(read_png(&b[..20], &Limits::default()).is_err());
    }
}
