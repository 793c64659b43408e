//! The `sbatch` script of a stage: Slurm directives (the site's partition, account, time
//! limit… and a prelude of the site's own lines, such as `module load hdf5`), then the task:
//! it records `tasks/<stage>-<i>.json` as running, runs galmass, and records how it ended
//! (`done`, `stopped` when a signal stopped it after a checkpoint, `failed`) with the times.

use std::path::Path;

use super::plan::{Plan, Stage, TASK_TOKEN, VALUE_TOKEN};
use crate::stop::STOPPED_EXIT;

/// `s` quoted for bash when it needs it (single quotes; `'` as `'\''`).
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%^".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A task's argument in the script: quoted, with [`TASK_TOKEN`] replaced by `$i` and
/// [`VALUE_TOKEN`] by `$v` (the task's value).
fn arg(a: &str) -> String {
    let q = |x: &str| {
        if x.is_empty() {
            String::new()
        } else {
            shell_quote(x)
        }
    };
    a.split(TASK_TOKEN)
        .map(|part| {
            part.split(VALUE_TOKEN)
                .map(q)
                .collect::<Vec<_>>()
                .join("\"$v\"")
        })
        .collect::<Vec<_>>()
        .join("\"$i\"")
}

fn p(path: &Path) -> String {
    shell_quote(&path.display().to_string())
}

/// The script text of `stage`.
pub fn render(plan: &Plan, stage: &Stage) -> String {
    let site = &plan.site;
    let mut s = String::from("#!/bin/bash\n");
    let mut d = |x: String| s.push_str(&format!("#SBATCH {x}\n"));
    d(format!("--job-name=galmass-{}", stage.name));
    d(format!("--chdir={}", p(&plan.workdir)));
    let log = plan.jobdir.join("logs").join(if stage.array {
        format!("{}-%A_%a.out", stage.name)
    } else {
        format!("{}-%j.out", stage.name)
    });
    d(format!("--output={}", p(&log)));
    d("--open-mode=append".into());
    d(format!("--cpus-per-task={}", site.cpus_per_task.max(1)));
    for (k, v) in [
        ("partition", &site.partition),
        ("account", &site.account),
        ("qos", &site.qos),
        ("time", &site.time),
        ("mem", &site.mem),
    ] {
        if let Some(v) = v {
            d(format!("--{k}={}", shell_quote(v)));
        }
    }
    if let Some(g) = &stage.gres {
        d(format!("--gres={}", shell_quote(g)));
    }
    if stage.requeue {
        d("--requeue".into());
    }
    for line in &site.prelude {
        s.push_str(line);
        s.push('\n');
    }
    let outputs: Vec<String> = stage
        .tasks
        .iter()
        .map(|t| p(&plan.resolve(&t.output)))
        .collect();
    let cmd: Vec<String> = std::iter::once(p(&plan.galmass))
        .chain(stage.args.iter().map(|a| arg(a)))
        .collect();
    s.push_str(&format!(
        r#"
# galmass cluster: stage `{stage}` of {jobdir}
set -u
i=${{SLURM_ARRAY_TASK_ID:-0}}
# Threads (rayon, the CPU backend) on the CPUs Slurm gave the task, not the whole node's.
export RAYON_NUM_THREADS=${{SLURM_CPUS_PER_TASK:-1}}
rec={records}/{stage}-$i.json
job=${{SLURM_ARRAY_JOB_ID:-${{SLURM_JOB_ID:-}}}}
host=$(hostname)
start=$(date +%s)
# The file whose presence means task i is finished (galmass cluster status reads it).
outputs=({outputs}){values}
mkdir -p {records} "$(dirname "${{outputs[$i]}}")"
record() {{ # state [end exit]
  printf '{{"state":"%s","job":"%s","task":%d,"host":"%s","start":%d%s}}\n' \
    "$1" "$job" "$i" "$host" "$start" "${{2:+,\"end\":$2,\"exit\":$3}}" >"$rec.tmp" && mv "$rec.tmp" "$rec"
}}
record running
# SIGTERM (scancel, preemption, time limit) reaches galmass too: it finishes its step,
# writes its checkpoint and exits {stopped}; the shell waits for it, then records the end.
trap 'true' TERM INT
{cmd}
rc=$?
case $rc in 0) state=done ;; {stopped}) state=stopped ;; *) state=failed ;; esac
record "$state" "$(date +%s)" "$rc"
exit $rc
"#,
        stage = stage.name,
        jobdir = plan.jobdir.display(),
        records = p(&plan.jobdir.join("tasks")),
        stopped = STOPPED_EXIT,
        cmd = cmd.join(" "),
        outputs = outputs.join(" "),
        values = if stage.values.is_empty() {
            String::new()
        } else {
            format!(
                "\n# The task's value (e.g. an ensemble member's seed).\nvalues=({})\nv=${{values[$i]}}",
                stage
                    .values
                    .iter()
                    .map(|v| shell_quote(v))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        },
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::plan::{PLAN_SCHEMA, Task};
    use crate::cluster::site::Site;
    use std::path::PathBuf;

    #[test]
    fn quoting_is_bash_safe() {
        assert_eq!(shell_quote("--galaxies"), "--galaxies");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(arg("shard-{task}-of-4.h5"), "shard-\"$i\"-of-4.h5");
        assert_eq!(arg("{task}/4"), "\"$i\"/4");
        assert_eq!(arg("seed-{value}"), "seed-\"$v\"");
        assert_eq!(arg("a b{value}/{task}"), "'a b'\"$v\"/\"$i\"");
    }

    #[test]
    fn script_carries_site_directives_and_the_task() {
        let site = Site {
            partition: Some("gpu".into()),
            account: Some("astro".into()),
            time: Some("12:00:00".into()),
            cpus_per_task: 4,
            prelude: vec!["module load hdf5".into()],
            ..Site::default()
        };
        let plan = Plan {
            schema: PLAN_SCHEMA.into(),
            kind: "dataset".into(),
            command: String::new(),
            workdir: PathBuf::from("/w"),
            jobdir: PathBuf::from("/w/job"),
            galmass: PathBuf::from("/opt/galmass"),
            site,
            stages: vec![],
            submissions: vec![],
        };
        let stage = Stage {
            name: "rows".into(),
            args: vec!["reproduce".into(), "--task".into(), "{task}".into()],
            tasks: vec![Task {
                label: "r-mstar".into(),
                output: PathBuf::from("x"),
            }],
            array: true,
            values: vec![],
            gres: Some("gpu:1".into()),
            requeue: true,
        };
        let s = render(&plan, &stage);
        for want in [
            "#SBATCH --partition=gpu\n",
            "#SBATCH --account=astro\n",
            "#SBATCH --time=12:00:00\n",
            "#SBATCH --cpus-per-task=4\n",
            "#SBATCH --gres=gpu:1\n",
            "#SBATCH --requeue\n",
            "#SBATCH --output=/w/job/logs/rows-%A_%a.out\n",
            "module load hdf5\n",
            "outputs=(/w/x)\n",
            "/opt/galmass reproduce --task \"$i\"\n",
        ] {
            assert!(s.contains(want), "missing {want:?} in\n{s}");
        }
        // Directives must come before the first command, or sbatch ignores them.
        let last_directive = s.rfind("#SBATCH").unwrap();
        assert!(last_directive < s.find("module load").unwrap());
    }
}
