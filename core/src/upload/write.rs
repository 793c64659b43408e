//! Writing maps as files the upload readers take back: FITS (one primary image, IEEE f32) and
//! NPY (f32, C order). Used for the example files of `galmass dataset examples --files` and
//! the web page's "files to try" (the same bytes from both), and for saliency maps.
//!
//! `fitsrs` 0.3 reads FITS only, so the FITS writer is here: the format of a primary image is
//! small (FITS 4.0 §3–4): 80-character header cards in 2880-byte blocks padded with spaces,
//! `END`, then the big-endian pixels padded with zeros to a whole block. NAXIS1 is the column
//! (fast) axis, as the reader ([`super::fits`]) takes it.

use npyz::WriterBuilder;

const BLOCK: usize = 2880;
const CARD: usize = 80;

/// A header value.
#[derive(Clone, Debug, PartialEq)]
pub enum CardValue {
    /// A string (single-quoted; quotes doubled).
    Text(String),
    /// A real number, written so that it reads back exactly (Rust's shortest round-trip form).
    Real(f64),
    /// An integer.
    Int(i64),
}

/// One header card: keyword (≤ 8 characters of A–Z, 0–9, `-`, `_`), value and comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Card {
    /// Keyword, upper case, at most 8 characters.
    pub key: &'static str,
    /// Value.
    pub value: CardValue,
    /// Comment (cut to what fits on the card).
    pub comment: String,
}

impl Card {
    /// A card from its parts.
    pub fn new(key: &'static str, value: CardValue, comment: impl Into<String>) -> Self {
        Self {
            key,
            value,
            comment: comment.into(),
        }
    }

    /// The 80 bytes of the card (non-ASCII characters of text and comments become `?`).
    fn bytes(&self) -> [u8; CARD] {
        let value = match &self.value {
            CardValue::Text(s) => format!("'{:<8}'", s.replace('\'', "''")),
            CardValue::Real(v) => {
                let s = format!("{v:?}").to_uppercase();
                format!("{s:>20}")
            }
            CardValue::Int(v) => format!("{v:>20}"),
        };
        let mut line = format!("{:<8}= {value}", self.key);
        if !self.comment.is_empty() {
            line.push_str(" / ");
            line.push_str(&self.comment);
        }
        let mut out = [b' '; CARD];
        for (o, c) in out.iter_mut().zip(line.chars()) {
            *o = if c.is_ascii() && !c.is_ascii_control() {
                c as u8
            } else {
                b'?'
            };
        }
        out
    }
}

/// A FITS file holding `data` (`planes` × `height` × `width`, plane-major then row-major, as
/// [`super::Map2d`]) as a primary image of IEEE f32 (BITPIX = −32); NAXIS = 2 for one plane,
/// else 3. `cards` follow the mandatory ones.
pub fn fits_image(
    planes: usize,
    height: usize,
    width: usize,
    data: &[f32],
    cards: &[Card],
) -> Vec<u8> {
    debug_assert_eq!(data.len(), planes * height * width);
    let mut head = vec![
        Card::new("SIMPLE", CardValue::Text(String::new()), ""),
        Card::new("BITPIX", CardValue::Int(-32), "IEEE single precision"),
    ];
    let naxis = if planes == 1 { 2 } else { 3 };
    head.push(Card::new("NAXIS", CardValue::Int(naxis), ""));
    head.push(Card::new("NAXIS1", CardValue::Int(width as i64), "columns"));
    head.push(Card::new("NAXIS2", CardValue::Int(height as i64), "rows"));
    if naxis == 3 {
        head.push(Card::new("NAXIS3", CardValue::Int(planes as i64), "planes"));
    }
    let mut out = Vec::with_capacity(BLOCK * (2 + data.len() * 4 / BLOCK));
    for (k, c) in head.iter().chain(cards).enumerate() {
        if k == 0 {
            // SIMPLE takes the logical T in column 30.
            let mut b = [b' '; CARD];
            let s = format!("{:<8}= {:>20} / conforms to FITS 4.0", "SIMPLE", "T");
            b[..s.len()].copy_from_slice(s.as_bytes());
            out.extend_from_slice(&b);
        } else {
            out.extend_from_slice(&c.bytes());
        }
    }
    let mut end = [b' '; CARD];
    end[..3].copy_from_slice(b"END");
    out.extend_from_slice(&end);
    out.resize(out.len().div_ceil(BLOCK) * BLOCK, b' ');
    for v in data {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.resize(out.len().div_ceil(BLOCK) * BLOCK, 0);
    out
}

/// An NPY file (format 1.0, little-endian f32, C order) of `data` with `shape`.
pub fn npy_f32(shape: &[usize], data: &[f32]) -> Vec<u8> {
    debug_assert_eq!(data.len(), shape.iter().product::<usize>());
    let shape: Vec<u64> = shape.iter().map(|&s| s as u64).collect();
    let mut out = Vec::new();
    let written = npyz::WriteOptions::<f32>::new()
        .default_dtype()
        .shape(&shape)
        .writer(&mut out)
        .begin_nd()
        .and_then(|mut w| {
            w.extend(data.iter().copied())?;
            w.finish()
        });
    // Writing into a Vec cannot fail.
    debug_assert!(written.is_ok());
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Limits, MapFormat, read_map};
    use super::*;

    fn cube() -> (usize, usize, usize, Vec<f32>) {
        let (p, h, w) = (3, 4, 5);
        let data = (0..p * h * w).map(|k| k as f32 * 0.37 - 3.0).collect();
        (p, h, w, data)
    }

    /// A written FITS image reads back (through fitsrs) as the same planes, rows and columns;
    /// the file is whole 2880-byte blocks and the header cards are 80 characters.
    #[test]
    fn fits_round_trip() {
        let (p, h, w, data) = cube();
        let cards = [
            Card::new("BUNIT", CardValue::Text("km/s".into()), "unit"),
            Card::new("RHSM_KPC", CardValue::Real(4.460_147_565_873_429), "R_hsm"),
            Card::new("GALAXY", CardValue::Int(42), "id"),
        ];
        for (planes, n) in [(1, h * w), (p, p * h * w)] {
            let bytes = fits_image(planes, h, w, &data[..n], &cards);
            assert_eq!(bytes.len() % BLOCK, 0);
            let map = read_map(&bytes, MapFormat::Fits, &Limits::default()).unwrap();
            assert_eq!((map.planes, map.height, map.width), (planes, h, w));
            assert_eq!(map.data, data[..n]);
        }
        let bytes = fits_image(1, h, w, &data[..h * w], &cards);
        let text = String::from_utf8_lossy(&bytes[..BLOCK]);
        assert!(text.contains("RHSM_KPC=    4.460147565873429 / R_hsm"));
        assert!(text.contains("BUNIT   = 'km/s    ' / unit"));
        assert!(text.starts_with("SIMPLE  =                    T"));
    }

    /// A written NPY reads back as the same array, one plane or three.
    #[test]
    fn npy_round_trip() {
        let (p, h, w, data) = cube();
        let map = read_map(
            &npy_f32(&[p, h, w], &data),
            MapFormat::Npy,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!((map.planes, map.height, map.width), (p, h, w));
        assert_eq!(map.data, data);
        let map = read_map(
            &npy_f32(&[h, w], &data[..h * w]),
            MapFormat::Npy,
            &Limits::default(),
        )
        .unwrap();
        assert_eq!((map.planes, map.height, map.width), (1, h, w));
    }
}
