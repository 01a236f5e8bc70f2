//! The channels a watch looks through besides Sentry's new issues and the release status: the
//! Heroku log (router and dyno errors), smoke checks of the app's own pages, Slack channels
//! where people and alerts speak, and the sharper Sentry rules (transient issues, regressions).
//! Each channel reads its service and judges what it read in its own small file; the watch
//! (`deploy::watch`, `deploy::observe`) only composes them.
pub mod heroku_log;
pub mod log_tally;
pub mod logline;
pub mod sentry_look;
pub mod sentry_rules;
pub mod slack_talk;
pub mod smoke;
pub mod watching;
