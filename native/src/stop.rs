//! Stopping long work cleanly on SIGTERM or SIGINT: what Slurm sends when it preempts or
//! cancels a job (`scancel`, `--requeue`, time limit) and what Ctrl-C sends. The first
//! signal sets a flag that the CNN training loop reads after every step: it finishes the
//! step, writes a checkpoint and returns [`Stopped`], which the command line turns into exit
//! status [`STOPPED_EXIT`]; `--resume` continues from there. A second signal ends the process
//! at once.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use thiserror::Error;

/// Exit status of a run stopped by a signal after writing its checkpoint: 128 + SIGTERM,
/// what a shell reports for a process ended by SIGTERM.
pub const STOPPED_EXIT: u8 = 143;

/// The run was stopped by a signal after saving its state; the message says how to go on.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct Stopped(pub String);

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Installs the handlers (once per process; later calls do nothing). Where signals are not
/// available the flag simply never rises.
pub fn install() {
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        #[cfg(unix)]
        for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
            // Order matters: the conditional shutdown (exit 1 if the flag is already set)
            // must be registered before the handler that sets it.
            let _ = signal_hook::flag::register_conditional_shutdown(sig, 1, Arc::clone(&flag));
            let _ = signal_hook::flag::register(sig, Arc::clone(&flag));
        }
        flag
    });
}

/// Whether a stop was asked for since [`install`].
pub fn requested() -> bool {
    FLAG.get().is_some_and(|f| f.load(Ordering::Relaxed))
}
