//! Tests of `deploy` and `watch` through the real binary against wiremock, in a git2-built
//! repository so that the real preflight runs first: each step, the lock, the recovery paths,
//! and the preflight verdict's say over the deploy.
mod canned;
pub(crate) mod fakes;
mod history;
mod preflight_stop;
mod recovery;
mod steps;
