//! The plan of a campaign (`cluster.json`): its stages in order, each with its tasks and
//! their output files, and the submissions made so far.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::site::Site;
use crate::BadInput;
use crate::atomic::write_atomic;

/// Schema of `cluster.json`.
pub const PLAN_SCHEMA: &str = "galmass-cluster/1";
/// Name of the plan file in the job directory.
pub const PLAN_FILE: &str = "cluster.json";
/// Where a task's command line puts the task's index (`$SLURM_ARRAY_TASK_ID`).
pub const TASK_TOKEN: &str = "{task}";
/// Where a task's command line puts the stage's value for the task ([`Stage::values`]).
pub const VALUE_TOKEN: &str = "{value}";

/// One task of a stage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// What the task makes, in words (`shard 2/4`, `r_vel-mstar`).
    pub label: String,
    /// The file whose presence means the task is finished (relative to the plan's workdir
    /// unless absolute).
    pub output: PathBuf,
}

/// A stage: one Slurm job, an array when it has several tasks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// Short name (`build`, `merge`, `data`, `rows`, `gather`): job name, script and logs.
    pub name: String,
    /// The galmass arguments of a task; [`TASK_TOKEN`] stands for the task's index and
    /// [`VALUE_TOKEN`] for its entry of `values`.
    pub args: Vec<String>,
    /// One value per task (e.g. the seed of an ensemble member), when the stage has them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// The tasks; index = Slurm array index.
    pub tasks: Vec<Task>,
    /// Submitted as a job array (even with one task).
    pub array: bool,
    /// Generic resources per task (`gpu:1`), when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gres: Option<String>,
    /// Requeue the task when Slurm preempts it or its node fails (`--requeue`).
    #[serde(default)]
    pub requeue: bool,
}

/// One `sbatch` call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// The stage submitted.
    pub stage: String,
    /// Slurm's job id (of the array).
    pub job_id: String,
    /// Task indices submitted.
    pub indices: Vec<usize>,
    /// When, ISO 8601 UTC.
    pub at: String,
}

/// A campaign: see the module documentation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`PLAN_SCHEMA`].
    pub schema: String,
    /// `dataset` or `reproduce`.
    pub kind: String,
    /// The `galmass cluster …` command that made the plan.
    pub command: String,
    /// Directory the jobs run in (`#SBATCH --chdir`), absolute; relative paths start here.
    pub workdir: PathBuf,
    /// The job directory (scripts, logs, task records, shards), absolute.
    pub jobdir: PathBuf,
    /// The galmass executable the tasks run, absolute.
    pub galmass: PathBuf,
    /// The site's Slurm options, used for every script.
    pub site: Site,
    /// The stages, in dependency order.
    pub stages: Vec<Stage>,
    /// Every submission so far, oldest first.
    #[serde(default)]
    pub submissions: Vec<Submission>,
}

impl Plan {
    /// `cluster.json` of `jobdir`.
    pub fn path(jobdir: &Path) -> PathBuf {
        jobdir.join(PLAN_FILE)
    }

    /// Reads the plan of `jobdir`.
    pub fn load(jobdir: &Path) -> Result<Plan> {
        let p = Plan::path(jobdir);
        let text = std::fs::read_to_string(&p).map_err(|e| {
            BadInput(format!(
                "{}: cannot read ({e}); is {} a job directory of `galmass cluster`?",
                p.display(),
                jobdir.display()
            ))
        })?;
        let plan: Plan = serde_json::from_str(&text)
            .map_err(|e| BadInput(format!("{}: not a cluster plan: {e}", p.display())))?;
        if plan.schema != PLAN_SCHEMA {
            return Err(BadInput(format!(
                "{}: schema `{}`, this galmass reads `{PLAN_SCHEMA}`",
                p.display(),
                plan.schema
            ))
            .into());
        }
        Ok(plan)
    }

    /// Writes the plan (temporary file, then rename).
    pub fn save(&self) -> Result<()> {
        write_atomic(&Plan::path(&self.jobdir), &serde_json::to_vec_pretty(self)?)
            .with_context(|| format!("writing the plan in {}", self.jobdir.display()))
    }

