//! Progress on standard error for long runs: `eval` and `diff --products`
//! over many products (a bar over the bytes of the products file, a spinner
//! for standard input), `test` over many tests.
//!
//! A bar is drawn only when standard error is a terminal and `CI` is not
//! set: never into a pipe, a file or a CI log, so what a script reads from
//! stderr is the same with or without it. It is cleared when the run ends.
//! Small runs get none: a products file under [`MIN_BYTES`], fewer than
//! [`MIN_TESTS`] tests.

use std::io::{IsTerminal, Read};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A products file smaller than this is read too fast to need a bar.
pub const MIN_BYTES: u64 = 1 << 20;

/// Fewer tests than this run too fast to need a bar.
pub const MIN_TESTS: usize = 50;

/// Whether a bar may be drawn: stderr is a terminal and this is not CI.
pub fn wanted() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// A bar on stderr, or a hidden one (which draws nothing) when not [`wanted`].
fn bar(length: Option<u64>, template: &str) -> ProgressBar {
    if !wanted() {
        return ProgressBar::hidden();
    }
    let bar = match length {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    // The templates are constants of this file: one that did not parse would
    // only lose the bar's text, never the run.
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    if length.is_none() {
        bar.enable_steady_tick(Duration::from_millis(200));
    }
    bar
}

/// Reads through to `inner`, advancing a bar by the bytes read. The bar is
/// cleared at the end of the input, or when the reader is dropped.
pub struct Reader<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R: Read> Read for Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            // The end of the products: clear the bar before the summary is written.
            self.bar.finish_and_clear();
        } else {
            self.bar.inc(n as u64);
        }
        Ok(n)
    }
}

impl<R> Drop for Reader<R> {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Wraps the products input of `command` (`eval`, `diff`): `length` is the
/// file's size, `None` for standard input.
pub fn reader<R: Read>(command: &str, length: Option<u64>, inner: R) -> Reader<R> {
    let bar = match length {
        Some(n) if n < MIN_BYTES => ProgressBar::hidden(),
        Some(n) => bar(
            Some(n),
            &format!(
                "labelc {command}: {{bytes}} of {{total_bytes}} of products read {{wide_bar}} {{eta}} left"
            ),
        ),
        None => bar(
            None,
            &format!("labelc {command}: {{spinner}} {{bytes}} of products read"),
        ),
    };
    Reader { inner, bar }
}

/// The size of the file at `path`, `None` for `-` (standard input) or when it cannot be read.
pub fn length_of(path: &std::path::Path) -> Option<u64> {
    if path.as_os_str() == "-" {
        return None;
    }
    std::fs::metadata(path).ok().map(|m| m.len())
}

/// A bar over `count` items of `command` (`test`), advanced by
/// [`Counter::inc`] and cleared when dropped.
pub struct Counter(ProgressBar);

impl Counter {
    pub fn new(command: &str, count: usize, what: &str) -> Counter {
        if count < MIN_TESTS {
            return Counter(ProgressBar::hidden());
        }
        Counter(bar(
            Some(count as u64),
            &format!("labelc {command}: {{pos}} of {{len}} {what} {{wide_bar}}"),
        ))
    }

    pub fn inc(&self) {
        self.0.inc(1);
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
