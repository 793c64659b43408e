//! FITS images (primary HDU, or the first IMAGE extension when the primary holds no data).
//!
//! The header is scanned here first, card by card (2880-byte blocks of 80-character cards),
//! and the declared array is checked against [`Limits`] and against the bytes present
//! *before* `fitsrs` is asked for the pixels. `fitsrs` 0.3 cannot be trusted with raw
//! headers: it multiplies NAXISn as u64 without overflow checks (a panic in debug builds), casts
//! a negative NAXISn to a huge u64, and slices its buffer without bounds checks when the data
//! are shorter than declared; its pixel iterator also stops silently at a truncated end.
//! With the header validated, `fitsrs` decodes the big-endian pixels, its own header reading
//! is cross-checked against ours, and the pixel count is checked.
//!
//! Physical values are BZERO + BSCALE × stored value (FITS 4.0 §5.3), computed in f64 and
//! stored as f32; an integer pixel equal to BLANK becomes NaN (and is then refused as
//! non-finite). BITPIX 8 is unsigned, 16/32/64 signed integers, −32/−64 IEEE floats.
//! Axes: NAXIS1 = columns, NAXIS2 = rows, NAXIS3 = planes (2 or 3: V, σ, mask); further
//! axes must have length 1.

use std::io::Cursor;

use fitsrs::{Fits, HDU, Pixels};

use super::validate::{Limits, check_declared};
use super::{Map2d, UploadError};

const BLOCK: usize = 2880;
const CARD: usize = 80;
/// Most HDUs scanned while looking for an image.
const MAX_HDUS: usize = 64;

fn bad(reason: impl Into<String>) -> UploadError {
    UploadError::BadHeader {
        format: "FITS",
        reason: reason.into(),
    }
}

fn unsupported(reason: impl Into<String>) -> UploadError {
    UploadError::Unsupported {
        format: "FITS",
        reason: reason.into(),
    }
}

/// What the scanner keeps of one HDU header.
#[derive(Clone, Debug, PartialEq)]
struct Header {
    /// True for the primary HDU, else the XTENSION value (trimmed).
    xtension: Option<String>,
    bitpix: i64,
    naxis: Vec<i64>,
    pcount: i64,
    gcount: i64,
    bscale: f64,
    bzero: f64,
    blank: Option<i64>,
    /// Bytes of the header (a multiple of 2880).
    header_len: usize,
}

/// A card's value field (columns 11–80) without its comment, trimmed.
fn card_value(card: &[u8]) -> Option<&str> {
    if card.len() < 10 || &card[8..10] != b"= " {
        return None;
    }
    let text = std::str::from_utf8(&card[10..]).ok()?;
    let t = text.trim_start();
    if t.starts_with('\'') {
        // A string: up to the closing quote ('' is an escaped quote).
        let b = t.as_bytes();
        let mut i = 1;
        while i < b.len() {
            if b[i] == b'\'' {
                if b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                return Some(&t[..=i]);
            }
            i += 1;
        }
        Some(t)
    } else {
        Some(t.split('/').next().unwrap_or("").trim())
    }
}

fn parse_int(key: &str, v: &str) -> Result<i64, UploadError> {
    v.parse::<i64>()
        .map_err(|_| bad(format!("{key} = {v:?} is not an integer")))
}

fn parse_float(key: &str, v: &str) -> Result<f64, UploadError> {
    let x = v
        .replace(['D', 'd'], "E")
        .parse::<f64>()
        .map_err(|_| bad(format!("{key} = {v:?} is not a number")))?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err(bad(format!("{key} = {v} is not finite")))
    }
}

/// True when `field` (a card's value field) does not start a string, or starts one that is
/// closed (`''` inside a string is an escaped quote).
fn string_closed(field: &[u8]) -> bool {
    let t = field.trim_ascii_start();
    if t.first() != Some(&b'\'') {
        return true;
    }
    let mut i = 1;
    while i < t.len() {
        if t[i] == b'\'' {
            if t.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return true;
        }
        i += 1;
    }
    false
}

