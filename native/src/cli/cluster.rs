//! `galmass cluster dataset|reproduce|submit|status`: campaigns on a Slurm cluster. The
//! dataset build becomes a job array of shards and a dependent merge; `reproduce` becomes a
//! data job, one array task per grid row and a gather job that writes `report/` exactly as a
//! local run does. Scripts are printed with `--dry-run`; a failed, cancelled or preempted
//! task is resubmitted by `submit`, which sends only what is unfinished.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use galmass::BadInput;
use galmass::cluster::plan::{PLAN_SCHEMA, TASK_TOKEN, VALUE_TOKEN};
use galmass::cluster::{Plan, Site, Stage, Task, TaskState, mark_lost, stage_status, submit};

use super::reproduce::{data_build_args, data_path, selected_rows};
use super::{Cli, Command, now, unix_secs};

/// The cluster verbs.
#[derive(Subcommand, Debug)]
pub enum ClusterCommand {
    /// A dataset build as a Slurm job array (one shard per task) and a dependent merge
    Dataset(DatasetArgs),
    /// The reproduce grid: a data job, one array task per row, a gather job writing report/
    Reproduce(ReproduceArgs),
    /// A CNN ensemble: one array task per seed (train cnn), then one bundle per member
    Ensemble(EnsembleArgs),
    /// Submit again what is unfinished in a job directory (failed, cancelled or stopped
    /// tasks, and the stages after them)
    Submit(SubmitArgs),
    /// What is done, running, stopped or failed in a job directory, and how long each took
    Status(StatusArgs),
}

