//! What is about to ship: range, pull requests, migrations (classify + lint), CI, baseline, verdict.
pub mod lint;
