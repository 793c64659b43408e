//! Summary of a dataset file (`galmass dataset info`): attributes, samples and galaxies per
//! split, the range of every target and feature, and the storage of the maps.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Result;

use super::reader::{DatasetReader, FileAttrs};
use super::schema::{FEATURE_NAMES, TARGET_NAMES};
use super::split::Split;
use super::storage::MapStorage;

/// Minimum, median and maximum of one column.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    /// Dataset path, e.g. `targets/mstar`.
    pub name: String,
    /// Smallest value.
    pub min: f64,
    /// Median.
    pub median: f64,
    /// Largest value.
    pub max: f64,
    /// Non-finite values.
    pub non_finite: usize,
}

/// What `dataset info` shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Info {
    /// Root attributes.
    pub attrs: FileAttrs,
    /// Samples per split (train, validation, test).
    pub samples: [usize; 3],
    /// Distinct galaxies per split.
    pub galaxies: [usize; 3],
    /// Galaxies whose projections fall in more than one split.
    pub galaxies_in_several_splits: usize,
    /// Ranges of the targets, then of the features, then of `meta/rhsm_kpc`.
    pub ranges: Vec<Range>,
    /// How each map dataset is stored.
    pub storage: Vec<MapStorage>,
}

fn range(name: String, v: &[f64]) -> Range {
    let mut f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    f.sort_by(f64::total_cmp);
    let median = match f.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => f[n / 2],
        n => 0.5 * (f[n / 2 - 1] + f[n / 2]),
    };
    Range {
        name,
        min: f.first().copied().unwrap_or(f64::NAN),
        median,
        max: f.last().copied().unwrap_or(f64::NAN),
        non_finite: v.len() - f.len(),
    }
}

/// Reads the summary of the dataset file at `path`.
pub fn info(path: &Path) -> Result<Info> {
    let r = DatasetReader::open(path)?;
    let split: Vec<u8> = r.column("meta/split")?;
    let ids: Vec<u64> = r.column("meta/galaxy_id")?;
    let mut samples = [0; 3];
    let mut sets: [BTreeSet<u64>; 3] = Default::default();
    for (&s, &id) in split.iter().zip(&ids) {
        let s = Split::from_code(s).ok_or_else(|| {
            crate::BadInput(format!("{}: /meta/split holds code {s}", path.display()))
        })?;
        samples[s as usize] += 1;
        sets[s as usize].insert(id);
    }
    let all: BTreeSet<u64> = ids.iter().copied().collect();
    let several = sets.iter().map(BTreeSet::len).sum::<usize>() - all.len();
    let mut ranges = Vec::new();
    for (group, names) in [("targets", &TARGET_NAMES), ("features", &FEATURE_NAMES)] {
        for name in names.iter() {
            let d = format!("{group}/{name}");
            let v: Vec<f64> = r.column(&d)?;
            ranges.push(range(d, &v));
        }
    }
    let rh: Vec<f64> = r.column("meta/rhsm_kpc")?;
    ranges.push(range("meta/rhsm_kpc".into(), &rh));
    Ok(Info {
        attrs: r.attrs.clone(),
        samples,
        galaxies: [sets[0].len(), sets[1].len(), sets[2].len()],
        galaxies_in_several_splits: several,
        ranges,
        storage: r.map_storage()?,
    })
}

/// `secs` since the Unix epoch as ISO 8601 UTC, `YYYY-MM-DDThh:mm:ssZ` (proleptic
/// Gregorian calendar; days → civil date after H. Hinnant).
pub fn iso8601_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Known instants: the epoch, a leap day, and 2024-12-31 23:59:59.
    #[test]
    fn iso_dates() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601_utc(1_735_689_599), "2024-12-31T23:59:59Z");
    }

    /// Median of even and odd counts; NaN counted, not ranked.
    #[test]
    fn ranges() {
        let r = range("x".into(), &[3.0, 1.0, f64::NAN, 2.0, 10.0]);
        assert_eq!((r.min, r.median, r.max, r.non_finite), (1.0, 2.5, 10.0, 1));
    }
}
