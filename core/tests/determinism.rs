//! The same seed gives bit-identical mock galaxies on every platform.
//!
//! This file runs twice in CI: natively (`cargo test`) and compiled to wasm32 under
//! `wasm-bindgen-test-runner` (Node). Both runs must reproduce the same FNV-1a digest of every
//! particle bit of a few galaxies, so native and browser generation agree bit for bit.

// Test, not the library: it may unwrap, read files and use the clock (the wasm32-safe
// rules of core/clippy.toml are for the library itself).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use galmass_core::galaxy::Galaxy;
use galmass_core::mock::{MockOptions, generate, selected_indices};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// FNV-1a over the bit patterns of every particle array of a galaxy.
fn digest(g: &Galaxy, mut h: u64) -> u64 {
    let mut eat = |x: f32| {
        for b in x.to_bits().to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    let s = &g.stars;
    for v in [&s.pos, &s.vel, &g.dm.pos, &g.dm.vel, &g.gas.pos, &g.gas.vel] {
        v.iter().flatten().for_each(|&x| eat(x));
    }
    for v in [
        &s.mass,
        &s.mass_init,
        &s.age,
        &s.metallicity,
        &s.lum_g,
        &s.lum_r,
        &g.dm.mass,
        &g.gas.mass,
    ] {
        v.iter().for_each(|&x| eat(x));
    }
    h
}

/// Digest of the first three selected galaxies of seed 7 with default options, as computed
/// natively on x86_64; the wasm32 run must give the same number.
const EXPECTED: u64 = 0xe4ca_1112_1aab_a329;

#[test]
fn mock_galaxies_are_bit_identical_across_platforms() {
    let opts = MockOptions::default();
    let mut h = 0xcbf2_9ce4_8422_2325;
    for index in selected_indices(7, 3, &opts) {
        let mock = generate(7, index, &opts).expect("selected draw realises");
        h = digest(&mock.galaxy, h);
    }
    assert_eq!(h, EXPECTED, "digest {h:#018x}");
}

/// FNV-1a over f32 values.
fn digest_f32(values: impl IntoIterator<Item = f32>, mut h: u64) -> u64 {
    for x in values {
        for b in x.to_bits().to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Digest of the default Classroom galaxy's maps (r, g, V and σ, mask) and of its true
/// log M*, log Mtot (rounded to f32), as computed natively on x86_64: the page shows what
/// the native code computes.
const EXPECTED_CLASSROOM: u64 = 0x0808_1a72_4ecc_04f2;

#[test]
fn the_classroom_galaxy_is_the_same_in_the_browser() {
    use galmass_core::classroom::{Controls, build};
    let g = build(&Controls::default(), 60).expect("default Classroom galaxy");
    let m = &g.maps;
    let mut h = digest_f32(
        m.r.iter().chain(&m.g).chain(&m.vel).copied(),
        0xcbf2_9ce4_8422_2325,
    );
    h = digest_f32(m.vel_mask.iter().map(|&k| f32::from(k)), h);
    h = digest_f32([g.targets.mstar as f32, g.targets.mtot as f32], h);
    assert_eq!(h, EXPECTED_CLASSROOM, "digest {h:#018x}");
}
