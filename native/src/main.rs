//! `galmass`: the command-line interface. Exit status 0 on success, 2 on bad input (the
//! message names the file, field or value), 1 on internal errors.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(galmass::exit_status(&e))
        }
    }
}
