//! Running galmass on a Slurm cluster (`galmass cluster`): a campaign is a [`Plan`] of
//! stages — a job array (dataset shards, grid rows) or a single job (merge, gather) — each
//! task with the file whose presence means it is finished. The plan is written as
//! `cluster.json` in a job directory with one `sbatch` script per stage ([`script`]);
//! [`submit`] hands to Slurm the tasks whose files are missing, each stage depending on the
//! previous one (`afterok`), so the first submission and a resubmission after a failure are
//! the same operation. Each task records how it ran in `tasks/<stage>-<i>.json`
//! ([`status`]): progress is read from files, with no database and no daemon of ours.

pub mod plan;
pub mod script;
pub mod site;
pub mod slurm;
pub mod status;

pub use plan::{Plan, Stage, Submission, Task};
pub use site::Site;
pub use slurm::submit;
pub use status::{TaskState, TaskStatus, mark_lost, stage_status};
