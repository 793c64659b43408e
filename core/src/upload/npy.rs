//! NumPy `.npy` arrays (format versions 1.0, 2.0, 3.0): dtypes `f4 f8 i1 i2 i4 i8 u1 u2 u4 u8`
//! in either byte order, C or Fortran order, shape (H, W) or (P, H, W).
//!
//! The preamble and the header dictionary are parsed here first, strictly (only the three
//! keys numpy writes, simple literals), and the declared array is checked against [`Limits`]
//! and against the bytes present before `npyz` is used. `npyz` 0.8 cannot be handed raw
//! bytes: it allocates the header buffer from the 32-bit length in the preamble before
//! knowing whether the bytes exist (up to 4 GiB), multiplies the shape as u64 without overflow
//! checks, and feeds the text to a general Python-literal parser. With the header validated,
//! `npyz` decodes the values (byte order and dtype), and the file length must equal header +
//! data exactly. Values are converted to f32 (integers exactly up to 2²⁴).

use npyz::NpyFile;

use super::validate::{Limits, check_declared};
use super::{Map2d, UploadError};

/// Longest header dictionary accepted (numpy writes < 200 bytes).
const MAX_HEADER: usize = 64 * 1024;

fn bad(reason: impl Into<String>) -> UploadError {
    UploadError::BadHeader {
        format: "NPY",
        reason: reason.into(),
    }
}

/// Element type of the array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    F,
    I,
    U,
}

/// What the header dictionary says.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Header {
    kind: Kind,
    size: u64,
    fortran: bool,
    shape: Vec<u64>,
    /// Offset of the data.
    data_start: usize,
}

/// A value of the header dictionary.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Lit {
    Str(String),
    Bool(bool),
    Tuple(Vec<u64>),
}

/// A strict parser for numpy's header dict: `{'key': value, ...}` with string, bool or
/// tuple/list-of-integers values.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn string(&mut self) -> Result<String, UploadError> {
        self.ws();
        let q = *self.s.get(self.i).ok_or_else(|| bad("header ends early"))?;
        if q != b'\'' && q != b'"' {
            return Err(bad("expected a quoted string in the header"));
        }
        let start = self.i + 1;
        let len = self.s[start..]
            .iter()
            .position(|&c| c == q)
            .ok_or_else(|| bad("unterminated string in the header"))?;
        self.i = start + len + 1;
        std::str::from_utf8(&self.s[start..start + len])
            .map(str::to_owned)
            .map_err(|_| bad("header string is not UTF-8"))
    }

    fn int(&mut self) -> Result<u64, UploadError> {
        self.ws();
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        let txt = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
        if txt.is_empty() {
            return Err(bad("a shape entry is not a non-negative integer"));
        }
        // A dimension above u64 is as "too large" as any other: saturate, the limit refuses it.
        Ok(txt.parse::<u64>().unwrap_or(u64::MAX))
    }

    fn value(&mut self) -> Result<Lit, UploadError> {
        self.ws();
        match self.s.get(self.i) {
            Some(b'\'') | Some(b'"') => Ok(Lit::Str(self.string()?)),
            Some(b'(') | Some(b'[') => {
                let close = if self.s[self.i] == b'(' { b')' } else { b']' };
                self.i += 1;
                let mut v = Vec::new();
                loop {
                    if self.eat(close) {
                        break;
                    }
                    if v.len() >= 32 {
                        return Err(bad("more than 32 dimensions"));
                    }
                    v.push(self.int()?);
                    if !self.eat(b',') {
                        if self.eat(close) {
                            break;
                        }
                        return Err(bad("malformed shape tuple"));
                    }
                }
                Ok(Lit::Tuple(v))
            }
            _ => {
                let rest = &self.s[self.i..];
                if rest.starts_with(b"True") {
                    self.i += 4;
                    Ok(Lit::Bool(true))
                } else if rest.starts_with(b"False") {
                    self.i += 5;
                    Ok(Lit::Bool(false))
                } else {
                    Err(bad(
                        "unexpected value in the header (structured dtypes are not supported)",
                    ))
                }
            }
        }
    }

    fn dict(&mut self) -> Result<Vec<(String, Lit)>, UploadError> {
        if !self.eat(b'{') {
            return Err(bad("the header is not a dict"));
        }
        let mut out = Vec::new();
        loop {
            if self.eat(b'}') {
                break;
            }
            if out.len() >= 8 {
                return Err(bad("too many header keys"));
            }
            let k = self.string()?;
            if !self.eat(b':') {
                return Err(bad("expected ':' in the header"));
            }
            let v = self.value()?;
            out.push((k, v));
            if !self.eat(b',') {
                if self.eat(b'}') {
                    break;
                }
                return Err(bad("expected ',' or '}' in the header"));
            }
        }
        self.ws();
        if self.i != self.s.len() {
            return Err(bad("text after the header dict"));
        }
        Ok(out)
    }
}

