//! Progress bars (indicatif) on stderr; invisible when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar for `n` items labelled `what`, with elapsed time, rate and ETA.
pub fn bar(n: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(n);
    let style = ProgressStyle::with_template(
        "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} ({per_sec}, eta {eta})",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_message(what.to_string());
    pb
}
