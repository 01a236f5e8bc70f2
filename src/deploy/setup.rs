//! What a deploy or watch run was asked to do, resolved once by its command: the driver and the
//! steps it runs (preflight among them) read it.
use crate::config::Config;
use crate::context::Context;
use std::path::PathBuf;
use std::time::Duration;

/// What the run was asked to do.
pub struct Setup {
    /// The command's context, for the steps that reuse whole commands (preflight).
    pub context: Context,
    pub config: Config,
    pub app: String,
    pub branch: String,
    pub who: String,
    pub watch_duration: Duration,
    pub watch_interval: Duration,
    /// Status polling interval (`BPDEPLOY_POLL_MS`).
    pub poll: Duration,
    pub state_dir: Option<PathBuf>,
    /// `bpdeploy watch`: nothing is deployed, the result speaks of the watch.
    pub watch_only: bool,
    /// `watch --auto-rollback` whose rollback question was answered "no".
    pub rollback_declined: bool,
    /// The command line that runs this again, without `--dry-run` or `--yes`.
    pub again: String,
}