/// Parses the preamble and header dict of an NPY file.
fn parse_header(bytes: &[u8]) -> Result<Header, UploadError> {
    if !bytes.starts_with(b"\x93NUMPY") || bytes.len() < 10 {
        return Err(UploadError::NotFormat {
            format: "NPY",
            reason: "no \\x93NUMPY magic".into(),
        });
    }
    let (len, start) = match (bytes[6], bytes[7]) {
        (1, 0) => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        (2, 0) | (3, 0) => {
            let b = bytes.get(8..12).ok_or_else(|| bad("preamble cut short"))?;
            (u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize, 12)
        }
        (a, b) => {
            return Err(UploadError::Unsupported {
                format: "NPY",
                reason: format!("format version {a}.{b}"),
            });
        }
    };
    if len > MAX_HEADER {
        return Err(bad(format!(
            "header length {len} bytes (numpy writes < 1 KiB)"
        )));
    }
    let text = bytes
        .get(start..start + len)
        .ok_or_else(|| UploadError::Truncated {
            expected: len as u64,
            present: (bytes.len() - start) as u64,
        })?;
    let mut p = Parser { s: text, i: 0 };
    let dict = p.dict()?;
    let get = |k: &str| dict.iter().find(|(key, _)| key == k).map(|(_, v)| v);
    if dict.len() != 3 {
        return Err(bad(
            "the header needs exactly 'descr', 'fortran_order' and 'shape'",
        ));
    }
    let descr = match get("descr") {
        Some(Lit::Str(s)) => s.clone(),
        _ => return Err(bad("'descr' is missing or not a string")),
    };
    let fortran = match get("fortran_order") {
        Some(Lit::Bool(b)) => *b,
        _ => return Err(bad("'fortran_order' is missing or not True/False")),
    };
    let shape = match get("shape") {
        Some(Lit::Tuple(v)) => v.clone(),
        _ => return Err(bad("'shape' is missing or not a tuple")),
    };
    let d = descr.as_bytes();
    let unsupported = || UploadError::Unsupported {
        format: "NPY",
        reason: format!(
            "dtype {descr:?}; use float32/float64 or an integer type (e.g. np.asarray(a, np.float32))"
        ),
    };
    if d.len() != 3 || !matches!(d[0], b'<' | b'>' | b'|' | b'=') {
        return Err(unsupported());
    }
    let kind = match d[1] {
        b'f' => Kind::F,
        b'i' => Kind::I,
        b'u' => Kind::U,
        _ => return Err(unsupported()),
    };
    let size = (d[2] as char).to_digit(10).ok_or_else(unsupported)? as u64;
    let ok = match kind {
        Kind::F => matches!(size, 4 | 8),
        Kind::I | Kind::U => matches!(size, 1 | 2 | 4 | 8),
    };
    if !ok {
        return Err(unsupported());
    }
    Ok(Header {
        kind,
        size,
        fortran,
        shape,
        data_start: start + len,
    })
}

/// Reads an NPY array (see the module docs) into a [`Map2d`].
pub fn read_npy(bytes: &[u8], limits: &Limits) -> Result<Map2d, UploadError> {
    let h = parse_header(bytes)?;
    let (planes, height, width) = match h.shape[..] {
        [hh, ww] => (1, hh, ww),
        [p, hh, ww] => (p, hh, ww),
        _ => {
            let dims: Vec<String> = h.shape.iter().map(u64::to_string).collect();
            return Err(UploadError::Shape {
                found: format!("({})", dims.join(", ")),
                needed: "(H, W), (2, H, W) or (3, H, W)".into(),
            });
        }
    };
    let present = (bytes.len() - h.data_start) as u64;
    let (n, nbytes) = check_declared(planes, height, width, h.size, present, limits)?;
    if present as usize != nbytes {
        return Err(UploadError::TrailingBytes {
            expected: nbytes as u64,
            extra: present - nbytes as u64,
        });
    }
    let file = NpyFile::new(bytes).map_err(|e| bad(format!("npyz: {e}")))?;
    if file.shape() != h.shape.as_slice() {
        return Err(bad("npyz reads the shape differently"));
    }
    let raw = decode(file, &h, n)?;
    let (p, hh, ww) = (planes as usize, height as usize, width as usize);
    let data = if h.fortran && n > 0 {
        // Fortran order: element (k, r, c) is stored at k + P·(r + H·c).
        let mut out = Vec::with_capacity(n);
        for k in 0..p {
            for r in 0..hh {
                for c in 0..ww {
                    out.push(raw[k + p * (r + hh * c)]);
                }
            }
        }
        out
    } else {
        raw
    };
    Ok(Map2d {
        planes: p,
        height: hh,
        width: ww,
        data,
    })
}

