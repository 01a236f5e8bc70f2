//! Evidence gathering and the decision tree after something breaks: from a Sentry issue to the
//! pull request behind it, its author, and the next move.
//!
//! [`evidence`] reads Sentry, [`frames`] places the latest event's in-app frames in the
//! repository, [`blame`] finds what the release changed under them, [`suspects`] weighs it,
//! [`experiment`] looks for a switch, [`outlook`] asks the recovery previews about both paths,
//! and [`decision`] walks the tree: experiment, data, transient, patch, revert or rollback.
pub mod assess;
pub mod blame;
pub mod decision;
pub mod evidence;
pub mod experiment;
pub mod frames;
pub mod human;
pub mod next;
pub mod notify;
pub mod outlook;
mod record;
pub mod release;
pub mod report;
mod ruby;
pub mod severity;
pub mod suspects;
