//! The deploy as a pure state machine: (phase, event) → (next phase, actions).
//!
//! Nothing here performs I/O or reads a clock, so every phase × event pair is table-tested
//! (machine_tests.rs). The driver performs the actions and feeds their results back as events.
//! Order: resolve the sha → preflight of exactly that sha → a look at the lock → confirm →
//! take the lock (this run's GitHub deployment) → record → announce → build → release phase →
//! live → (watch → verdict → auto-rollback). The sha comes first because preflight, the lock's
//! deployment and the Sentry release are all about it; nothing changes anywhere before the
//! confirmation, so a dry run ends there. The tarball URL is fetched inside the build action,
//! right before the POST, because for private repos it expires in minutes.
pub use super::steps::{Action, BuildRef, DeploymentState, Ending, Event, Follow, LockHolder, PreflightLevel};
pub use super::steps::{Phase, ReleaseRef};
use crate::deploy::account::Account;
use crate::deploy::announce::SlackStage;
use crate::error::Failure;

/// A build POST is sent again only after reading the builds back over a safe window and finding
/// none for this sha; this bounds how often that can happen.
pub const MAX_BUILD_POSTS: u32 = 2;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    pub watch: bool,
    pub auto_rollback: bool,
    /// Past a stop verdict, or when production already runs the sha, with a warning.
    pub force: bool,
    /// Past a deploy lock someone else holds, with a warning.
    pub steal_lock: bool,
    /// `--dry-run`: every check runs; the deploy ends before the first change.
    pub dry_run: bool,
}

/// What the deploy has learnt so far. The outcome is built from this.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub preflight: Option<PreflightLevel>,
    /// The commit production ran before the deploy.
    pub production_sha: Option<String>,
    pub lock: Option<LockHolder>,
    pub sha: Option<String>,
    pub deployment_id: Option<u64>,
    pub build: Option<BuildRef>,
    pub build_posts: u32,
    /// A build POST was sent and neither its answer nor the read-back window settled whether it
    /// made a build: until then a build of this commit may exist, unknown to this run.
    pub build_post_open: bool,
    /// Stopped (Ctrl-C) while the automatic rollback was under way: its POST may have been
    /// made, and whether Heroku rolled back is unknown to this run.
    pub rollback_open: bool,
    pub release: Option<ReleaseRef>,
    pub healthy: Option<bool>,
    pub rolled_back_to: Option<u64>,
    pub rollback_error: Option<String>,
    /// `--dry-run`: the release an automatic rollback would have gone back to.
    pub rollback_held: Option<u64>,
    pub error: Option<Failure>,
    /// What Heroku said at the end, when it was read back.
    pub account: Option<Account>,
}

#[derive(Debug, Clone)]
pub struct Machine {
    pub phase: Phase,
    pub options: Options,
    pub facts: Facts,
}

impl Machine {
    pub fn new(options: Options) -> Machine {
        Machine { phase: Phase::ResolveSource, options, facts: Facts::default() }
    }

    /// `bpdeploy watch --build ID`: pick up a build someone (or an interrupted deploy) started.
    pub fn following_build(options: Options, build: BuildRef) -> Machine {
        let facts = Facts { build: Some(build), ..Facts::default() };
        Machine { phase: Phase::Building, options: Options { watch: true, ..options }, facts }
    }

    /// `bpdeploy watch --release vN` while its release phase runs: follow it, then watch.
    pub fn following_release(options: Options, release: ReleaseRef) -> Machine {
        let facts = Facts { release: Some(release), ..Facts::default() };
        Machine { phase: Phase::ReleasePhase, options: Options { watch: true, ..options }, facts }
    }

    /// `bpdeploy watch [--release vN]`: the release is live already.
    pub fn watching(options: Options, release: ReleaseRef) -> Machine {
        let facts = Facts { release: Some(release), ..Facts::default() };
        Machine { phase: Phase::Watching, options: Options { watch: true, ..options }, facts }
    }

    /// The first actions, before any event.
    pub fn start(&self) -> Vec<Action> {
        match self.phase {
            Phase::ResolveSource => vec![Action::ResolveSource],
            Phase::Building => vec![Action::FollowBuild { build: self.build(), via: Follow::Stream }],
            Phase::ReleasePhase => vec![Action::FollowRelease { release: self.release(), via: Follow::Stream }],
            Phase::Watching => {
                // A resumed deploy's record is finished now: its release is live.
                let mut actions = vec![];
                if self.facts.deployment_id.is_some() {
                    actions.push(Action::SetDeploymentStatus(DeploymentState::Success));
                }
                actions.push(Action::Watch { release: self.release() });
                actions
            }
            _ => vec![],
        }
    }