/// Checks a card the way fitsrs will read it: FITS headers hold printable ASCII only
/// (FITS 4.0 §4.1), and a string value must be closed (fitsrs 0.3.4 panics on a value that is
/// a lone quote, in value, XTENSION and CONTINUE cards).
fn check_card(card: &[u8]) -> Result<(), UploadError> {
    if let Some(c) = card.iter().find(|&&c| !(0x20..=0x7e).contains(&c)) {
        return Err(bad(format!(
            "byte 0x{c:02x} in a header card (headers hold printable ASCII only)"
        )));
    }
    let field = match &card[..8] {
        b"CONTINUE" => &card[8..],
        b"XTENSION" => &card[10..],
        _ if &card[8..10] == b"= " => &card[10..],
        _ => return Ok(()),
    };
    if string_closed(field) {
        Ok(())
    } else {
        Err(bad(format!(
            "unterminated string in card {:?}",
            String::from_utf8_lossy(&card[..8]).trim_end()
        )))
    }
}

/// Scans the header starting at `start` (a block boundary) up to its END card.
fn scan_header(bytes: &[u8], start: usize, primary: bool) -> Result<Header, UploadError> {
    let mut h = Header {
        xtension: None,
        bitpix: 0,
        naxis: Vec::new(),
        pcount: 0,
        gcount: 1,
        bscale: 1.0,
        bzero: 0.0,
        blank: None,
        header_len: 0,
    };
    let mut naxis_n: Option<usize> = None;
    let mut seen_bitpix = false;
    let mut pos = start;
    let mut first = true;
    loop {
        let Some(card) = bytes.get(pos..pos + CARD) else {
            return Err(if first && pos == start {
                bad("no header")
            } else {
                bad("the header ends without an END card (truncated file?)")
            });
        };
        check_card(card)?;
        let key = std::str::from_utf8(&card[..8])
            .map_err(|_| bad("a keyword is not ASCII"))?
            .trim_end();
        if first {
            match (primary, key) {
                (true, "SIMPLE") => {
                    if card_value(card) != Some("T") {
                        return Err(bad("SIMPLE is not T"));
                    }
                }
                (false, "XTENSION") => {
                    let v = card_value(card).unwrap_or("");
                    h.xtension = Some(v.trim_matches('\'').trim().to_owned());
                }
                (true, _) => {
                    return Err(UploadError::NotFormat {
                        format: "FITS",
                        reason: "it does not start with SIMPLE  = T".into(),
                    });
                }
                (false, _) => return Err(bad("an extension does not start with XTENSION")),
            }
            first = false;
        } else if key == "END" {
            pos += CARD;
            break;
        } else if let Some(v) = card_value(card) {
            match key {
                "BITPIX" => {
                    h.bitpix = parse_int(key, v)?;
                    seen_bitpix = true;
                }
                "NAXIS" => {
                    let n = parse_int(key, v)?;
                    if !(0..=999).contains(&n) {
                        return Err(bad(format!("NAXIS = {n}")));
                    }
                    naxis_n = Some(n as usize);
                    h.naxis = vec![-1; n as usize];
                }
                "PCOUNT" => h.pcount = parse_int(key, v)?,
                "GCOUNT" => h.gcount = parse_int(key, v)?,
                "BSCALE" => h.bscale = parse_float(key, v)?,
                "BZERO" => h.bzero = parse_float(key, v)?,
                "BLANK" => h.blank = Some(parse_int(key, v)?),
                _ => {
                    if let Some(i) = key
                        .strip_prefix("NAXIS")
                        .and_then(|d| d.parse::<usize>().ok())
                    {
                        let n = naxis_n.ok_or_else(|| bad(format!("{key} before NAXIS")))?;
                        if i == 0 || i > n {
                            return Err(bad(format!("{key} but NAXIS = {n}")));
                        }
                        h.naxis[i - 1] = parse_int(key, v)?;
                    }
                }
            }
        }
        pos += CARD;
    }
    if !seen_bitpix {
        return Err(bad("no BITPIX"));
    }
    if naxis_n.is_none() {
        return Err(bad("no NAXIS"));
    }
    if let Some(i) = h.naxis.iter().position(|&n| n < 0) {
        return Err(bad(format!("NAXIS{} missing or negative", i + 1)));
    }
    if !matches!(h.bitpix, 8 | 16 | 32 | 64 | -32 | -64) {
        return Err(bad(format!("BITPIX = {}", h.bitpix)));
    }
    if h.pcount < 0 || h.gcount < 0 {
        return Err(bad("negative PCOUNT or GCOUNT"));
    }
    let used = pos - start;
    h.header_len = used.div_ceil(BLOCK) * BLOCK;
    Ok(h)
}

