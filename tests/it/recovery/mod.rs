//! Recovery (issue 10): the revert prediction over git fixtures, the recovery clients against
//! wiremock, and the rollback and revert commands end to end.
mod clients;
mod drills;
mod follow;
mod lock;
mod lost;
pub mod prediction;
mod release_phase;
mod sentry;
mod slack;
mod terminal;
