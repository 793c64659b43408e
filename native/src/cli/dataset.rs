//! `galmass dataset build|merge|info`: the dataset file (docs/contracts/dataset.md) from
//! mock galaxies or TNG cutouts (streamed, sharded), merging shards, and a summary of a file.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use galmass::BadInput;
use galmass::dataset::{
    BuildReport, DatasetWriter, GalaxySource, MapDtype, SampleOptions, ShardAttrs, Split, SplitBy,
    WriteAttrs, build, info, merge, partial_path,
};
use galmass::tng::{CentreSource, HeaderOverrides, ReadOptions, cutout_id, open_catalog};
use galmass_core::mock::selected_indices;
use galmass_core::observe::ObserveOptions;
use galmass_core::projection::kinematics::KIN_SIZE;
use galmass_core::telescope::MapScale;

use super::cutout_args::CutoutArgs;
use super::measure_opts::MeasureOptArgs;
use super::mock_args::MockArgs;
use super::observing_args::ObservingArgs;
use super::select_args::SelectArgs;
use super::{now, progress};

/// Galaxies measured and observed per batch (then appended to the file).
const BATCH: usize = 64;

/// The dataset verbs.
#[derive(Subcommand, Debug)]
pub enum DatasetCommand {
    /// Mock galaxies or TNG cutouts → dataset file (maps, targets, features, meta)
    Build(Box<BuildArgs>),
    /// Shards of one build → one file sorted by (galaxy_id, projection)
    Merge(MergeArgs),
    /// Counts per split, value ranges, schema version and source of a dataset file
    Info(InfoArgs),
    /// Test-split galaxies (maps and truths) as the web app's gallery JSON
    Examples(super::dataset_examples::ExamplesArgs),
}

/// Where galaxies come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    /// Mock galaxies made on the fly (--galaxies, --seed)
    Mock,
    /// TNG-layout cutouts cutout_<id>.hdf5 in --cutouts DIR
    Tng,
}

/// Unit of the train/validation/test split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SplitByArg {
    /// All projections of a galaxy share one split
    Galaxy,
    /// Each projection draws its own split
    Sample,
}

