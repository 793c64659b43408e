//! Fuzz target: arbitrary bytes as a FITS upload. Errors are fine; panics, overflows and
//! out-of-memory allocations are bugs. Accepted maps go through the shape checks and
//! resampling as the page would.
#![no_main]

use galmass_core::upload::{
    KinematicMaps, Limits, MapFormat, check_kinematic_shape, read_map, resample_kinematic,
    resample_surface_brightness,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_pixels: 1024 * 1024,
        ..Limits::default()
    };
    if let Ok(m) = read_map(data, MapFormat::Fits, &limits) {
        if m.planes == 1 && m.width == m.height && m.width > 0 {
            let _ = resample_surface_brightness(&m.data, m.width, 8);
        }
        if check_kinematic_shape(&m, 8).is_ok()
            && let Ok(k) = KinematicMaps::from_map(&m)
        {
            let _ = resample_kinematic(&k, 5);
        }
    }
});
