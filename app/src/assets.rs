//! What the page carries compiled in, so nothing is fetched at run time: the default model
//! bundles and the gallery's galaxies (each rebuilt by the commands in the README beside it
//! under `www/`).

/// The default GBDT bundle: the paper's GBDT for log10 M* and log10 Mtot inside R_hsm from
/// the ten summary features (`www/models/README.md`).
pub const GBDT_BUNDLE: &[u8] = include_bytes!("../../www/models/gbdt.bundle");

/// The default CNN: an ensemble of three bundles (g, r light as one two-channel branch + the
/// kinematic maps + log R_hsm → M*, Mtot) trained alike with seeds 1, 2, 3
/// (`www/models/README.md`).
pub const CNN_BUNDLES: [&[u8]; 3] = [
    include_bytes!("../../www/models/cnn.bundle"),
    include_bytes!("../../www/models/cnn-2.bundle"),
    include_bytes!("../../www/models/cnn-3.bundle"),
];

/// The gallery's galaxies (`galmass_core::gallery::Gallery` as JSON, written by
/// `galmass dataset examples`; `www/examples/README.md`).
pub const GALLERY_JSON: &str = include_str!("../../www/examples/gallery.json");

/// The observed-conditions CNN (beyond the paper): one multi-branch ResNet-18 (g, r light as
/// one two-channel branch + the kinematic maps + log R_e → M*, Mtot) trained on MaNGA-like
/// maps laid on ±3 R_e (`www/models/README.md`); the maps card runs it for observed maps.
pub const CNN_OBSERVED_BUNDLE: &[u8] = include_bytes!("../../www/models/cnn-observed.bundle");

/// The degradation study behind the model card (`galmass degradation`'s degradation.json;
/// `www/models/README.md`).
pub const DEGRADATION_JSON: &str = include_str!("../../www/models/degradation.json");

/// The cross-physics test behind the model card's limitations (`galmass cross-physics`'s
/// cross_physics.json; `www/models/README.md`).
pub const CROSS_PHYSICS_JSON: &str = include_str!("../../www/models/cross_physics.json");
