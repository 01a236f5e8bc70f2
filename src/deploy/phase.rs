//! Where a deploy is (its phase) and how it ends (its ending, with its exit code).
use crate::exit::Exit;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    ResolveSource,
    Preflight,
    /// A read-only look at the lock before asking for confirmation.
    LockCheck,
    Confirm,
    /// Creating this run's GitHub deployment, then listing the ones in progress: the lock.
    TakeLock,
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
    /// An error after work may have started on Heroku: reading back what production runs.
    ReadingBack,
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
    /// Production already runs the commit to deploy.
    NothingToDeploy,
    /// `--dry-run`: every check ran, nothing was changed.
    DryRun,
}

impl Ending {
    pub const ALL: [Ending; 13] = [
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
        Ending::NothingToDeploy,
        Ending::DryRun,
    ];

    /// A rolled-back deploy still failed: scripts must not read it as success.
    pub fn exit(self) -> Exit {
        match self {
            Ending::Live | Ending::Healthy | Ending::NothingToDeploy | Ending::DryRun => Exit::Success,
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
            Ending::NothingToDeploy => "nothing_to_deploy",
            Ending::DryRun => "dry_run",
        }
    }
}

impl Phase {
    pub const ACTIVE: [Phase; 16] = [
        Phase::ResolveSource,
        Phase::Preflight,
        Phase::LockCheck,
        Phase::Confirm,
        Phase::TakeLock,
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
        Phase::ReadingBack,
    ];

    /// The name in `{"type":"phase","phase":…}` events.
    pub fn name(self) -> &'static str {
        match self {
            Phase::ResolveSource => "resolve_source",
            Phase::Preflight => "preflight",
            Phase::LockCheck => "lock_check",
            Phase::Confirm => "confirm",
            Phase::TakeLock => "take_lock",
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
            Phase::ReadingBack => "read_back",
            Phase::Done(_) => "done",
        }
    }

    /// The phases before the build POST: nothing remote is running yet.
    fn before_build(self) -> bool {
        matches!(
            self,
            Phase::ResolveSource
                | Phase::Preflight
                | Phase::LockCheck
                | Phase::Confirm
                | Phase::TakeLock
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