impl Header {
    /// Data bytes the header declares, unpadded (None on overflow).
    fn data_len(&self) -> Option<u64> {
        if self.naxis.is_empty() {
            return Some(0);
        }
        let mut n: u64 = 1;
        for &a in &self.naxis {
            n = n.checked_mul(a as u64)?;
        }
        let bytes = (self.bitpix.unsigned_abs()) / 8;
        n.checked_add(self.pcount as u64)?
            .checked_mul(self.gcount as u64)?
            .checked_mul(bytes)
    }

    fn has_pixels(&self) -> bool {
        self.naxis.len() >= 2 && self.naxis.iter().all(|&n| n > 0)
    }
}

/// Finds the image HDU: (index among HDUs, header, offset of its data).
fn locate_image(bytes: &[u8]) -> Result<(usize, Header, usize), UploadError> {
    let mut start = 0usize;
    for index in 0..MAX_HDUS {
        let h = scan_header(bytes, start, index == 0)?;
        let data_start = start + h.header_len;
        let is_image = index == 0 || h.xtension.as_deref() == Some("IMAGE");
        if is_image && h.has_pixels() {
            return Ok((index, h, data_start));
        }
        if index == 0 && h.naxis.len() == 1 {
            return Err(unsupported(
                "the primary array has one axis; an image needs two",
            ));
        }
        let len = h.data_len().ok_or_else(|| bad("a data size overflows"))?;
        let padded = len
            .div_ceil(BLOCK as u64)
            .checked_mul(BLOCK as u64)
            .ok_or_else(|| bad("a data size overflows"))?;
        let next = (data_start as u64).saturating_add(padded);
        if next >= bytes.len() as u64 {
            return Err(unsupported(
                "no image: neither the primary HDU nor an IMAGE extension holds a 2-D array",
            ));
        }
        start = next as usize;
    }
    Err(unsupported(format!(
        "no image in the first {MAX_HDUS} HDUs"
    )))
}

/// Reads the image of a FITS file (see the module docs). Planes from NAXIS3 (1 when NAXIS = 2).
pub fn read_fits(bytes: &[u8], limits: &Limits) -> Result<Map2d, UploadError> {
    if !bytes.starts_with(b"SIMPLE  =") {
        return Err(UploadError::NotFormat {
            format: "FITS",
            reason: "it does not start with SIMPLE  = T".into(),
        });
    }
    let (index, h, data_start) = locate_image(bytes)?;
    let width = h.naxis[0] as u64;
    let height = h.naxis[1] as u64;
    let planes = h.naxis.get(2).map_or(1, |&p| p as u64);
    if let Some(k) = h.naxis.iter().skip(3).position(|&n| n != 1) {
        return Err(unsupported(format!(
            "NAXIS{} = {}; axes beyond the third must have length 1",
            k + 4,
            h.naxis[k + 3]
        )));
    }
    if planes > limits.max_planes {
        return Err(unsupported(format!(
            "NAXIS3 = {planes} planes; a kinematic cube has 2 (V, σ) or 3 (V, σ, mask)"
        )));
    }
    if h.pcount != 0 || h.gcount != 1 {
        return Err(unsupported("random groups or PCOUNT/GCOUNT in an image"));
    }
    let elem = h.bitpix.unsigned_abs() / 8;
    // The header's last block may be cut short: then no data are present.
    let present = bytes.len().saturating_sub(data_start) as u64;
    let (n, _) = check_declared(planes, height, width, elem, present, limits)?;

    let values = decode_with_fitsrs(bytes, index, &h, n)?;
    Ok(Map2d {
        planes: planes as usize,
        height: height as usize,
        width: width as usize,
        data: values,
    })
}

