//! Fuzz target: arbitrary bytes as a model bundle, as given and with a repaired trailing
//! CRC-32 (so that mutations reach the manifest and payload decoding).
#![no_main]

use galmass_core::bundle::Bundle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Bundle::from_bytes(data);
    if data.len() >= 4 {
        let mut v = data.to_vec();
        let n = v.len() - 4;
        let crc = crc32(&v[..n]);
        v[n..].copy_from_slice(&crc.to_le_bytes());
        if let Ok(b) = Bundle::from_bytes(&v) {
            let _ = b.gbdt_models();
            let _ = b.manifest.check_inputs(&[("r", &[60, 60])]);
            let _ = b.to_bytes();
        }
    }
});

/// CRC-32 (IEEE, reflected, as zlib), bitwise.
fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 };
        }
    }
    !c
}
