//! `galmass`: the command-line interface (filled in by the CLI work).
fn main() {}