    pub fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Done(_))
    }

    /// Applies one event and returns what to do next.
    pub fn step(&mut self, event: Event) -> Vec<Action> {
        use Event as E;
        use Phase as P;
        if let P::Done(_) = self.phase {
            return vec![]; // late events (a stream closing after Ctrl-C) change nothing
        }
        match (self.phase, event) {
            (_, E::Interrupted) => self.interrupted(),
            (_, E::Failed(failure)) => self.failed(failure),

            (P::ResolveSource, E::SourceResolved { sha }) => {
                self.facts.sha = Some(sha);
                self.go(P::Preflight, vec![Action::RunPreflight])
            }
            (P::Preflight, E::PreflightDone { level, up_to_date }) => self.preflight_done(level, up_to_date),
            (P::LockCheck, E::LockFree) => self.go(P::Confirm, vec![Action::Confirm]),
            (P::LockCheck, E::LockHeld(holder)) => self.lock_held(holder, P::Confirm, Action::Confirm),
            (P::Confirm, E::Confirmed) if self.options.dry_run => self.finish(Ending::DryRun, vec![]),
            (P::Confirm, E::Confirmed) => self.go(P::TakeLock, vec![Action::TakeLock { sha: self.sha() }]),
            (P::Confirm, E::Declined) => self.finish(Ending::Declined, vec![]),
            (P::TakeLock, E::LockTaken { deployment_id }) => {
                self.facts.deployment_id = deployment_id;
                self.go(P::Record, vec![Action::Record { sha: self.sha() }])
            }
            (P::TakeLock, E::LockLost { holder, deployment_id }) => {
                self.facts.deployment_id = deployment_id;
                self.lock_held(holder, P::Record, Action::Record { sha: self.sha() })
            }
            (P::Record, E::Recorded) => self.go(P::Announce, vec![Action::Announce]),
            (P::Announce, E::Announced) => self.post_build(),
            (P::CreateBuild | P::ReconcileBuild, E::BuildStarted(build)) => {
                self.facts.build = Some(build.clone());
                self.facts.build_post_open = false;
                let actions =
                    vec![Action::UpdateSlack(SlackStage::Building), Action::FollowBuild { build, via: Follow::Stream }];
                self.go(P::Building, actions)
            }
            (P::CreateBuild, E::BuildOutcomeUnknown) => {
                self.go(P::ReconcileBuild, vec![Action::FindBuild { sha: self.sha() }])
            }
            (P::ReconcileBuild, E::BuildMissing) if self.facts.build_posts < MAX_BUILD_POSTS => {
                self.facts.build_post_open = false;
                let warning =
                    "the build request got no answer and Heroku has no build for this commit; sending it again";
                let mut actions = vec![Action::Warn(warning.into())];
                actions.extend(self.post_build());
                actions
            }
            (P::ReconcileBuild, E::BuildMissing) => {
                self.facts.build_post_open = false;
                self.failed(Failure::new(crate::exit::Exit::Failure, "build_not_started", "Heroku did not confirm the build")
                    .with_hint("no build of this commit appeared on Heroku; check `bpdeploy releases` and run `bpdeploy deploy` again"))
            }
            (P::Building, E::StreamDropped) => {
                self.go(P::Building, vec![Action::FollowBuild { build: self.build(), via: Follow::Poll }])
            }
            (P::Building, E::BuildSucceeded { release_id }) => {
                self.go(P::FindRelease, vec![Action::FindRelease { build: self.build(), release_id }])
            }
            (P::Building, E::BuildFailed) => self.finish(Ending::BuildFailed, self.failure_records()),
            (P::FindRelease, E::ReleaseFound(release)) => {
                self.facts.release = Some(release.clone());
                let actions = vec![
                    Action::UpdateSlack(SlackStage::ReleasePhase),
                    Action::FollowRelease { release, via: Follow::Stream },
                ];
                self.go(P::ReleasePhase, actions)
            }
            (P::ReleasePhase, E::StreamDropped) => {
                self.go(P::ReleasePhase, vec![Action::FollowRelease { release: self.release(), via: Follow::Poll }])
            }
            (P::ReleasePhase, E::ReleaseSucceeded) => {
                let mut actions = vec![Action::MarkLive { release: self.release() }];
                if self.facts.deployment_id.is_some() {
                    actions.push(Action::SetDeploymentStatus(DeploymentState::Success));
                }
                actions.push(Action::UpdateSlack(SlackStage::Live));
                self.go(P::Live, actions)
            }
            (P::ReleasePhase, E::ReleaseFailed) => self.finish(Ending::ReleaseFailed, self.failure_records()),
            (P::Live, E::LiveMarked) if self.options.watch => {
                let actions =
                    vec![Action::UpdateSlack(SlackStage::Watching), Action::Watch { release: self.release() }];
                self.go(P::Watching, actions)
            }
            (P::Live, E::LiveMarked) => self.finish(Ending::Live, vec![]),
            (P::Watching, E::Verdict { healthy: true, .. }) => {
                self.facts.healthy = Some(true);
                self.finish(Ending::Healthy, vec![Action::UpdateSlack(SlackStage::Healthy)])
            }
            (P::Watching, E::Verdict { healthy: false, still_current }) => {
                self.facts.healthy = Some(false);
                // Never roll back a release that is no longer current: someone else moved on.
                if self.options.auto_rollback && still_current {
                    let actions = vec![
                        Action::UpdateSlack(SlackStage::RollingBack),
                        Action::Rollback { release: self.release() },
                    ];
                    self.go(P::RollingBack, actions)
                } else {
                    self.finish(Ending::Failing, vec![Action::UpdateSlack(SlackStage::Failing)])
                }
            }
            (P::RollingBack, E::RolledBack { version }) => {
                self.facts.rolled_back_to = Some(version);
                self.finish(Ending::RolledBack, vec![Action::UpdateSlack(SlackStage::RolledBack)])
            }
            (P::RollingBack, E::RollbackHeld { to_version }) => {
                self.facts.rollback_held = Some(to_version);
                let warning = format!("dry run: the automatic rollback to v{to_version} was not sent");
                self.finish(Ending::Failing, vec![Action::Warn(warning)])
            }
            (P::ReadingBack, E::ReadBack(account)) => {
                let mut actions = vec![];
                if let (Some(state), Some(_)) = (account.deployment_state(), self.facts.deployment_id) {
                    actions.push(Action::SetDeploymentStatus(state));
                }
                // The team reads the truth: a release that went live is announced as live.
                let stage = if account.ours_is_current() { SlackStage::Live } else { SlackStage::Errored };
                actions.push(Action::UpdateSlack(stage));
                self.facts.account = Some(account);
                self.finish(Ending::Error, actions)
            }
            (P::RollingBack, E::RollbackFailed(message)) => {
                self.facts.rollback_error = Some(message.clone());
                let actions = vec![
                    Action::Warn(format!("the rollback failed: {message}")),
                    Action::UpdateSlack(SlackStage::Failing),
                ];
                self.finish(Ending::Failing, actions)
            }
            (phase, event) => {
                vec![Action::Warn(format!("unexpected {} while {}; ignored", event.name(), phase.name()))]
            }
        }
    }

    fn go(&mut self, phase: Phase, actions: Vec<Action>) -> Vec<Action> {
        self.phase = phase;
        actions
    }

    fn finish(&mut self, ending: Ending, mut actions: Vec<Action>) -> Vec<Action> {
        self.phase = Phase::Done(ending);
        actions.push(Action::Finish(ending));
        actions
    }

    fn post_build(&mut self) -> Vec<Action> {
        self.facts.build_posts += 1;
        self.facts.build_post_open = true;
        self.go(Phase::CreateBuild, vec![Action::CreateBuild { sha: self.sha(), attempt: self.facts.build_posts }])
    }

    fn sha(&self) -> String {
        self.facts.sha.clone().unwrap_or_default()
    }
    fn build(&self) -> BuildRef {
        self.facts.build.clone().unwrap_or_default()
    }
    fn release(&self) -> ReleaseRef {
        self.facts.release.clone().unwrap_or_default()
    }
}

#[path = "machine_stops.rs"]
mod stops;

#[cfg(test)]
#[path = "machine_tests.rs"]
mod tests;