    /// A path of the plan made absolute against its workdir.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.workdir.join(p)
        }
    }

    /// Whether task `t` of `stage` is finished (its output exists).
    pub fn is_done(&self, t: &Task) -> bool {
        self.resolve(&t.output).exists()
    }

    /// The script of a stage.
    pub fn script_path(&self, stage: &Stage) -> PathBuf {
        self.jobdir.join(format!("{}.sbatch", stage.name))
    }

    /// The record a task writes as it runs.
    pub fn record_path(&self, stage: &Stage, index: usize) -> PathBuf {
        self.jobdir
            .join("tasks")
            .join(format!("{}-{index}.json", stage.name))
    }

    /// What a submission now would send, per stage: the unfinished tasks of a stage whose
    /// consumer (the next stage) is itself unfinished, or of the last stage — so shards
    /// deleted after their merge are not rebuilt — and every task of every stage after the
    /// first one sent (a rebuilt shard makes the merge stale, a retrained row the report).
    pub fn pending(&self) -> Vec<(usize, Vec<usize>)> {
        let unfinished = |st: &Stage| -> Vec<usize> {
            st.tasks
                .iter()
                .enumerate()
                .filter(|(_, t)| !self.is_done(t))
                .map(|(i, _)| i)
                .collect()
        };
        let mut out = Vec::new();
        for (k, st) in self.stages.iter().enumerate() {
            let idx: Vec<usize> = if !out.is_empty() {
                (0..st.tasks.len()).collect()
            } else {
                let consumer_needs = self
                    .stages
                    .get(k + 1)
                    .is_none_or(|next| !unfinished(next).is_empty());
                if consumer_needs {
                    unfinished(st)
                } else {
                    Vec::new()
                }
            };
            if !idx.is_empty() {
                out.push((k, idx));
            }
        }
        out
    }
}

/// `0,2,5-7`: Slurm's `--array` list of sorted indices.
pub fn array_spec(indices: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut k = 0;
    while k < indices.len() {
        let start = indices[k];
        let mut end = start;
        while k + 1 < indices.len() && indices[k + 1] == end + 1 {
            k += 1;
            end = indices[k];
        }
        parts.push(if end > start {
            format!("{start}-{end}")
        } else {
            start.to_string()
        });
        k += 1;
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(dir: &Path) -> Plan {
        let task = |k: usize| Task {
            label: format!("shard {k}/3"),
            output: PathBuf::from(format!("shard-{k}.h5")),
        };
        Plan {
            schema: PLAN_SCHEMA.into(),
            kind: "dataset".into(),
            command: String::new(),
            workdir: dir.to_path_buf(),
            jobdir: dir.join("job"),
            galmass: PathBuf::from("/bin/galmass"),
            site: Site::default(),
            stages: vec![
                Stage {
                    name: "build".into(),
                    args: vec![],
                    tasks: (0..3).map(task).collect(),
                    array: true,
                    values: vec![],
                    gres: None,
                    requeue: true,
                },
                Stage {
                    name: "merge".into(),
                    args: vec![],
                    tasks: vec![Task {
                        label: "merged".into(),
                        output: PathBuf::from("all.h5"),
                    }],
                    array: false,
                    values: vec![],
                    gres: None,
                    requeue: false,
                },
            ],
            submissions: vec![],
        }
    }

    #[test]
    fn array_lists_compress_runs() {
        assert_eq!(array_spec(&[0, 1, 2, 3]), "0-3");
        assert_eq!(array_spec(&[0, 2, 5, 6, 7, 9]), "0,2,5-7,9");
        assert_eq!(array_spec(&[4]), "4");
    }

    #[test]
    fn pending_sends_missing_tasks_their_consumers_need_and_everything_after() {
        let dir = tempfile::tempdir().unwrap();
        let p = plan(dir.path());
        assert_eq!(p.pending(), vec![(0, vec![0, 1, 2]), (1, vec![0])]);
        for k in [0, 2] {
            std::fs::write(dir.path().join(format!("shard-{k}.h5")), b"x").unwrap();
        }
        // The missing shard, and the merge after it.
        assert_eq!(p.pending(), vec![(0, vec![1]), (1, vec![0])]);
        std::fs::write(dir.path().join("shard-1.h5"), b"x").unwrap();
        assert_eq!(p.pending(), vec![(1, vec![0])]);
        std::fs::write(dir.path().join("all.h5"), b"x").unwrap();
        assert_eq!(p.pending(), vec![]);
        // Shards removed after their merge are not rebuilt.
        for k in 0..3 {
            std::fs::remove_file(dir.path().join(format!("shard-{k}.h5"))).unwrap();
        }
        assert_eq!(p.pending(), vec![]);
    }
}
