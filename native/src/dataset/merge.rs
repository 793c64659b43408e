//! Merging shards: several dataset files of the same build (same source, seed, map sizes,
//! split unit, scale, observing conditions and mock physics) → one file with every sample
//! sorted by (galaxy_id, projection), which is the order of a single build. Samples are
//! copied in batches, so memory stays bounded.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::reader::DatasetReader;
use super::storage::MapDtype;
use super::writer::{DatasetWriter, ShardAttrs, WriteAttrs};
use crate::BadInput;

/// Samples copied per batch.
const BATCH: usize = 192;

/// Shard files (root attributes `shard_*`) must all be shards of one build — same shard
/// count and list length — and every shard `0..count` must be given exactly once; files
/// without shard attributes (older builds, or merged files) are merged as before.
fn check_shards(readers: &[DatasetReader]) -> Result<()> {
    let tagged: Vec<(&DatasetReader, ShardAttrs)> = readers
        .iter()
        .filter_map(|r| r.attrs.build.shard.map(|s| (r, s)))
        .collect();
    let Some(&(r0, s0)) = tagged.first() else {
        return Ok(());
    };
    if tagged.len() != readers.len() {
        let plain = readers
            .iter()
            .find(|r| r.attrs.build.shard.is_none())
            .map(|r| r.path().display().to_string())
            .unwrap_or_default();
        return Err(BadInput(format!(
            "{plain} is not a shard file, but {} is shard {}/{}: merge the shards of one build",
            r0.path().display(),
            s0.index,
            s0.count
        ))
        .into());
    }
    // Shard index → file, without trusting the count for an allocation.
    let mut seen: std::collections::BTreeMap<u64, &DatasetReader> = Default::default();
    for &(r, s) in &tagged {
        if (s.count, s.list_len) != (s0.count, s0.list_len) {
            return Err(BadInput(format!(
                "{} is shard {}/{} of a build of {} galaxies, {} is shard {}/{} of {}: \
                 not one build",
                r.path().display(),
                s.index,
                s.count,
                s.list_len,
                r0.path().display(),
                s0.index,
                s0.count,
                s0.list_len
            ))
            .into());
        }
        if let Some(prev) = seen.insert(s.index, r) {
            return Err(BadInput(format!(
                "shard {}/{} is given twice: {} and {}",
                s.index,
                s.count,
                prev.path().display(),
                r.path().display()
            ))
            .into());
        }
    }
    // At most 10 missing indices are named (so at most n + 10 are looked at).
    let missing: Vec<String> = (0..s0.count)
        .filter(|i| !seen.contains_key(i))
        .take(10)
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        let more = s0.count - seen.len() as u64 > missing.len() as u64;
        return Err(BadInput(format!(
            "shard(s) {}{} of {} missing: build them (`dataset build … --shard i/{}`) and \
             give all {} files",
            missing.join(", "),
            if more { ", …" } else { "" },
            s0.count,
            s0.count,
            s0.count
        ))
        .into());
    }
    Ok(())
}

/// Merges `inputs` into `out` (written as `out.partial`, then renamed), with f16 maps when
/// every input has them, else f32. `created` is the
/// new file's creation time. Files of another schema, of different source, seed, map sizes,
/// split unit, scale, conditions, physics variant or mock options, and samples present twice
/// are [`BadInput`].
pub fn merge(inputs: &[PathBuf], out: &Path, created: String) -> Result<usize> {
    let readers = inputs
        .iter()
        .map(|p| DatasetReader::open(p))
        .collect::<Result<Vec<_>>>()?;
    let Some(first) = readers.first() else {
        return Err(BadInput("dataset merge: no input files".into()).into());
    };
    let a0 = first.attrs.clone();
    for r in &readers[1..] {
        let a = &r.attrs;
        for (what, x, y) in [
            ("source", a.build.source.clone(), a0.build.source.clone()),
            ("seed", a.build.seed.to_string(), a0.build.seed.to_string()),
            (
                "image size",
                a.build.image_size.to_string(),
                a0.build.image_size.to_string(),
            ),
            (
                "kin size",
                a.build.kin_size.to_string(),
                a0.build.kin_size.to_string(),
            ),
            (
                "split_by",
                a.build.split_by.clone(),
                a0.build.split_by.clone(),
            ),
            (
                "scale",
                a.build.scale.name().to_string(),
                a0.build.scale.name().to_string(),
            ),
            (
                "conditions",
                a.build.conditions.clone().unwrap_or_else(|| "none".into()),
                a0.build.conditions.clone().unwrap_or_else(|| "none".into()),
            ),
            (
                "physics",
                a.build.physics.clone().unwrap_or_else(|| "none".into()),
                a0.build.physics.clone().unwrap_or_else(|| "none".into()),
            ),
            (
                "selection",
                a.build.selection.clone().unwrap_or_else(|| "none".into()),
                a0.build.selection.clone().unwrap_or_else(|| "none".into()),
            ),
            (
                "mock_options",
                a.build
                    .mock_options
                    .clone()
                    .unwrap_or_else(|| "none".into()),
                a0.build
                    .mock_options
                    .clone()
                    .unwrap_or_else(|| "none".into()),
            ),
        ] {
            if x != y {
                return Err(BadInput(format!(
                    "{}: {what} `{x}` differs from `{y}` of {}",
                    r.path().display(),
                    first.path().display()
                ))
                .into());
            }
        }
    }
    check_shards(&readers)?;
    // (galaxy_id, projection, file, row), sorted.
    let mut rows: Vec<(u64, u8, usize, usize)> = Vec::new();
    for (f, r) in readers.iter().enumerate() {
        let ids: Vec<u64> = r.column("meta/galaxy_id")?;
        let proj: Vec<u8> = r.column("meta/projection")?;
        rows.extend(
            ids.into_iter()
                .zip(proj)
                .enumerate()
                .map(|(i, (g, p))| (g, p, f, i)),
        );
    }
    rows.sort_unstable();
    if let Some(w) = rows
        .windows(2)
        .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
    {
        return Err(BadInput(format!(
            "galaxy {} projection {} is in both {} and {}",
            w[0].0,
            w[0].1,
            readers[w[0].2].path().display(),
            readers[w[1].2].path().display()
        ))
        .into());
    }
    let mut writer = DatasetWriter::create(
        out,
        WriteAttrs {
            created,
            shard: None,
            // f16 when every input is (lossless: f16 → f32 → f16 returns the same value).
            map_dtype: if readers
                .iter()
                .all(|r| r.attrs.build.map_dtype == MapDtype::F16)
            {
                MapDtype::F16
            } else {
                MapDtype::F32
            },
            ..a0.build.clone()
        },
    )?;
    for chunk in rows.chunks(BATCH) {
        let batch = chunk
            .iter()
            .map(|&(_, _, f, i)| readers[f].sample(i))
            .collect::<Result<Vec<_>>>()?;
        writer.append(&batch)?;
    }
    let n = writer.len();
    writer.finish()?;
    Ok(n)
}
