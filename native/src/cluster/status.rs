//! Progress of a campaign from its own files: a task is done when its output exists;
//! otherwise its record `tasks/<stage>-<i>.json` (written by the task's script) says whether
//! it runs, was stopped by a signal after a checkpoint, or failed, and since when.

use serde::{Deserialize, Serialize};

use super::plan::{Plan, Stage};

/// A task's record as its script writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// `running`, `done`, `stopped` or `failed`.
    pub state: String,
    /// Slurm job id (of the array).
    pub job: String,
    /// Task index.
    pub task: usize,
    /// Node it ran on.
    pub host: String,
    /// Start, Unix seconds.
    pub start: i64,
    /// End, Unix seconds.
    #[serde(default)]
    pub end: Option<i64>,
    /// Exit status.
    #[serde(default)]
    pub exit: Option<i32>,
}

/// Where a task stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Its output exists.
    Done,
    /// Its record says it runs.
    Running,
    /// A signal stopped it after it saved a checkpoint; a resubmission resumes it.
    Stopped,
    /// It ended with an error (see its log), or its output is missing after it ended.
    Failed,
    /// No record: not started yet (or never submitted).
    Waiting,
    /// Submitted, not finished, and no longer in Slurm's queue (cancelled before it ran, or
    /// killed without a chance to record it): resubmit it.
    Lost,
}

impl TaskState {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            TaskState::Done => "done",
            TaskState::Running => "running",
            TaskState::Stopped => "stopped",
            TaskState::Failed => "failed",
            TaskState::Waiting => "waiting",
            TaskState::Lost => "lost",
        }
    }
}

/// One task's status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskStatus {
    /// Stage name.
    pub stage: String,
    /// Task index.
    pub index: usize,
    /// The task's label.
    pub label: String,
    /// Where it stands.
    pub state: TaskState,
    /// Wall seconds it took (done, stopped, failed) or has run so far (running).
    pub seconds: Option<f64>,
    /// Node, Slurm job and exit status from its record.
    pub host: Option<String>,
    /// Slurm job id (of the array).
    pub job: Option<String>,
    /// Exit status.
    pub exit: Option<i32>,
}

/// The status of every task of `stage`; `now` is Unix seconds (for running tasks).
pub fn stage_status(plan: &Plan, stage: &Stage, now: i64) -> Vec<TaskStatus> {
    stage
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let rec: Option<Record> = std::fs::read(plan.record_path(stage, i))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok());
            let done = plan.is_done(t);
            let state = match (&rec, done) {
                (_, true) => TaskState::Done,
                (None, false) => TaskState::Waiting,
                (Some(r), false) => match r.state.as_str() {
                    "running" => TaskState::Running,
                    "stopped" => TaskState::Stopped,
                    _ => TaskState::Failed,
                },
            };
            let seconds = rec
                .as_ref()
                .map(|r| (r.end.unwrap_or(now) - r.start) as f64)
                .filter(|_| state != TaskState::Waiting);
            TaskStatus {
                stage: stage.name.clone(),
                index: i,
                label: t.label.clone(),
                state,
                seconds,
                host: rec.as_ref().map(|r| r.host.clone()),
                job: rec.as_ref().map(|r| r.job.clone()),
                exit: rec.as_ref().and_then(|r| r.exit),
            }
        })
        .collect()
}

