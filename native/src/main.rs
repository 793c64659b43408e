//! `galmass`: the command-line interface. Exit status 0 on success, 2 on bad input (the
//! message names the file, field or value), 1 on internal errors.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    restore_default_sigpipe();
    let args = cli::Cli::parse();
    match cli::run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(galmass::exit_status(&e))
        }
    }
}

/// Rust ignores SIGPIPE, so printing into a closed pipe (`galmass dataset info f.h5 | head`)
/// would panic. Restore the default action: the process ends quietly, as `cat` would.
#[cfg(unix)]
#[allow(unsafe_code)]
fn restore_default_sigpipe() {
    // SAFETY: called once at start-up, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_default_sigpipe() {}
