//! The vocabulary of the deploy machine: its phases, the events the driver reports, and the
//! actions the machine asks for. Kept apart from the transitions so both stay readable.
use crate::api::SecretUrl;
use crate::deploy::account::Account;
pub use crate::deploy::account::DeploymentState;
use crate::deploy::announce::SlackStage;
use crate::error::Failure;
use serde::Serialize;

pub use super::phase::{Ending, Phase};

/// Preflight's verdict level, as the machine sees it.
pub use crate::preflight::Level as PreflightLevel;

/// Who holds the deploy lock and since when (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockHolder {
    /// "a pending build", "a pending release", "a bpdeploy deploy in progress (GitHub deployment N)".
    pub what: String,
    pub who: String,
    pub since: String,
}

impl LockHolder {
    pub fn describe(&self) -> String {
        format!("{} by {} since {}", self.what, self.who, self.since)
    }
}

/// A Heroku build. The output stream URL is a capability URL: [`SecretUrl`] never prints it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildRef {
    pub id: String,
    pub stream_url: Option<SecretUrl>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleaseRef {
    pub id: String,
    pub version: u64,
    pub stream_url: Option<SecretUrl>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    Stream,
    /// The stream dropped: read the status every poll interval instead.
    Poll,
}

/// What the driver reports back.
#[derive(Debug, Clone)]
pub enum Event {
    SourceResolved {
        sha: String,
    },
    /// `up_to_date`: production already runs the sha.
    PreflightDone {
        level: PreflightLevel,
        up_to_date: bool,
    },
    LockFree,
    LockHeld(LockHolder),
    Confirmed,
    Declined,
    /// This run's GitHub deployment is the oldest in progress (None: GitHub made no record).
    LockTaken {
        deployment_id: Option<u64>,
    },
    /// Someone else holds the lock after all (an older deployment, or work on Heroku); this
    /// run's record is closed unless the lock is stolen.
    LockLost {
        holder: LockHolder,
        deployment_id: Option<u64>,
    },
    /// Recording the Sentry release is bookkeeping: a failure there is a warning.
    Recorded,
    Announced,
    BuildStarted(BuildRef),
    /// The build POST was sent and no answer came back.
    BuildOutcomeUnknown,
    /// Reconciling found no build for this sha.
    BuildMissing,
    StreamDropped,
    BuildSucceeded {
        release_id: Option<String>,
    },
    BuildFailed,
    ReleaseFound(ReleaseRef),
    ReleaseSucceeded,
    ReleaseFailed,
    LiveMarked,
    /// `still_current`: the watched release is still the app's current one.
    Verdict {
        healthy: bool,
        still_current: bool,
    },
    RolledBack {
        version: u64,
    },
    RollbackFailed(String),
    /// `--dry-run`: the rollback to this release was not sent.
    RollbackHeld {
        to_version: u64,
    },
    /// What Heroku says after an error: the account the deploy ends with.
    ReadBack(Account),
    Interrupted,
    Failed(Failure),
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::SourceResolved { .. } => "source_resolved",
            Event::PreflightDone { .. } => "preflight_done",
            Event::LockFree => "lock_free",
            Event::LockHeld(_) => "lock_held",
            Event::Confirmed => "confirmed",
            Event::Declined => "declined",
            Event::LockTaken { .. } => "lock_taken",
            Event::LockLost { .. } => "lock_lost",
            Event::Recorded => "recorded",
            Event::Announced => "announced",
            Event::BuildStarted(_) => "build_started",
            Event::BuildOutcomeUnknown => "build_outcome_unknown",
            Event::BuildMissing => "build_missing",
            Event::StreamDropped => "stream_dropped",
            Event::BuildSucceeded { .. } => "build_succeeded",
            Event::BuildFailed => "build_failed",
            Event::ReleaseFound(_) => "release_found",
            Event::ReleaseSucceeded => "release_succeeded",
            Event::ReleaseFailed => "release_failed",
            Event::LiveMarked => "live_marked",
            Event::Verdict { .. } => "verdict",
            Event::RolledBack { .. } => "rolled_back",
            Event::RollbackFailed(_) => "rollback_failed",
            Event::RollbackHeld { .. } => "rollback_held",
            Event::ReadBack(_) => "read_back",
            Event::Interrupted => "interrupted",
            Event::Failed(_) => "failed",
        }
    }
}

/// What the machine asks the driver to do. Tasks (the first group) report back with an event;
/// effects (the second) report nothing and their failures are warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    ResolveSource,
    RunPreflight,
    /// Read-only: is anything in flight (Heroku) or a bpdeploy deploy in progress (GitHub)?
    CheckLock,
    Confirm,
    /// Create this run's GitHub deployment (in_progress), then list: the oldest one wins.
    TakeLock {
        sha: String,
    },
    /// The Sentry release with its commits.
    Record {
        sha: String,
    },
    /// The Slack message and the PR list in its thread.
    Announce,
    /// Get the tarball URL and POST the build at once.
    CreateBuild {
        sha: String,
        attempt: u32,
    },
    /// List the app's builds and look for this sha.
    FindBuild {
        sha: String,
    },
    FollowBuild {
        build: BuildRef,
        via: Follow,
    },
    FindRelease {
        build: BuildRef,
        release_id: Option<String>,
    },
    FollowRelease {
        release: ReleaseRef,
        via: Follow,
    },
    /// Sentry deploy marker for the environment.
    MarkLive {
        release: ReleaseRef,
    },
    Watch {
        release: ReleaseRef,
    },
    Rollback {
        release: ReleaseRef,
    },
    /// Read back from Heroku what production runs and where this run's build and release are.
    ReadBack,

    UpdateSlack(SlackStage),
    SetDeploymentStatus(DeploymentState),
    Warn(String),
    Finish(Ending),
}

impl Action {
    pub fn is_task(&self) -> bool {
        !matches!(self, Action::UpdateSlack(_) | Action::SetDeploymentStatus(_) | Action::Warn(_) | Action::Finish(_))
    }
}