/// Reads `n` physical values of HDU `index` with fitsrs, after our checks.
fn decode_with_fitsrs(
    bytes: &[u8],
    index: usize,
    h: &Header,
    n: usize,
) -> Result<Vec<f32>, UploadError> {
    let mut fits = Fits::from_reader(Cursor::new(bytes));
    let mut hdu = None;
    for _ in 0..=index {
        hdu = match fits.next() {
            Some(Ok(x)) => Some(x),
            Some(Err(e)) => return Err(bad(format!("fitsrs: {e}"))),
            None => return Err(bad("fitsrs found fewer HDUs than the header scan")),
        };
    }
    let hdu = match hdu {
        Some(HDU::Primary(x)) | Some(HDU::XImage(x)) => x,
        _ => return Err(bad("fitsrs does not read this HDU as an image")),
    };
    let xt = hdu.get_header().get_xtension();
    let agrees = xt.get_naxis() == h.naxis.len()
        && (1..=h.naxis.len()).all(|i| xt.get_naxisn(i).copied() == Some(h.naxis[i - 1] as u64))
        && xt.get_bitpix() as i64 == h.bitpix;
    if !agrees {
        return Err(bad(
            "fitsrs reads the header differently (BITPIX or NAXISn)",
        ));
    }
    let (scale, zero) = (h.bscale, h.bzero);
    let phys = |raw: f64| (zero + scale * raw) as f32;
    let blank = h.blank;
    let int = |raw: i64| {
        if Some(raw) == blank {
            f32::NAN
        } else {
            phys(raw as f64)
        }
    };
    let mut out = Vec::with_capacity(n);
    match fits.get_data(&hdu).pixels() {
        Pixels::U8(it) => out.extend(it.take(n).map(|v| int(v as i64))),
        Pixels::I16(it) => out.extend(it.take(n).map(|v| int(v as i64))),
        Pixels::I32(it) => out.extend(it.take(n).map(|v| int(v as i64))),
        Pixels::I64(it) => out.extend(it.take(n).map(int)),
        Pixels::F32(it) => out.extend(it.take(n).map(|v| phys(v as f64))),
        Pixels::F64(it) => out.extend(it.take(n).map(phys)),
    }
    if out.len() != n {
        return Err(UploadError::Truncated {
            expected: n as u64 * (h.bitpix.unsigned_abs() / 8),
            present: out.len() as u64 * (h.bitpix.unsigned_abs() / 8),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal FITS file: header cards padded to 2880, then `data` padded to 2880.
    pub(crate) fn fits_file(cards: &[String], data: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        for c in cards.iter().map(String::as_str).chain(["END"]) {
            b.extend(format!("{c:<80}").bytes());
        }
        b.resize(b.len().div_ceil(BLOCK) * BLOCK, b' ');
        b.extend_from_slice(data);
        b.resize(b.len().div_ceil(BLOCK) * BLOCK, 0);
        b
    }

    fn card(k: &str, v: &str) -> String {
        format!("{k:<8}= {v:>20}")
    }

    /// BITPIX 16 with BSCALE/BZERO: physical = BZERO + BSCALE·raw, the BLANK value → NaN.
    #[test]
    fn int16_with_scaling_and_blank() {
        let raw: [i16; 6] = [0, 1, -2, 300, -32768, 7];
        let data: Vec<u8> = raw.iter().flat_map(|v| v.to_be_bytes()).collect();
        let cards = [
            card("SIMPLE", "T"),
            card("BITPIX", "16"),
            card("NAXIS", "2"),
            card("NAXIS1", "3"),
            card("NAXIS2", "2"),
            card("BSCALE", "0.5D0"),
            card("BZERO", "10.0"),
            card("BLANK", "-32768"),
        ];
        let m = read_fits(&fits_file(&cards, &data), &Limits::default()).unwrap();
        assert_eq!((m.planes, m.height, m.width), (1, 2, 3));
        assert_eq!(&m.data[..4], &[10.0, 10.5, 9.0, 160.0]);
        assert!(m.data[4].is_nan());
        assert_eq!(m.data[5], 13.5);
    }

    /// An empty primary HDU followed by an IMAGE extension holding a (2, 2, 2) float cube.
    #[test]
    fn image_extension_cube() {
        let mut b = fits_file(
            &[card("SIMPLE", "T"), card("BITPIX", "8"), card("NAXIS", "0")],
            &[],
        );
        let vals: Vec<f64> = (0..8).map(|i| i as f64 * 1.5 - 3.0).collect();
        let data: Vec<u8> = vals.iter().flat_map(|v| v.to_be_bytes()).collect();
        b.extend(fits_file(
            &[
                card("XTENSION", "'IMAGE   '"),
                card("BITPIX", "-64"),
                card("NAXIS", "3"),
                card("NAXIS1", "2"),
                card("NAXIS2", "2"),
                card("NAXIS3", "2"),
                card("PCOUNT", "0"),
                card("GCOUNT", "1"),
            ],
            &data,
        ));
        let m = read_fits(&b, &Limits::default()).unwrap();
        assert_eq!((m.planes, m.height, m.width), (2, 2, 2));
        let want: Vec<f32> = vals.iter().map(|&v| v as f32).collect();
        assert_eq!(m.data, want);
    }

    /// 10⁹ pixels declared in a 2880-byte file: refused by the limit, nothing allocated;
    /// a file cut inside the data: truncated.
    #[test]
    fn huge_and_truncated_headers() {
        let cards = [
            card("SIMPLE", "T"),
            card("BITPIX", "-32"),
            card("NAXIS", "2"),
            card("NAXIS1", "31623"),
            card("NAXIS2", "31623"),
        ];
        let b = fits_file(&cards, &[]);
        assert!(matches!(
            read_fits(&b, &Limits::default()),
            Err(UploadError::TooLarge { .. })
        ));
        let cards = [
            card("SIMPLE", "T"),
            card("BITPIX", "-32"),
            card("NAXIS", "2"),
            card("NAXIS1", "40"),
            card("NAXIS2", "40"),
        ];
        let b = fits_file(&cards, &[0u8; 6400]);
        assert!(read_fits(&b, &Limits::default()).is_ok());
        assert_eq!(
            read_fits(&b[..2880 + 5000], &Limits::default()),
            Err(UploadError::Truncated {
                expected: 6400,
                present: 5000
            })
        );
        let neg = [
            card("SIMPLE", "T"),
            card("BITPIX", "-32"),
            card("NAXIS", "2"),
            card("NAXIS1", "-4"),
            card("NAXIS2", "4"),
        ];
        assert!(matches!(
            read_fits(&fits_file(&neg, &[0; 64]), &Limits::default()),
            Err(UploadError::BadHeader { .. })
        ));
        // A lone quote as a value (fitsrs 0.3.4 panics on it) and a control byte.
        for c in [
            "OBJECT  = '",
            "XTENSION  '",
            "CONTINUE  '   ",
            "OBJECT  = 'a\u{7}'",
        ] {
            let mut cards = cards.to_vec();
            cards.push(c.to_owned());
            assert!(
                matches!(
                    read_fits(&fits_file(&cards, &[0u8; 6400]), &Limits::default()),
                    Err(UploadError::BadHeader { .. })
                ),
                "{c}"
            );
        }
        assert!(matches!(
            read_fits(b"SIMPLE  =                    T", &Limits::default()),
            Err(UploadError::BadHeader { .. })
        ));
    }
}
