//! galmass web app (filled in by the foundation work).
fn main() {}