/// Reconciles the tasks with Slurm's queue: `queued` lists the job ids `squeue` shows, one
/// per array element (`123_4`) or job (`125`). An unfinished task whose latest submission
/// Slurm still holds, but whose record comes from an earlier job, is waiting again; an
/// unfinished task that was waiting or running (or whose record is from an earlier job) and
/// whose latest submission Slurm no longer holds is [`TaskState::Lost`].
pub fn mark_lost(plan: &Plan, tasks: &mut [TaskStatus], queued: &[String]) {
    for t in tasks.iter_mut() {
        if t.state == TaskState::Done {
            continue;
        }
        let Some(stage) = plan.stages.iter().find(|s| s.name == t.stage) else {
            continue;
        };
        let Some(sub) = plan
            .submissions
            .iter()
            .rev()
            .find(|s| s.stage == t.stage && s.indices.contains(&t.index))
        else {
            continue;
        };
        let id = if stage.array {
            format!("{}_{}", sub.job_id, t.index)
        } else {
            sub.job_id.clone()
        };
        let held = queued.contains(&id);
        let stale = t.job.as_ref().is_some_and(|j| *j != sub.job_id);
        if stale {
            t.state = if held {
                TaskState::Waiting
            } else {
                TaskState::Lost
            };
        } else if matches!(t.state, TaskState::Waiting | TaskState::Running) && !held {
            t.state = TaskState::Lost;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::plan::{PLAN_SCHEMA, Task};
    use std::path::PathBuf;

    #[test]
    fn state_comes_from_outputs_then_records() {
        let dir = tempfile::tempdir().unwrap();
        let stage = Stage {
            name: "build".into(),
            args: vec![],
            tasks: (0..4)
                .map(|k| Task {
                    label: format!("shard {k}/4"),
                    output: PathBuf::from(format!("s{k}.h5")),
                })
                .collect(),
            array: true,
            values: vec![],
            gres: None,
            requeue: true,
        };
        let plan = Plan {
            schema: PLAN_SCHEMA.into(),
            kind: "dataset".into(),
            command: String::new(),
            workdir: dir.path().to_path_buf(),
            jobdir: dir.path().join("job"),
            galmass: PathBuf::from("galmass"),
            site: crate::cluster::Site::default(),
            stages: vec![stage.clone()],
            submissions: vec![],
        };
        std::fs::create_dir_all(dir.path().join("job/tasks")).unwrap();
        let rec = |i: usize, body: &str| {
            std::fs::write(plan.record_path(&stage, i), body).unwrap();
        };
        std::fs::write(dir.path().join("s0.h5"), b"x").unwrap();
        rec(
            0,
            r#"{"state":"done","job":"7","task":0,"host":"n1","start":100,"end":130,"exit":0}"#,
        );
        rec(
            1,
            r#"{"state":"running","job":"7","task":1,"host":"n2","start":100}"#,
        );
        rec(
            2,
            r#"{"state":"stopped","job":"7","task":2,"host":"n1","start":100,"end":110,"exit":75}"#,
        );
        let s = stage_status(&plan, &stage, 160);
        let states: Vec<_> = s.iter().map(|t| t.state).collect();
        assert_eq!(
            states,
            [
                TaskState::Done,
                TaskState::Running,
                TaskState::Stopped,
                TaskState::Waiting
            ]
        );
        assert_eq!(s[0].seconds, Some(30.0));
        assert_eq!(s[1].seconds, Some(60.0));
        assert_eq!(s[2].exit, Some(75));
        assert_eq!(s[3].seconds, None);
        // Task 1 runs and task 3 waits in the queue; once Slurm no longer holds them,
        // they are lost.
        let mut plan = plan;
        plan.submissions.push(crate::cluster::Submission {
            stage: "build".into(),
            job_id: "7".into(),
            indices: vec![0, 1, 2, 3],
            at: String::new(),
        });
        let mut q = s.clone();
        mark_lost(&plan, &mut q, &["7_1".into(), "7_3".into()]);
        assert_eq!(q, s);
        let mut q = s.clone();
        mark_lost(&plan, &mut q, &["7_1".into()]);
        assert_eq!(q[1].state, TaskState::Running);
        assert_eq!(q[3].state, TaskState::Lost);
        assert_eq!(q[0].state, TaskState::Done);
        // Task 2 (stopped in job 7) resubmitted as job 9: waiting while queued, lost after.
        plan.submissions.push(crate::cluster::Submission {
            stage: "build".into(),
            job_id: "9".into(),
            indices: vec![2],
            at: String::new(),
        });
        let mut q = s.clone();
        mark_lost(&plan, &mut q, &["7_1".into(), "7_3".into(), "9_2".into()]);
        assert_eq!(q[2].state, TaskState::Waiting);
        let mut q = s.clone();
        mark_lost(&plan, &mut q, &["7_1".into(), "7_3".into()]);
        assert_eq!(q[2].state, TaskState::Lost);
    }
}
