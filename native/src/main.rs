//! `galmass`: the command-line interface (verbs are wired as the generator and the
//! measurements land in core).
fn main() {}
