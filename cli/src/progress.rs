//! The progress bar of the long commands (import, export, share) on stderr, drawn by indicatif
//! (which redraws in place, throttles and hides itself when stderr is not a terminal). The
//! listeners only report counts; the bar appears when the first count arrives.

use std::sync::OnceLock;

use indicatif::{ProgressBar, ProgressStyle};

/// Files done of a total, and optionally the megabytes behind them.
pub struct FileBar {
    bar: OnceLock<ProgressBar>,
    /// After the megabytes: `" sent"` for a share.
    suffix: &'static str,
}

impl FileBar {
    pub fn new(suffix: &'static str) -> Self {
        FileBar {
            bar: OnceLock::new(),
            suffix,
        }
    }

    fn bar(&self, total: u64) -> &ProgressBar {
        self.bar.get_or_init(|| {
            let style = ProgressStyle::with_template("[{bar:30}] {pos}/{len} files{msg}")
                .expect("a fixed template")
                .progress_chars("# ");
            ProgressBar::new(total).with_style(style)
        })
    }

    /// `done` of `total` files; `bytes` (when known) shown in MB. The bar ends at the total.
    pub fn set(&self, done: u64, total: u64, bytes: Option<u64>) {
        let bar = self.bar(total);
        bar.set_length(total);
        if let Some(b) = bytes {
            bar.set_message(format!(", {:.1} MB{}", b as f64 / 1e6, self.suffix));
        }
        bar.set_position(done);
        if done >= total && !bar.is_finished() {
            bar.finish();
            // indicatif leaves the cursor at the end of the finished bar: what follows goes below
            if !bar.is_hidden() {
                eprintln!();
            }
        }
    }

    /// A line above the bar (or plainly on stderr before the bar exists).
    pub fn println(&self, line: &str) {
        match self.bar.get() {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }
}
