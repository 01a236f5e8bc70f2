//! The vocabulary of the deploy machine: its phases, the events the driver reports, and the
//! actions the machine asks for. Kept apart from the transitions so both stay readable.
use crate::api::SecretUrl;
use crate::deploy::announce::SlackStage;
use crate::error::Failure;
use crate::exit::Exit;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Preflight,
    LockCheck,
    ResolveSource,
    Confirm,
    Record,
    Announce,
    CreateBuild,
    /// The build POST got no answer: reading the builds back before anything else.
    ReconcileBuild,
    Building,
    FindRelease,
    ReleasePhase,
    /// The release phase succeeded; recording the deploy marker.
    Live,
    Watching,
    RollingBack,
    Done(Ending),
}

/// How a deploy ends. Each ending has one exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// Released, not watched.
    Live,
    Healthy,
    BuildFailed,
    ReleaseFailed,
    Failing,
    RolledBack,
    Locked,
    /// Preflight said stop.
    Stopped,
    Declined,
    Interrupted,
    Error,
}

impl Ending {
    pub const ALL: [Ending; 11] = [
        Ending::Live,
        Ending::Healthy,
        Ending::BuildFailed,
        Ending::ReleaseFailed,
        Ending::Failing,
        Ending::RolledBack,
        Ending::Locked,
        Ending::Stopped,
        Ending::Declined,
        Ending::Interrupted,
        Ending::Error,
    ];

    /// A rolled-back deploy still failed: scripts must not read it as success.
    pub fn exit(self) -> Exit {
        match self {
            Ending::Live | Ending::Healthy => Exit::Success,
            Ending::BuildFailed | Ending::ReleaseFailed | Ending::Failing | Ending::RolledBack | Ending::Stopped => {
                Exit::Unsafe
            }
            Ending::Locked => Exit::Locked,
            Ending::Interrupted => Exit::Interrupted,
            Ending::Declined | Ending::Error => Exit::Failure,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Ending::Live => "live",
            Ending::Healthy => "healthy",
            Ending::BuildFailed => "build_failed",
            Ending::ReleaseFailed => "release_failed",
            Ending::Failing => "failing",
            Ending::RolledBack => "rolled_back",
            Ending::Locked => "locked",
            Ending::Stopped => "stopped",
            Ending::Declined => "declined",
            Ending::Interrupted => "interrupted",
            Ending::Error => "error",
        }
    }
}

impl Phase {
    pub const ACTIVE: [Phase; 14] = [
        Phase::Preflight,
        Phase::LockCheck,
        Phase::ResolveSource,
        Phase::Confirm,
        Phase::Record,
        Phase::Announce,
        Phase::CreateBuild,
        Phase::ReconcileBuild,
        Phase::Building,
        Phase::FindRelease,
        Phase::ReleasePhase,
        Phase::Live,
        Phase::Watching,
        Phase::RollingBack,
    ];

    /// The name in `{"type":"phase","phase":…}` events.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Preflight => "preflight",
            Phase::LockCheck => "lock_check",
            Phase::ResolveSource => "resolve_source",
            Phase::Confirm => "confirm",
            Phase::Record => "record",
            Phase::Announce => "announce",
            Phase::CreateBuild => "create_build",
            Phase::ReconcileBuild => "reconcile_build",
            Phase::Building => "building",
            Phase::FindRelease => "find_release",
            Phase::ReleasePhase => "release_phase",
            Phase::Live => "live",
            Phase::Watching => "watching",
            Phase::RollingBack => "rolling_back",
            Phase::Done(_) => "done",
        }
    }

    /// The phases before the build POST: nothing remote is running yet.
    fn before_build(self) -> bool {
        matches!(
            self,
            Phase::Preflight
                | Phase::LockCheck
                | Phase::ResolveSource
                | Phase::Confirm
                | Phase::Record
                | Phase::Announce
        )
    }

    /// From the build POST on, remote work may be running that Ctrl-C must not cancel.
    pub fn build_may_exist(self) -> bool {
        !self.before_build()
    }

    /// Whether a Slack message may exist to edit.
    pub fn announced(self) -> bool {
        !self.before_build() && !matches!(self, Phase::Done(_))
    }
}

/// Preflight's verdict level, as the machine sees it.
pub use crate::preflight::Level as PreflightLevel;

/// Who holds the deploy lock and since when (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockHolder {
    /// "a pending build", "a pending release", "a bpdeploy deployment in progress".
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentState {
    InProgress,
    Success,
    Failure,
    Error,
}

impl DeploymentState {
    pub fn github_state(self) -> &'static str {
        match self {
            DeploymentState::InProgress => "in_progress",
            DeploymentState::Success => "success",
            DeploymentState::Failure => "failure",
            DeploymentState::Error => "error",
        }
    }
}

/// What the driver reports back.
#[derive(Debug, Clone)]
pub enum Event {
    PreflightDone(PreflightLevel),
    LockFree,
    LockHeld(LockHolder),
    SourceResolved {
        sha: String,
    },
    Confirmed,
    Declined,
    /// Recording is bookkeeping: a failure there is a warning, so only the id (if any) comes back.
    Recorded {
        deployment_id: Option<u64>,
    },
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
    Interrupted,
    Failed(Failure),
}

impl Event {
    pub fn name(&self) -> &'static str {
        match self {
            Event::PreflightDone(_) => "preflight_done",
            Event::LockFree => "lock_free",
            Event::LockHeld(_) => "lock_held",
            Event::SourceResolved { .. } => "source_resolved",
            Event::Confirmed => "confirmed",
            Event::Declined => "declined",
            Event::Recorded { .. } => "recorded",
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
            Event::Interrupted => "interrupted",
            Event::Failed(_) => "failed",
        }
    }
}

/// What the machine asks the driver to do. Tasks (the first group) report back with an event;
/// effects (the second) report nothing and their failures are warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    RunPreflight,
    CheckLock,
    ResolveSource,
    Confirm,
    /// GitHub deployment (in_progress) and the Sentry release with its commits.
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