/// Decodes `n` values of the file's dtype to f32 with npyz.
fn decode(file: NpyFile<&[u8]>, h: &Header, n: usize) -> Result<Vec<f32>, UploadError> {
    fn collect<T: npyz::Deserialize>(
        file: NpyFile<&[u8]>,
        n: usize,
        f: impl Fn(T) -> f32,
    ) -> Result<Vec<f32>, UploadError> {
        let reader = file.data::<T>().map_err(|e| bad(format!("npyz: {e}")))?;
        let mut out = Vec::with_capacity(n);
        for v in reader.take(n) {
            out.push(f(v.map_err(|e| bad(format!("npyz: {e}")))?));
        }
        if out.len() != n {
            return Err(bad("npyz returned fewer values than declared"));
        }
        Ok(out)
    }
    match (h.kind, h.size) {
        (Kind::F, 4) => collect::<f32>(file, n, |v| v),
        (Kind::F, 8) => collect::<f64>(file, n, |v| v as f32),
        (Kind::I, 1) => collect::<i8>(file, n, f32::from),
        (Kind::I, 2) => collect::<i16>(file, n, f32::from),
        (Kind::I, 4) => collect::<i32>(file, n, |v| v as f32),
        (Kind::I, 8) => collect::<i64>(file, n, |v| v as f32),
        (Kind::U, 1) => collect::<u8>(file, n, f32::from),
        (Kind::U, 2) => collect::<u16>(file, n, f32::from),
        (Kind::U, 4) => collect::<u32>(file, n, |v| v as f32),
        _ => collect::<u64>(file, n, |v| v as f32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An NPY 1.0 file with header dict `dict` (padded to 64 bytes as numpy does) and `data`.
    pub(crate) fn npy_file(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut h = dict.to_owned();
        while !(10 + h.len() + 1).is_multiple_of(64) {
            h.push(' ');
        }
        h.push('\n');
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        b.extend((h.len() as u16).to_le_bytes());
        b.extend(h.bytes());
        b.extend_from_slice(data);
        b
    }

    #[test]
    fn big_endian_fortran_int16() {
        // A (2, 3) array [[1, 2, 3], [4, 5, 6]] stored column by column, big-endian.
        let f: [i16; 6] = [1, 4, 2, 5, 3, 6];
        let data: Vec<u8> = f.iter().flat_map(|v| v.to_be_bytes()).collect();
        let b = npy_file(
            "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }",
            &data,
        );
        let m = read_npy(&b, &Limits::default()).unwrap();
        assert_eq!((m.planes, m.height, m.width), (1, 2, 3));
        assert_eq!(m.data, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    }

    #[test]
    fn header_errors() {
        let l = Limits::default();
        let huge = npy_file(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (31623, 31623), }",
            &[],
        );
        assert!(matches!(
            read_npy(&huge, &l),
            Err(UploadError::TooLarge { .. })
        ));
        let over = npy_file(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999, 2), }",
            &[],
        );
        assert!(matches!(
            read_npy(&over, &l),
            Err(UploadError::TooLarge { .. })
        ));
        let short = npy_file(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }",
            &[0u8; 100],
        );
        assert_eq!(
            read_npy(&short, &l),
            Err(UploadError::Truncated {
                expected: 128,
                present: 100
            })
        );
        let long = npy_file(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }",
            &[0u8; 40],
        );
        assert!(matches!(
            read_npy(&long, &l),
            Err(UploadError::TrailingBytes { extra: 8, .. })
        ));
        let s = npy_file(
            "{'descr': '<U4', 'fortran_order': False, 'shape': (2, 2), }",
            &[],
        );
        assert!(matches!(
            read_npy(&s, &l),
            Err(UploadError::Unsupported { .. })
        ));
        let s = npy_file(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (8,), }",
            &[0; 32],
        );
        assert!(matches!(read_npy(&s, &l), Err(UploadError::Shape { .. })));
        // A preamble claiming a 4 GiB header in a 16-byte file.
        let mut v2 = b"\x93NUMPY\x02\x00".to_vec();
        v2.extend(u32::MAX.to_le_bytes());
        v2.extend(b"{}  ");
        assert!(matches!(
            read_npy(&v2, &l),
            Err(UploadError::BadHeader { .. })
        ));
    }
}
