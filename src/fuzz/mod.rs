//! Fuzzing on the stable toolchain: each target is a property test (`arbtest`) that feeds
//! arbitrary or grammar-shaped input to a parser that reads text from outside, and checks that
//! it neither panics nor breaks its promise.
//!
//! Plain `cargo test` gives each target a short budget (fast, still random); `.ci/run` sets
//! `BPDEPLOY_FUZZ_MS` so that all targets together fuzz for about a minute. A failure prints the
//! seed: `arbtest` replays it with `.seed(0x…)`, and the input it finds becomes a regression test
//! beside the parser it broke.
//!
//! Targets: the config file ([`config`]), the migration linter ([`lint`]), the Link and Range
//! headers ([`headers`]), build and release output and migration lines ([`output`]), the Heroku
//! log-line parser ([`logs`]), the escape scrubber and the secret mask ([`scrub`]).
mod config;
mod headers;
mod lint;
mod logs;
mod output;
mod scrub;

use arbtest::arbitrary::{Result, Unstructured};
use std::time::Duration;

/// Per target: `BPDEPLOY_FUZZ_MS`, else a quick 200 ms.
fn budget() -> Duration {
    let ms = std::env::var("BPDEPLOY_FUZZ_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    Duration::from_millis(ms)
}

/// Runs `property` for the budget.
fn fuzz(property: impl FnMut(&mut Unstructured<'_>) -> Result<()>) {
    arbtest::arbtest(property).budget(budget()).run();
}

/// Text that is mostly about the input's alphabet: random picks from `pieces`, glued, and now and
/// then an arbitrary string (which may hold anything, controls and invalid UTF-8 replaced).
fn text_from(u: &mut Unstructured<'_>, pieces: &[&str], max: usize) -> Result<String> {
    let mut out = String::new();
    for _ in 0..u.int_in_range(0..=max)? {
        if u.ratio(1, 8)? {
            out.push_str(&String::from_utf8_lossy(u.arbitrary::<&[u8]>()?));
        } else {
            out.push_str(u.choose(pieces)?);
        }
    }
    Ok(out)
}