/// Slurm options of the site, written into every script.
#[derive(Args, Debug, Clone)]
pub struct SiteArgs {
    /// Directory for the scripts, logs, task records and shards (created)
    #[arg(long, value_name = "DIR")]
    pub jobdir: PathBuf,
    /// Slurm partition (#SBATCH --partition)
    #[arg(long)]
    pub partition: Option<String>,
    /// Slurm account to charge (#SBATCH --account)
    #[arg(long)]
    pub account: Option<String>,
    /// Quality of service (#SBATCH --qos)
    #[arg(long)]
    pub qos: Option<String>,
    /// Time limit of every job, Slurm's format (#SBATCH --time, e.g. 02:00:00)
    #[arg(long)]
    pub time: Option<String>,
    /// Memory per job (#SBATCH --mem, e.g. 8G)
    #[arg(long)]
    pub mem: Option<String>,
    /// CPUs per task (#SBATCH --cpus-per-task; also the task's thread count)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub cpus_per_task: u16,
    /// A file of lines put after the directives of every script: your site's own #SBATCH
    /// lines and set-up commands (module load …)
    #[arg(long, value_name = "FILE")]
    pub prelude: Option<PathBuf>,
    /// The galmass executable the jobs run (default: this one; it must be visible on the
    /// compute nodes)
    #[arg(long, value_name = "PATH")]
    pub galmass: Option<PathBuf>,
    /// Print the scripts and sbatch commands; write and submit nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Arguments of `galmass cluster dataset`.
#[derive(Args, Debug)]
pub struct DatasetArgs {
    /// Number of shards = array tasks; shard i holds the galaxies at positions ≡ i (mod n)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub shards: u64,
    /// The merged dataset file
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub site: SiteArgs,
    /// `galmass dataset build` arguments, after `--` (all but --shard and --out), e.g.
    /// `-- --source mock --galaxies 9370 --seed 1`
    #[arg(last = true, required = true, value_name = "BUILD ARGS")]
    pub build: Vec<String>,
}

/// Arguments of `galmass cluster reproduce`.
#[derive(Args, Debug)]
pub struct ReproduceArgs {
    /// Build the mock dataset as this many shards (array) and a merge; 1 = one job
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub shards: u64,
    /// GPUs per row task (#SBATCH --gres=gpu:N); pass `--device gpu` to reproduce too
    #[arg(long)]
    pub gpus: Option<u32>,
    #[command(flatten)]
    pub site: SiteArgs,
    /// `galmass reproduce` arguments, after `--`, e.g. `-- --scale paper --out report`
    #[arg(last = true, required = true, value_name = "REPRODUCE ARGS")]
    pub reproduce: Vec<String>,
}

/// Arguments of `galmass cluster ensemble`.
#[derive(Args, Debug)]
pub struct EnsembleArgs {
    /// Seeds of the members, one array task each (e.g. 1,2,3)
    #[arg(long, value_delimiter = ',', required = true)]
    pub seeds: Vec<u64>,
    /// Directory of the members' runs (seed-<s>/) and bundles (cnn-seed-<s>.bundle)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// GPUs per member task (#SBATCH --gres=gpu:N); pass `--device gpu` to train cnn too
    #[arg(long)]
    pub gpus: Option<u32>,
    #[command(flatten)]
    pub site: SiteArgs,
    /// `galmass train cnn` arguments, after `--` (all but --seed, --out and --resume), e.g.
    /// `-- --data ds.h5 --inputs rg,vel --targets mstar,mtot --side-input --augment`
    #[arg(last = true, required = true, value_name = "TRAIN ARGS")]
    pub train: Vec<String>,
}

/// Arguments of `galmass cluster submit`.
#[derive(Args, Debug)]
pub struct SubmitArgs {
    /// The job directory
    pub jobdir: PathBuf,
    /// Print the scripts and sbatch commands; submit nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Arguments of `galmass cluster status`.
#[derive(Args, Debug)]
pub struct StatusArgs {
    /// The job directory
    pub jobdir: PathBuf,
    /// One JSON object per task instead of the table
    #[arg(long)]
    pub json: bool,
}

/// Runs a cluster verb.
pub fn run(c: &ClusterCommand) -> Result<()> {
    match c {
        ClusterCommand::Dataset(a) => run_dataset(a),
        ClusterCommand::Reproduce(a) => run_reproduce(a),
        ClusterCommand::Ensemble(a) => run_ensemble(a),
        ClusterCommand::Submit(a) => {
            let mut plan = Plan::load(&a.jobdir)?;
            send(&mut plan, a.dry_run, false)
        }
        ClusterCommand::Status(a) => run_status(a),
    }
}

/// The plan's frame: workdir, job directory (refused when it already holds a plan), the
/// galmass executable and the site options.
fn new_plan(kind: &str, s: &SiteArgs) -> Result<Plan> {
    let jobdir = std::path::absolute(&s.jobdir)?;
    let workdir = std::env::current_dir()?;
    for (what, p) in [("--jobdir", &jobdir), ("the working directory", &workdir)] {
        let text = p.display().to_string();
        if text.contains('%') || text.chars().any(char::is_control) {
            return Err(BadInput(format!(
                "{what} {text}: Slurm expands `%` in log names, and control characters break \
                 the scripts; choose a path without them"
            ))
            .into());
        }
    }
    if Plan::path(&jobdir).exists() {
        return Err(BadInput(format!(
            "{} already holds a campaign: `galmass cluster submit {}` resubmits what is \
             unfinished, `galmass cluster status {}` shows it; or choose another --jobdir",
            jobdir.display(),
            s.jobdir.display(),
            s.jobdir.display()
        ))
        .into());
    }
    let galmass = match &s.galmass {
        Some(g) => std::path::absolute(g)?,
        None => std::env::current_exe().context("finding this executable")?,
    };
    let prelude = match &s.prelude {
        Some(f) => std::fs::read_to_string(f)
            .map_err(|e| BadInput(format!("--prelude {}: cannot read ({e})", f.display())))?
            .lines()
            .map(String::from)
            .collect(),
        None => Vec::new(),
    };
    Ok(Plan {
        schema: PLAN_SCHEMA.into(),
        kind: kind.into(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        workdir,
        jobdir,
        galmass,
        site: Site {
            partition: s.partition.clone(),
            account: s.account.clone(),
            qos: s.qos.clone(),
            time: s.time.clone(),
            mem: s.mem.clone(),
            cpus_per_task: s.cpus_per_task as usize,
            prelude,
        },
        stages: Vec::new(),
        submissions: Vec::new(),
    })
}

/// Parses `verb` + `args` as galmass would, so a mistake is caught at submission rather
/// than on the cluster.
fn parse(verb: &[&str], args: &[String], what: &str) -> Result<Cli> {
    Cli::try_parse_from(
        std::iter::once("galmass".to_string())
            .chain(verb.iter().map(|s| s.to_string()))
            .chain(args.iter().cloned()),
    )
    .map_err(|e| BadInput(format!("the {what} arguments after `--`: {e}")).into())
}

fn refuse_flags(args: &[String], flags: &[&str], what: &str) -> Result<()> {
    for a in args {
        for f in flags {
            if a == f || a.starts_with(&format!("{f}=")) {
                return Err(BadInput(format!(
                    "{f} in the {what} arguments: galmass cluster sets it for each task"
                ))
                .into());
            }
        }
    }
    Ok(())
}

/// The two stages of a sharded build of `build_args` into `out`.
fn shard_stages(plan: &Plan, build_args: &[String], shards: u64, out: &Path) -> [Stage; 2] {
    let shard = |k: String| {
        plan.jobdir
            .join("shards")
            .join(format!("shard-{k}-of-{shards}.h5"))
    };
    let mut args: Vec<String> = build_args.to_vec();
    args.extend([
        "--shard".into(),
        format!("{TASK_TOKEN}/{shards}"),
        "--out".into(),
        shard(TASK_TOKEN.into()).display().to_string(),
    ]);
    let files: Vec<PathBuf> = (0..shards).map(|k| shard(k.to_string())).collect();
    let build = Stage {
        name: "build".into(),
        args,
        tasks: files
            .iter()
            .enumerate()
            .map(|(k, f)| Task {
                label: format!("shard {k}/{shards}"),
                output: f.clone(),
            })
            .collect(),
        array: true,
        values: Vec::new(),
        gres: None,
        requeue: true,
    };
    let mut margs = vec!["dataset".to_string(), "merge".into()];
    margs.extend(files.iter().map(|f| f.display().to_string()));
    margs.extend(["--out".into(), out.display().to_string()]);
    let merge = Stage {
        name: "merge".into(),
        args: margs,
        tasks: vec![Task {
            label: format!("merge {shards} shards"),
            output: out.to_path_buf(),
        }],
        array: false,
        values: Vec::new(),
        gres: None,
        requeue: true,
    };
    [build, merge]
}

fn run_dataset(a: &DatasetArgs) -> Result<()> {
    refuse_flags(&a.build, &["--shard", "--out"], "dataset build")?;
    let check = [
        "--shard".to_string(),
        format!("0/{}", a.shards),
        "--out".into(),
        "x.h5".into(),
    ];
    let args: Vec<String> = a.build.iter().chain(check.iter()).cloned().collect();
    let cli = parse(&["dataset", "build"], &args, "dataset build")?;
    if let Command::Dataset(super::dataset::DatasetCommand::Build(b)) = &cli.command
        && let Some(n) = b.galaxies
        && a.shards > n
    {
        return Err(BadInput(format!(
            "--shards {} is more than the {n} galaxies to build",
            a.shards
        ))
        .into());
    }
    let out = std::path::absolute(&a.out)?;
    if out.exists() {
        return Err(BadInput(format!(
            "--out {}: exists; remove it or choose another name (nothing was submitted)",
            a.out.display()
        ))
        .into());
    }
    let mut plan = new_plan("dataset", &a.site)?;
    let mut build_args = vec!["dataset".to_string(), "build".into()];
    build_args.extend(a.build.iter().cloned());
    plan.stages = shard_stages(&plan, &build_args, a.shards, &out).to_vec();
    send(&mut plan, a.site.dry_run, true)
}

fn run_reproduce(a: &ReproduceArgs) -> Result<()> {
    refuse_flags(&a.reproduce, &["--task"], "reproduce")?;
    let cli = parse(&["reproduce"], &a.reproduce, "reproduce")?;
    let Command::Reproduce(ra) = &cli.command else {
        return Err(anyhow::anyhow!("internal: not a reproduce command"));
    };
    let rows = selected_rows(ra)?;
    let mut plan = new_plan("reproduce", &a.site)?;
    let data = plan.resolve(&data_path(ra));
    let mut stages = Vec::new();
    match &ra.data {
        Some(d) if !data.exists() => {
            return Err(BadInput(format!("--data {}: no such file", d.display())).into());
        }
        Some(_) => {}
        None if data.exists() => {}
        None if a.shards > 1 => {
            stages.extend(shard_stages(&plan, &data_build_args(ra), a.shards, &data));
        }
        None => {
            let mut args = data_build_args(ra);
            args.extend(["--out".into(), data.display().to_string()]);
            stages.push(Stage {
                name: "data".into(),
                args,
                tasks: vec![Task {
                    label: "dataset".into(),
                    output: data.clone(),
                }],
                array: false,
                values: Vec::new(),
                gres: None,
                requeue: true,
            });
        }
    }
    let out = plan.resolve(&ra.out);
    let mut row_args = vec!["reproduce".to_string()];
    row_args.extend(a.reproduce.iter().cloned());
    let mut task_args = row_args.clone();
    task_args.extend(["--task".into(), TASK_TOKEN.into()]);
    stages.push(Stage {
        name: "rows".into(),
        args: task_args,
        tasks: rows
            .iter()
            .map(|r| Task {
                label: r.id(),
                output: r.done_path(&out),
            })
            .collect(),
        array: true,
        values: Vec::new(),
        gres: a.gpus.map(|g| format!("gpu:{g}")),
        requeue: true,
    });
    stages.push(Stage {
        name: "gather".into(),
        args: row_args,
        tasks: vec![Task {
            label: "report".into(),
            output: out.join("report.json"),
        }],
        array: false,
        values: Vec::new(),
        gres: None,
        requeue: true,
    });
    plan.stages = stages;
    send(&mut plan, a.site.dry_run, true)
}

fn run_ensemble(a: &EnsembleArgs) -> Result<()> {
    refuse_flags(
        &a.train,
        &["--seed", "--out", "--resume", "--resume-if-present"],
        "train cnn",
    )?;
    let mut seeds = a.seeds.clone();
    seeds.sort_unstable();
    seeds.dedup();
    if seeds.len() != a.seeds.len() {
        return Err(BadInput("--seeds: a seed is given twice".into()).into());
    }
    let check: Vec<String> = a
        .train
        .iter()
        .cloned()
        .chain(["--out".to_string(), "x".into()])
        .collect();
    let cli = parse(&["train", "cnn"], &check, "train cnn")?;
    let Command::Train(super::train::TrainCommand::Cnn(t)) = &cli.command else {
        return Err(anyhow::anyhow!("internal: not a train cnn command"));
    };
    let mut plan = new_plan("ensemble", &a.site)?;
    let data = plan.resolve(&t.data);
    if !data.exists() {
        return Err(BadInput(format!("--data {}: no such file", t.data.display())).into());
    }
    let out = plan.resolve(&a.out);
    let run_dir = |s: &str| out.join(format!("seed-{s}"));
    let bundle = |s: &str| out.join(format!("cnn-seed-{s}.bundle"));
    let values: Vec<String> = a.seeds.iter().map(u64::to_string).collect();
    let mut args = vec!["train".to_string(), "cnn".into()];
    args.extend(a.train.iter().cloned());
    args.extend([
        "--seed".into(),
        VALUE_TOKEN.into(),
        "--out".into(),
        run_dir(VALUE_TOKEN).display().to_string(),
        "--resume-if-present".into(),
    ]);
    let train = Stage {
        name: "train".into(),
        args,
        tasks: values
            .iter()
            .map(|v| Task {
                label: format!("seed {v}"),
                output: run_dir(v).join("METRICS.json"),
            })
            .collect(),
        array: true,
        values: values.clone(),
        gres: a.gpus.map(|g| format!("gpu:{g}")),
        requeue: true,
    };
    let export = Stage {
        name: "export".into(),
        args: vec![
            "export".into(),
            "--cnn".into(),
            run_dir(VALUE_TOKEN).display().to_string(),
            "--data".into(),
            data.display().to_string(),
            "--out".into(),
            bundle(VALUE_TOKEN).display().to_string(),
        ],
        tasks: values
            .iter()
            .map(|v| Task {
                label: format!("bundle of seed {v}"),
                output: bundle(v),
            })
            .collect(),
        array: true,
        values,
        gres: None,
        requeue: true,
    };
    plan.stages = vec![train, export];
    send(&mut plan, a.site.dry_run, true)
}

/// Submits what is pending; a new job directory whose first submission fails is removed
/// again, so a refused submission leaves nothing behind.
fn send(plan: &mut Plan, dry_run: bool, fresh: bool) -> Result<()> {
    let created = fresh && !dry_run && !plan.jobdir.exists();
    let res = submit(plan, dry_run, &now());
    // Once Slurm accepted anything, the job directory is its record: keep it.
    let created = created && plan.submissions.is_empty();
    match res {
        Ok(subs) if subs.is_empty() && !dry_run => {
            println!(
                "nothing to submit: every task of {} is done",
                plan.jobdir.display()
            );
            Ok(())
        }
        Ok(_) => {
            if !dry_run {
                println!(
                    "follow it with: galmass cluster status {}",
                    plan.jobdir.display()
                );
            }
            Ok(())
        }
        Err(e) => {
            if created {
                let _ = std::fs::remove_dir_all(&plan.jobdir);
            }
            Err(e)
        }
    }
}

fn run_status(a: &StatusArgs) -> Result<()> {
    let plan = Plan::load(&a.jobdir)?;
    let now = unix_secs() as i64;
    // The queue first, then the files: a task that ends in between reads as done, not lost.
    let ids: Vec<String> = plan.submissions.iter().map(|s| s.job_id.clone()).collect();
    let queued = galmass::cluster::slurm::still_queued(&ids).ok();
    let mut all: Vec<_> = plan
        .stages
        .iter()
        .flat_map(|st| stage_status(&plan, st, now))
        .collect();
    // With Slurm at hand, tasks it no longer holds are told from those still queued.
    if let Some(queued) = queued {
        mark_lost(&plan, &mut all, &queued);
    }
    if a.json {
        for t in &all {
            println!("{}", serde_json::to_string(t)?);
        }
        return Ok(());
    }
    println!("{} ({} campaign)", plan.jobdir.display(), plan.kind);
    println!(
        "{:<7} {:>5}  {:<26} {:<8} {:>9}  {:<12} {:>5}",
        "stage", "task", "label", "state", "seconds", "host", "exit"
    );
    for t in &all {
        println!(
            "{:<7} {:>5}  {:<26} {:<8} {:>9}  {:<12} {:>5}",
            t.stage,
            t.index,
            t.label,
            t.state.name(),
            t.seconds.map(|s| format!("{s:.0}")).unwrap_or_default(),
            t.host.clone().unwrap_or_default(),
            t.exit.map(|x| x.to_string()).unwrap_or_default()
        );
    }
    println!();
    for st in &plan.stages {
        let ts: Vec<_> = all.iter().filter(|t| t.stage == st.name).collect();
        let count = |s: TaskState| ts.iter().filter(|t| t.state == s).count();
        let secs: Vec<f64> = ts
            .iter()
            .filter(|t| t.state == TaskState::Done)
            .filter_map(|t| t.seconds)
            .collect();
        let total: f64 = secs.iter().fold(0.0, |a, b| a + b);
        println!(
            "{:<7} {}/{} done, {} running, {} waiting, {} stopped, {} failed, {} lost; done \
             tasks took {:.0} s in all (longest {:.0} s)",
            st.name,
            count(TaskState::Done),
            ts.len(),
            count(TaskState::Running),
            count(TaskState::Waiting),
            count(TaskState::Stopped),
            count(TaskState::Failed),
            count(TaskState::Lost),
            total,
            secs.iter().cloned().fold(0.0, f64::max)
        );
    }
    let unfinished = all
        .iter()
        .filter(|t| {
            matches!(
                t.state,
                TaskState::Stopped | TaskState::Failed | TaskState::Lost
            )
        })
        .count();
    if unfinished > 0 {
        println!(
            "{unfinished} task(s) stopped, failed or lost (logs in {}): `galmass cluster submit \
             {}` resubmits them and what depends on them",
            plan.jobdir.join("logs").display(),
            a.jobdir.display()
        );
    }
    if let Some(s) = plan.submissions.last() {
        println!("last submission: {} job {} at {}", s.stage, s.job_id, s.at);
    }
    Ok(())
}
