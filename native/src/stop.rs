//! Stopping long work cleanly on SIGTERM or SIGINT: what Slurm sends when it preempts or
//! cancels a job (`scancel`, `--requeue`, time limit) and what Ctrl-C sends. While a CNN
//! trains (an [`Armed`] guard is held), the first signal sets a flag that the training loop
//! reads after every step: it finishes the step, writes a checkpoint and returns
//! [`Stopped`], which the command line turns into exit status [`STOPPED_EXIT`]; `--resume`
//! continues from there. A second signal ends the process at once (exit 1). Outside the
//! guard (dataset builds, GBDT training, reports) the signals keep their default action.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use thiserror::Error;

/// Exit status of a run stopped by a signal after writing its checkpoint: 75, `EX_TEMPFAIL`
/// of sysexits.h ("try again later"). A process killed by the signal itself shows as 143
/// (128 + SIGTERM) in a shell, so the two are told apart.
pub const STOPPED_EXIT: u8 = 75;

/// The run was stopped by a signal after saving its state; the message says how to go on.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct Stopped(pub String);

struct Flags {
    /// A stop was asked for while armed.
    stop: Arc<AtomicBool>,
    /// No guard is held: a signal takes its default action.
    disarmed: Arc<AtomicBool>,
}

static FLAGS: OnceLock<Flags> = OnceLock::new();

fn flags() -> &'static Flags {
    FLAGS.get_or_init(|| {
        let f = Flags {
            stop: Arc::new(AtomicBool::new(false)),
            disarmed: Arc::new(AtomicBool::new(true)),
        };
        #[cfg(unix)]
        for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
            use signal_hook::flag;
            // Actions run in the order registered: disarmed → the default action (the
            // process ends by the signal); armed and already asked → exit 1; else ask.
            let _ = flag::register_conditional_default(sig, Arc::clone(&f.disarmed));
            let _ = flag::register_conditional_shutdown(sig, 1, Arc::clone(&f.stop));
            let _ = flag::register(sig, Arc::clone(&f.stop));
        }
        f
    })
}

/// While held, SIGTERM/SIGINT ask for a stop instead of ending the process.
pub struct Armed(());

/// Installs the handlers (once per process) and arms them until the guard is dropped.
pub fn arm() -> Armed {
    let f = flags();
    f.stop.store(false, Ordering::SeqCst);
    f.disarmed.store(false, Ordering::SeqCst);
    Armed(())
}

impl Drop for Armed {
    fn drop(&mut self) {
        if let Some(f) = FLAGS.get() {
            f.disarmed.store(true, Ordering::SeqCst);
        }
    }
}

/// Whether a stop was asked for since the last [`arm`].
pub fn requested() -> bool {
    FLAGS.get().is_some_and(|f| f.stop.load(Ordering::SeqCst))
}