/// A shard `i/n`: galaxies whose position in the build list is ≡ i (mod n).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard's number, 0 ≤ i < n.
    pub i: usize,
    /// Number of shards.
    pub n: usize,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` is not of the form i/n"))?;
    let i: usize = i
        .trim()
        .parse()
        .map_err(|_| format!("`{i}` is not a number"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number"))?;
    if n == 0 || i >= n {
        return Err(format!("need 0 ≤ i < n, got {i}/{n}"));
    }
    Ok(Shard { i, n })
}

fn parse_image_size(s: &str) -> Result<usize, String> {
    match s.trim() {
        "300" => Ok(300),
        "150" => Ok(150),
        "60" => Ok(60),
        _ => Err(format!("`{s}` is not one of 300, 150, 60")),
    }
}

/// Arguments of `galmass dataset build`.
#[derive(Args, Debug)]
pub struct BuildArgs {
    /// Where galaxies come from
    #[arg(long, value_enum)]
    pub source: SourceArg,
    /// Number of (selected) mock galaxies (--source mock)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub galaxies: Option<u64>,
    /// Seed of the mock sample (galaxy i uses stream i) and of the split
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Directory of cutout_<id>.hdf5 files (--source tng)
    #[arg(long, value_name = "DIR")]
    pub cutouts: Option<PathBuf>,
    /// Output dataset file (written as FILE.partial, renamed when complete)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Light-map side in pixels: 300 (rendered), 150 or 60 (block sums)
    #[arg(long, default_value_t = 300, value_parser = parse_image_size)]
    pub image_size: usize,
    /// Kinematic-map side in pixels (only 48 is supported)
    #[arg(long, default_value_t = 48)]
    pub kin_size: usize,
    /// Unit of the train/validation/test split (16000:4000:8110)
    #[arg(long, value_enum, default_value_t = SplitByArg::Galaxy)]
    pub split_by: SplitByArg,
    /// Build only shard i of n: galaxies whose position in the list is ≡ i (mod n)
    #[arg(long, value_name = "i/n", value_parser = parse_shard)]
    pub shard: Option<Shard>,
    /// Storage of the maps: f16 with shuffle + deflate (light maps scaled by 1e7, recorded as
    /// `scale_factor`), or f32 uncompressed
    #[arg(long, value_enum, default_value_t = MapDtype::F16)]
    pub map_dtype: MapDtype,
    /// The radius the maps cover ±3 of and the CNN's side input: rhsm, the 3D half-mass
    /// radius (the paper's; only a simulation knows it), or re, each line of sight's projected
    /// r-band half-light radius, which a telescope measures (beyond the paper)
    #[arg(long, value_enum, default_value_t = ScaleArg::Rhsm)]
    pub scale: ScaleArg,
    #[command(flatten)]
    pub mock: MockArgs,
    #[command(flatten)]
    pub cutout: CutoutArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub measure: MeasureOptArgs,
    #[command(flatten)]
    pub observing: ObservingArgs,
}

/// `--scale`: the radius the maps are laid on (`galmass_core::telescope::MapScale`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScaleArg {
    /// ±3 R_hsm, the 3D stellar half-mass radius (the paper's)
    Rhsm,
    /// ±3 R_e, the projected r-band half-light radius of each line of sight
    Re,
}

impl From<ScaleArg> for MapScale {
    fn from(s: ScaleArg) -> Self {
        match s {
            ScaleArg::Rhsm => MapScale::Rhsm,
            ScaleArg::Re => MapScale::Re,
        }
    }
}

/// Arguments of `galmass dataset merge`.
#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Shard files of one build
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Merged output file
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Arguments of `galmass dataset info`.
#[derive(Args, Debug)]
pub struct InfoArgs {
    /// The dataset file
    pub file: PathBuf,
}

/// Runs a dataset verb.
pub fn run(c: &DatasetCommand) -> Result<()> {
    match c {
        DatasetCommand::Build(a) => run_build(a),
        DatasetCommand::Merge(a) => run_merge(a),
        DatasetCommand::Info(a) => run_info(&a.file),
        DatasetCommand::Examples(a) => super::dataset_examples::run(a),
    }
}

/// The cutouts `cutout_<id>.hdf5` (or `.h5`) of `dir`, sorted by id.
fn list_cutouts(dir: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| BadInput(format!("{}: cannot read the directory: {e}", dir.display())))?;
    let mut files = Vec::new();
    for entry in rd {
        let p = entry?.path();
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if p.is_file()
            && (ext == "hdf5" || ext == "h5")
            && let Some(id) = cutout_id(&p)
        {
            files.push((id, p));
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(BadInput(format!(
            "{}: no cutout_<id>.hdf5 files in the directory",
            dir.display()
        ))
        .into());
    }
    Ok(files)
}

fn source(a: &BuildArgs) -> Result<GalaxySource> {
    match a.source {
        SourceArg::Mock => {
            let n = a
                .galaxies
                .ok_or_else(|| BadInput("--source mock needs --galaxies N".into()))?;
            if a.cutouts.is_some() {
                return Err(BadInput("--cutouts is for --source tng".into()).into());
            }
            a.select.refuse_for_mock()?;
            let options = a.mock.options();
            let indices = selected_indices(a.seed, n as usize, &options);
            Ok(GalaxySource::Mock {
                seed: a.seed,
                options,
                indices,
            })
        }
        SourceArg::Tng => {
            let dir = a
                .cutouts
                .as_ref()
                .ok_or_else(|| BadInput("--source tng needs --cutouts DIR".into()))?;
            if a.galaxies.is_some() {
                return Err(BadInput("--galaxies is for --source mock".into()).into());
            }
            let files = list_cutouts(dir)?;
            let ids: Vec<u64> = files.iter().map(|(id, _)| *id).collect();
            let catalog = match a.cutout.catalog.as_deref() {
                Some(path) => Some(Box::new(open_catalog(path, &ids)?)),
                None => None,
            };
            let c = &a.cutout;
            let read = ReadOptions {
                centre: CentreSource::ShrinkingSphere,
                header: HeaderOverrides {
                    time: c.time,
                    hubble: c.hubble,
                    mass_dm: c.mass_dm,
                    box_size: c.box_size,
                },
                gas: !c.no_gas,
                black_holes: !c.no_bh,
                dust: c.tng_dust.into(),
            };
            Ok(GalaxySource::Tng {
                files,
                read,
                catalog,
                select: a.select.selection(),
            })
        }
    }
}

fn shard_of(src: GalaxySource, shard: Option<Shard>) -> GalaxySource {
    let Some(Shard { i, n }) = shard else {
        return src;
    };
    let keep = |k: usize| k % n == i;
    match src {
        GalaxySource::Mock {
            seed,
            options,
            indices,
        } => GalaxySource::Mock {
            seed,
            options,
            indices: indices
                .into_iter()
                .enumerate()
                .filter(|(k, _)| keep(*k))
                .map(|(_, x)| x)
                .collect(),
        },
        GalaxySource::Tng {
            files,
            read,
            catalog,
            select,
        } => GalaxySource::Tng {
            files: files
                .into_iter()
                .enumerate()
                .filter(|(k, _)| keep(*k))
                .map(|(_, x)| x)
                .collect(),
            read,
            catalog,
            select,
        },
    }
}

fn run_build(a: &BuildArgs) -> Result<()> {
    if a.kin_size != KIN_SIZE {
        return Err(BadInput(format!(
            "--kin-size {}: only {KIN_SIZE} is supported",
            a.kin_size
        ))
        .into());
    }
    let t0 = Instant::now();
    let full = source(a)?;
    let shard = a.shard.map(|sh| ShardAttrs {
        index: sh.i as u64,
        count: sh.n as u64,
        list_len: full.len() as u64,
    });
    let src = shard_of(full, a.shard);
    let mo = a.measure.options();
    let opts = SampleOptions {
        measure: mo,
        observe: ObserveOptions {
            image_size: a.image_size,
            kin_weight: mo.kin_weight,
            ..ObserveOptions::default()
        },
        split_seed: a.seed,
        conditions: a.observing.ranges()?,
        scale: a.scale.into(),
        split_by: match a.split_by {
            SplitByArg::Galaxy => SplitBy::Galaxy,
            SplitByArg::Sample => SplitBy::Sample,
        },
    };
    let attrs = WriteAttrs {
        source: match a.source {
            SourceArg::Mock => "mock".into(),
            SourceArg::Tng => "tng".into(),
        },
        seed: a.seed,
        created: now(),
        image_size: a.image_size,
        kin_size: a.kin_size,
        split_by: match a.split_by {
            SplitByArg::Galaxy => "galaxy".into(),
            SplitByArg::Sample => "sample".into(),
        },
        shard,
        map_dtype: a.map_dtype,
        conditions: opts
            .conditions
            .map(|c| serde_json::to_string(&c))
            .transpose()?,
        scale: opts.scale,
        physics: (a.source == SourceArg::Mock).then(|| a.mock.physics_name().to_string()),
        mock_options: (a.source == SourceArg::Mock)
            .then(|| serde_json::to_string(&a.mock.options()))
            .transpose()?,
        selection: (a.source == SourceArg::Tng).then(|| {
            let s = a.select.selection();
            serde_json::json!({
                "cuts": match s.cuts {
                    galmass::tng::Cuts::Paper => "paper",
                    galmass::tng::Cuts::None => "none",
                },
                "rhsm_tolerance": s.rhsm_tolerance,
                "tng_dust": galmass::tng::TngDust::from(a.cutout.tng_dust).name(),
            })
            .to_string()
        }),
    };
    let mut writer = DatasetWriter::create(&a.out, attrs)?;
    if let GalaxySource::Tng {
        read,
        catalog,
        select,
        ..
    } = &src
    {
        for line in select.summary(catalog.as_deref(), read.gas, read.black_holes) {
            println!("{line}");
        }
    }
    let pb = progress::bar(src.len() as u64, "dataset build (galaxies)");
    let report = build(&src, &opts, &mut writer, BATCH, &|k| pb.inc(k))?;
    pb.finish_and_clear();
    // A shard with no usable galaxy is still written (empty), so the merge sees every shard.
    if report.written == 0 && a.shard.is_none() {
        drop(writer);
        print_report(&report, t0.elapsed().as_secs_f64());
        return Err(BadInput(format!(
            "no usable galaxy among {} (nothing written to {})",
            report.galaxies,
            a.out.display()
        ))
        .into());
    }
    let path = writer
        .finish()
        .with_context(|| format!("finishing {}", partial_path(&a.out).display()))?;
    println!("wrote {}", path.display());
    print_report(&report, t0.elapsed().as_secs_f64());
    Ok(())
}

fn print_report(r: &BuildReport, secs: f64) {
    let samples: usize = r.per_split.iter().sum();
    println!(
        "galaxies {} → written {} ({} samples), skipped {}",
        r.galaxies,
        r.written,
        samples,
        r.galaxies - r.written
    );
    for s in Split::ALL {
        println!("  {:<11} {:>8} samples", s.name(), r.per_split[s as usize]);
    }
    for (reason, s) in &r.skipped {
        println!("  skipped {:>5} × {reason} (e.g. {})", s.count, s.example);
    }
    println!(
        "time {:.1} s ({:.2} galaxies/s)",
        secs,
        r.galaxies as f64 / secs.max(1e-9)
    );
}

fn run_merge(a: &MergeArgs) -> Result<()> {
    let t0 = Instant::now();
    let n = merge(&a.inputs, &a.out, now())?;
    println!(
        "merged {} files into {} ({n} samples, {:.1} s)",
        a.inputs.len(),
        a.out.display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}

fn run_info(path: &Path) -> Result<()> {
    let i = info(path)?;
    let a = &i.attrs;
    println!("{}", path.display());
    println!("schema            {}", a.schema);
    println!(
        "source            {} (seed {})",
        a.build.source, a.build.seed
    );
    println!("generator         {}", a.generator_version);
    println!("created           {}", a.build.created);
    println!("samples           {}", a.n);
    println!(
        "image size        {}×{}",
        a.build.image_size, a.build.image_size
    );
    println!(
        "kinematic size    {}×{}",
        a.build.kin_size, a.build.kin_size
    );
    println!(
        "map scale         ±3 {} ({})",
        a.build.scale.symbol(),
        match a.build.scale {
            MapScale::Rhsm => "3D half-mass radius, the paper's",
            MapScale::Re => "projected r-band half-light radius, beyond the paper",
        }
    );
    if let Some(c) = &a.build.conditions {
        println!("conditions        {c}");
    }
    if let Some(s) = &a.build.selection {
        println!("selection         {s}");
    }
    if let Some(p) = &a.build.physics {
        println!("physics           {p}");
    }
    if let Some(o) = &a.build.mock_options {
        println!("mock options      {o}");
    }
    println!("split by          {}", a.build.split_by);
    for s in Split::ALL {
        println!(
            "  {:<11} {:>8} samples {:>8} galaxies",
            s.name(),
            i.samples[s as usize],
            i.galaxies[s as usize]
        );
    }
    if i.galaxies_in_several_splits > 0 {
        println!(
            "  {} galaxies have projections in several splits",
            i.galaxies_in_several_splits
        );
    }
    println!(
        "\n{:<22}{:>12}{:>12}{:>12}",
        "column", "min", "median", "max"
    );
    for r in &i.ranges {
        let nf = if r.non_finite > 0 {
            format!("  ({} non-finite)", r.non_finite)
        } else {
            String::new()
        };
        println!(
            "{:<22}{:>12.4}{:>12.4}{:>12.4}{nf}",
            r.name, r.min, r.median, r.max
        );
    }
    println!(
        "\n{:<15}{:<6}{:<16}{:<22}{:>8}{:>11}{:>9}",
        "map", "type", "chunk", "filters", "scale", "stored MB", "of f32"
    );
    for m in &i.storage {
        let chunk = m.chunk.as_ref().map_or("contiguous".to_string(), |c| {
            c.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("×")
        });
        let filters = if m.filters.is_empty() {
            "none".to_string()
        } else {
            m.filters.join(" + ")
        };
        println!(
            "{:<15}{:<6}{:<16}{:<22}{:>8.0e}{:>11.1}{:>8.1}%",
            m.name,
            m.dtype,
            chunk,
            filters,
            m.scale_factor,
            m.stored_bytes as f64 / 1e6,
            100.0 * m.stored_bytes as f64 / m.f32_bytes.max(1) as f64
        );
    }
    let stored: u64 = i.storage.iter().map(|m| m.stored_bytes).sum();
    let f32b: u64 = i.storage.iter().map(|m| m.f32_bytes).sum();
    println!(
        "maps in all: {:.1} MB stored, {:.1}% of uncompressed f32 ({:.1} MB)",
        stored as f64 / 1e6,
        100.0 * stored as f64 / f32b.max(1) as f64,
        f32b as f64 / 1e6
    );
    Ok(())
}
