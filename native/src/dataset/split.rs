//! Train/validation/test assignment. The paper split its 28110 galaxy projections
//! 16000:4000:8110; here each galaxy (or each sample) draws a uniform number from a seeded
//! hash of its id, so the assignment depends on nothing but (seed, galaxy id[, projection]):
//! not on thread count, batch size or shards.

/// Which split a sample belongs to; the `u8` stored in `/meta/split`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Split {
    /// Training set (0).
    Train = 0,
    /// Validation set (1).
    Validation = 1,
    /// Test set (2).
    Test = 2,
}

impl Split {
    /// All splits in code order.
    pub const ALL: [Split; 3] = [Split::Train, Split::Validation, Split::Test];

    /// Name of the split.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Validation => "validation",
            Split::Test => "test",
        }
    }

    /// The split of a stored code, if valid.
    pub fn from_code(c: u8) -> Option<Split> {
        Split::ALL.get(c as usize).copied()
    }
}

/// Unit of the split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitBy {
    /// All projections of a galaxy share one split (default; no galaxy leaks across).
    Galaxy,
    /// Each projection draws its own split.
    Sample,
}

/// The paper's split sizes (train, validation, test).
pub const PAPER_SPLIT: [u64; 3] = [16000, 4000, 8110];

/// SplitMix64 finaliser: a bijective 64-bit mix.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The split of galaxy `galaxy_id`, projection `projection` (0..3), for `seed`: a uniform
/// u ∈ [0, 1) from the hash of (seed, id[, projection]) falls in the train, validation or
/// test interval of widths 16000, 4000, 8110 out of 28110.
pub fn assign_split(seed: u64, galaxy_id: u64, projection: u8, by: SplitBy) -> Split {
    let mut h = mix(seed ^ 0x6761_6C6D_6173_7331);
    h = mix(h ^ galaxy_id);
    if by == SplitBy::Sample {
        h = mix(h ^ (projection as u64 + 1));
    }
    let total: u64 = PAPER_SPLIT.iter().sum();
    // (h mod total) is uniform to 1 part in 2^64 / 28110.
    let x = h % total;
    if x < PAPER_SPLIT[0] {
        Split::Train
    } else if x < PAPER_SPLIT[0] + PAPER_SPLIT[1] {
        Split::Validation
    } else {
        Split::Test
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Over 28110 ids the fractions match 16000:4000:8110 within binomial noise (4σ).
    #[test]
    fn proportions_follow_the_paper() {
        let n = 28110u64;
        let mut c = [0u64; 3];
        for id in 0..n {
            c[assign_split(7, id, 0, SplitBy::Galaxy) as usize] += 1;
        }
        for k in 0..3 {
            let p = PAPER_SPLIT[k] as f64 / n as f64;
            let sd = (n as f64 * p * (1.0 - p)).sqrt();
            let d = (c[k] as f64 - n as f64 * p).abs();
            assert!(d < 4.0 * sd, "split {k}: {} vs {}", c[k], n as f64 * p);
        }
    }

    /// By galaxy, projections share a split; by sample they do not always; seeds differ.
    #[test]
    fn galaxy_split_is_shared_by_projections() {
        let mut differs = 0;
        let mut seed_differs = 0;
        for id in 0..300u64 {
            let s: Vec<Split> = (0..3)
                .map(|p| assign_split(1, id, p, SplitBy::Galaxy))
                .collect();
            assert!(s.iter().all(|&x| x == s[0]));
            let t: Vec<Split> = (0..3)
                .map(|p| assign_split(1, id, p, SplitBy::Sample))
                .collect();
            differs += usize::from(t.iter().any(|&x| x != t[0]));
            seed_differs += usize::from(
                assign_split(1, id, 0, SplitBy::Galaxy) != assign_split(2, id, 0, SplitBy::Galaxy),
            );
        }
        assert!(differs > 100, "{differs}");
        assert!(seed_differs > 100, "{seed_differs}");
    }
}
