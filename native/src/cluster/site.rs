//! What a cluster site asks of every job script: partition, account, QoS, time limit,
//! memory, CPUs per task and the site's own prelude lines. Part of the [`super::Plan`]
//! (`cluster.json`) and rendered by [`super::script`].

use serde::{Deserialize, Serialize};

/// What a site needs in every script; each field maps to one `#SBATCH` option.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// `--partition`.
    pub partition: Option<String>,
    /// `--account`.
    pub account: Option<String>,
    /// `--qos`.
    pub qos: Option<String>,
    /// `--time` of every job (Slurm's format, e.g. `02:00:00`).
    pub time: Option<String>,
    /// `--mem` per job (e.g. `8G`).
    pub mem: Option<String>,
    /// `--cpus-per-task`.
    pub cpus_per_task: usize,
    /// Lines placed after the directives of every script, verbatim: further `#SBATCH` lines
    /// and set-up commands (`module load …`, `source env.sh`).
    pub prelude: Vec<String>,
}
