//! Named physics variants of the mock generator (beyond the paper; galaxy-model.md §9):
//! harder, more varied mock galaxies than the spec's, each a [`MockOptions`] preset. `galmass … --physics <name>` picks one; individual flags
//! still override its options, and dataset files record the name and the options used.

use super::{Bursts, HaloResponse, MockOptions};

/// σ of the per-galaxy IMF offset of `ml-scatter` and `hard`, dex.
pub const ML_SCATTER_IMF_DEX: f64 = 0.08;
/// Size offset of `tng-sizes` and `hard`, dex.
pub const TNG_SIZE_OFFSET_DEX: f64 = 0.15;

/// A named set of generator options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PhysicsVariant {
    /// The spec's generator (galaxy-model.md Sections 1–2).
    #[default]
    Default,
    /// More M/L scatter at fixed colour: frequent, larger, recent bursts and a per-galaxy IMF
    /// offset of σ = 0.08 dex.
    MlScatter,
    /// A per-galaxy halo contraction efficiency ν ~ U(0, 2) around Gnedin+2004.
    HaloScatter,
    /// Disc and bulge sizes +0.15 dex, toward TNG100's size–mass relation.
    TngSizes,
    /// No halo contraction (the NFW halo; `halo_response = none`).
    Uncontracted,
    /// `ml-scatter`, `halo-scatter` and `tng-sizes` together.
    Hard,
}

impl PhysicsVariant {
    /// Every variant, in the order the documentation lists them.
    pub const ALL: [PhysicsVariant; 6] = [
        PhysicsVariant::Default,
        PhysicsVariant::MlScatter,
        PhysicsVariant::HaloScatter,
        PhysicsVariant::TngSizes,
        PhysicsVariant::Uncontracted,
        PhysicsVariant::Hard,
    ];

    /// The variant's name (`--physics`, the dataset attribute `physics`).
    pub fn name(self) -> &'static str {
        match self {
            PhysicsVariant::Default => "default",
            PhysicsVariant::MlScatter => "ml-scatter",
            PhysicsVariant::HaloScatter => "halo-scatter",
            PhysicsVariant::TngSizes => "tng-sizes",
            PhysicsVariant::Uncontracted => "uncontracted",
            PhysicsVariant::Hard => "hard",
        }
    }

    /// One line saying what the variant changes.
    pub fn description(self) -> &'static str {
        match self {
            PhysicsVariant::Default => "the spec's generator (galaxy-model.md Sections 1-2)",
            PhysicsVariant::MlScatter => {
                "more M/L scatter at fixed colour: frequent, larger, recent bursts and a \
                 per-galaxy IMF offset (sigma 0.08 dex)"
            }
            PhysicsVariant::HaloScatter => {
                "halo contraction efficiency drawn per galaxy, U(0, 2) x Gnedin+2004"
            }
            PhysicsVariant::TngSizes => {
                "disc and bulge sizes +0.15 dex, toward TNG100's size-mass relation"
            }
            PhysicsVariant::Uncontracted => "uncontracted NFW haloes (halo_response = none)",
            PhysicsVariant::Hard => "ml-scatter, halo-scatter and tng-sizes together",
        }
    }

    /// The variant named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.name() == name)
    }

    /// The generator options of the variant: the defaults with its changes.
    pub fn options(self) -> MockOptions {
        let mut o = MockOptions::default();
        let ml = |o: &mut MockOptions| {
            o.bursts = Bursts::Frequent;
            o.imf_scatter_dex = ML_SCATTER_IMF_DEX;
        };
        match self {
            PhysicsVariant::Default => {}
            PhysicsVariant::MlScatter => ml(&mut o),
            PhysicsVariant::HaloScatter => o.halo_response = HaloResponse::Gnedin04Scatter,
            PhysicsVariant::TngSizes => o.size_offset_dex = TNG_SIZE_OFFSET_DEX,
            PhysicsVariant::Uncontracted => o.halo_response = HaloResponse::None,
            PhysicsVariant::Hard => {
                ml(&mut o);
                o.halo_response = HaloResponse::Gnedin04Scatter;
                o.size_offset_dex = TNG_SIZE_OFFSET_DEX;
            }
        }
        o
    }
}

impl std::fmt::Display for PhysicsVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_options_differ() {
        for v in PhysicsVariant::ALL {
            assert_eq!(PhysicsVariant::from_name(v.name()), Some(v));
            assert!(!v.description().is_empty());
            assert!(v.options().validate().is_ok());
        }
        assert_eq!(PhysicsVariant::from_name("nope"), None);
        assert_eq!(PhysicsVariant::Default.options(), MockOptions::default());
        assert!(!PhysicsVariant::Default.options().draws_variants());
        assert!(!PhysicsVariant::TngSizes.options().draws_variants());
        let hard = PhysicsVariant::Hard.options();
        assert_eq!(hard.bursts, PhysicsVariant::MlScatter.options().bursts);
        assert_eq!(hard.halo_response, HaloResponse::Gnedin04Scatter);
        assert_eq!(hard.size_offset_dex, TNG_SIZE_OFFSET_DEX);
        for (i, a) in PhysicsVariant::ALL.iter().enumerate() {
            for b in &PhysicsVariant::ALL[i + 1..] {
                assert_ne!(a.options(), b.options(), "{a} and {b}");
            }
        }
    }

    #[test]
    fn options_serialise_with_every_field_and_old_json_reads() {
        let json = serde_json::to_string(&PhysicsVariant::Hard.options()).unwrap();
        for key in [
            "\"bursts\":\"frequent\"",
            "\"imf_scatter_dex\":0.08",
            "gnedin04_scatter",
        ] {
            assert!(json.contains(key), "{json}");
        }
        // Options written before the variants (no new fields) read as the defaults.
        let old = r#"{"halo_response":"gnedin04","particle_mode":"fixed","gas":"particles",
            "dust":"analytic_slab","smhm":"tng_like","n_star":10000,"n_dm":10000,"n_gas":2000}"#;
        let o: MockOptions = serde_json::from_str(old).unwrap();
        assert_eq!(o, MockOptions::default());
    }
}
