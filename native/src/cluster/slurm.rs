//! Talking to Slurm through its own commands: `sbatch --parsable` to submit, `squeue` to see
//! what is still queued, `scancel` to withdraw a submission that could not be completed.

use std::process::Command;

use anyhow::Result;

use super::plan::{Plan, Submission, array_spec};
use super::script::render;
use crate::BadInput;
use crate::atomic::write_atomic;

/// Runs a Slurm command, returning its standard output; a missing command or a refusal is
/// [`BadInput`] with Slurm's own message.
fn slurm(cmd: &str, args: &[String]) -> Result<String> {
    let mut c = Command::new(cmd);
    // The user's defaults for squeue (states, users, partitions, names shown) must not hide
    // our jobs.
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("SQUEUE_") {
            c.env_remove(k);
        }
    }
    let out = c.args(args).output().map_err(|e| {
        BadInput(format!(
            "cannot run `{cmd}` ({e}): galmass cluster needs Slurm's commands (sbatch, squeue, \
             scancel) on PATH — run it on a login node of the cluster"
        ))
    })?;
    if !out.status.success() {
        return Err(BadInput(format!(
            "`{cmd} {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The jobs among `ids` that Slurm still holds (pending or running), as `squeue` prints them.
pub fn still_queued(ids: &[String]) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // `squeue -j` fails on ids it no longer knows; list the user's jobs (hidden partitions
    // too) and filter instead.
    let out = slurm(
        "squeue",
        &[
            "--noheader".into(),
            "--me".into(),
            "--all".into(),
            "--array".into(),
            "--format=%i %F".into(),
        ],
    )?;
    let mut held = Vec::new();
    for line in out.lines() {
        let mut it = line.split_whitespace();
        let (Some(id), Some(array)) = (it.next(), it.next()) else {
            continue;
        };
        if ids.iter().any(|x| x == array || x == id) {
            held.push(id.to_string());
        }
    }
    Ok(held)
}

/// Writes every stage's script and submits what [`Plan::pending`] lists, stage by stage,
/// each depending on the previous one submitted (`afterok`, cancelled by Slurm when that one
/// fails: `--kill-on-invalid-dep=yes`). The plan is saved before the first `sbatch` and after
/// each accepted one, so a submission interrupted half-way is still on record. All or
/// nothing: when Slurm refuses a stage, the stages already submitted in this call are
/// cancelled (and stay on record as cancelled jobs). With `dry_run`, prints the scripts and
/// the `sbatch` lines instead. Returns the new submissions.
pub fn submit(plan: &mut Plan, dry_run: bool, now: &str) -> Result<Vec<Submission>> {
    let pending = plan.pending();
    if pending.is_empty() {
        if !dry_run {
            plan.save()?;
        }
        return Ok(Vec::new());
    }
    if !dry_run {
        let earlier: Vec<String> = plan.submissions.iter().map(|s| s.job_id.clone()).collect();
        let held = still_queued(&earlier)?;
        if !held.is_empty() {
            return Err(BadInput(format!(
                "jobs of an earlier submission are still queued or running ({}): wait for \
                 them, or cancel them (scancel), before resubmitting; `galmass cluster status \
                 {}` shows their tasks",
                held.join(", "),
                plan.jobdir.display()
            ))
            .into());
        }
        for d in ["logs", "tasks"] {
            std::fs::create_dir_all(plan.jobdir.join(d)).map_err(|e| {
                BadInput(format!(
                    "{}: cannot create ({e})",
                    plan.jobdir.join(d).display()
                ))
            })?;
        }
        // Task outputs inside the job directory (shards) need their folder.
        for t in plan.stages.iter().flat_map(|st| &st.tasks) {
            let out = plan.resolve(&t.output);
            if let Some(parent) = out.parent()
                && parent.starts_with(&plan.jobdir)
            {
                std::fs::create_dir_all(parent)?;
            }
        }
        for st in &plan.stages {
            write_atomic(&plan.script_path(st), render(plan, st).as_bytes())?;
        }
        plan.save()?;
    }
    let mut new: Vec<Submission> = Vec::new();
    let mut previous: Option<String> = None;
    for (k, indices) in pending {
        let st = &plan.stages[k];
        let mut args = vec!["--parsable".to_string()];
        if st.array {
            args.push(format!("--array={}", array_spec(&indices)));
        }
        if let Some(j) = &previous {
            args.push(format!("--dependency=afterok:{j}"));
            args.push("--kill-on-invalid-dep=yes".into());
        }
        args.push(plan.script_path(st).display().to_string());
        if dry_run {
            println!("# {}", plan.script_path(st).display());
            print!("{}", render(plan, st));
            println!("\n$ sbatch {}\n", args.join(" "));
            previous = Some(format!("<job id of {}>", st.name));
            continue;
        }
        let job = match slurm("sbatch", &args) {
            Ok(out) => out.trim().split(';').next().unwrap_or_default().to_string(),
            Err(e) => {
                let ids: Vec<String> = new.iter().map(|s| s.job_id.clone()).collect();
                if !ids.is_empty() {
                    let _ = slurm("scancel", &ids);
                }
                return Err(e.context(format!(
                    "submitting stage `{}` (nothing of this submission is left queued)",
                    st.name
                )));
            }
        };
        let line = format!(
            "submitted {} as job {job}{} ({} task{})",
            st.name,
            if st.array {
                format!(" array {}", array_spec(&indices))
            } else {
                String::new()
            },
            indices.len(),
            if indices.len() == 1 { "" } else { "s" }
        );
        let sub = Submission {
            stage: st.name.clone(),
            job_id: job.clone(),
            indices,
            at: now.to_string(),
        };
        new.push(sub.clone());
        plan.submissions.push(sub);
        plan.save()?;
        println!("{line}");
        previous = Some(job);
    }
    Ok(new)
}
