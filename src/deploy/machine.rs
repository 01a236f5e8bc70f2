//! The deploy as a pure state machine: (phase, event) → (next phase, actions).
//!
//! Nothing here performs I/O or reads a clock, so every phase × event pair is table-tested
//! (machine_tests.rs). The driver performs the actions and feeds their results back as events.
//! Order: preflight → lock → resolve the sha → confirm → record → announce → build → release
//! phase → live → (watch → verdict → auto-rollback). The sha is resolved before recording because
//! the GitHub deployment and the Sentry release are both keyed by it; the tarball URL is fetched
//! inside the build action, right before the POST, because for private repos it expires in minutes.
pub use super::steps::{Action, BuildRef, DeploymentState, Ending, Event, Follow, LockHolder, PreflightLevel};
pub use super::steps::{Phase, ReleaseRef};
use crate::deploy::announce::SlackStage;
use crate::error::Failure;

/// A build POST is re-sent only after reading the builds back and finding none for this sha;
/// this bounds how often that can happen.
pub const MAX_BUILD_POSTS: u32 = 3;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    pub watch: bool,
    pub auto_rollback: bool,
    /// Past a stop verdict and a held lock, with a warning.
    pub force: bool,
}

/// What the deploy has learnt so far. The outcome is built from this.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub preflight: Option<PreflightLevel>,
    pub lock: Option<LockHolder>,
    pub sha: Option<String>,
    pub deployment_id: Option<u64>,
    pub build: Option<BuildRef>,
    pub build_posts: u32,
    pub release: Option<ReleaseRef>,
    pub healthy: Option<bool>,
    pub rolled_back_to: Option<u64>,
    pub rollback_error: Option<String>,
    pub error: Option<Failure>,
}

#[derive(Debug, Clone)]
pub struct Machine {
    pub phase: Phase,
    pub options: Options,
    pub facts: Facts,
}

impl Machine {
    pub fn new(options: Options) -> Machine {
        Machine { phase: Phase::Preflight, options, facts: Facts::default() }
    }

    /// `bpdeploy watch --build ID`: pick up a build someone (or an interrupted deploy) started.
    pub fn following_build(options: Options, build: BuildRef) -> Machine {
        let facts = Facts { build: Some(build), ..Facts::default() };
        Machine { phase: Phase::Building, options: Options { watch: true, ..options }, facts }
    }

    /// `bpdeploy watch [--release vN]`: the release is live already.
    pub fn watching(options: Options, release: ReleaseRef) -> Machine {
        let facts = Facts { release: Some(release), ..Facts::default() };
        Machine { phase: Phase::Watching, options: Options { watch: true, ..options }, facts }
    }

    /// The first actions, before any event.
    pub fn start(&self) -> Vec<Action> {
        match self.phase {
            Phase::Preflight => vec![Action::RunPreflight],
            Phase::Building => vec![Action::FollowBuild { build: self.build(), via: Follow::Stream }],
            Phase::Watching => vec![Action::Watch { release: self.release() }],
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

            (P::Preflight, E::PreflightDone(level)) => {
                self.facts.preflight = Some(level);
                match level {
                    PreflightLevel::Stop if !self.options.force => self.finish(Ending::Stopped, vec![]),
                    PreflightLevel::Stop => {
                        self.go(P::LockCheck, vec![Action::Warn(warn_forced_stop()), Action::CheckLock])
                    }
                    _ => self.go(P::LockCheck, vec![Action::CheckLock]),
                }
            }
            (P::LockCheck, E::LockFree) => self.go(P::ResolveSource, vec![Action::ResolveSource]),
            (P::LockCheck, E::LockHeld(holder)) => {
                let warning = format!("deploying despite the lock held by {} (--force)", holder.describe());
                self.facts.lock = Some(holder);
                if self.options.force {
                    self.go(P::ResolveSource, vec![Action::Warn(warning), Action::ResolveSource])
                } else {
                    self.finish(Ending::Locked, vec![])
                }
            }
            (P::ResolveSource, E::SourceResolved { sha }) => {
                self.facts.sha = Some(sha);
                self.go(P::Confirm, vec![Action::Confirm])
            }
            (P::Confirm, E::Confirmed) => self.go(P::Record, vec![Action::Record { sha: self.sha() }]),
            (P::Confirm, E::Declined) => self.finish(Ending::Declined, vec![]),
            (P::Record, E::Recorded { deployment_id }) => {
                self.facts.deployment_id = deployment_id;
                self.go(P::Announce, vec![Action::Announce])
            }
            (P::Announce, E::Announced) => self.post_build(),
            (P::CreateBuild | P::ReconcileBuild, E::BuildStarted(build)) => {
                self.facts.build = Some(build.clone());
                let actions =
                    vec![Action::UpdateSlack(SlackStage::Building), Action::FollowBuild { build, via: Follow::Stream }];
                self.go(P::Building, actions)
            }
            (P::CreateBuild, E::BuildOutcomeUnknown) => {
                self.go(P::ReconcileBuild, vec![Action::FindBuild { sha: self.sha() }])
            }
            (P::ReconcileBuild, E::BuildMissing) if self.facts.build_posts < MAX_BUILD_POSTS => {
                let warning =
                    "the build request got no answer and Heroku has no build for this commit; sending it again";
                let mut actions = vec![Action::Warn(warning.into())];
                actions.extend(self.post_build());
                actions
            }
            (P::ReconcileBuild, E::BuildMissing) => self.failed(
                Failure::new(crate::exit::Exit::Failure, "build_not_started", "Heroku did not confirm the build")
                    .with_hint("nothing was deployed; check `heroku builds` and run `bpdeploy deploy` again"),
            ),
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
        self.go(Phase::CreateBuild, vec![Action::CreateBuild { sha: self.sha(), attempt: self.facts.build_posts }])
    }

    /// A failed build or release phase: the deployment fails and the Slack message says so.
    fn failure_records(&self) -> Vec<Action> {
        let stage = match self.phase {
            Phase::Building => SlackStage::BuildFailed,
            _ => SlackStage::ReleaseFailed,
        };
        let mut actions = vec![];
        if self.facts.deployment_id.is_some() {
            actions.push(Action::SetDeploymentStatus(DeploymentState::Failure));
        }
        actions.push(Action::UpdateSlack(stage));
        actions
    }

    /// Ctrl-C stops following, never the remote work. Before a build exists nothing runs
    /// remotely, so the records are closed; afterwards they stay as they are for `watch` to finish.
    fn interrupted(&mut self) -> Vec<Action> {
        let mut actions = vec![];
        if !self.phase.build_may_exist() && self.facts.deployment_id.is_some() {
            actions.push(Action::SetDeploymentStatus(DeploymentState::Error));
        }
        if self.phase.announced() {
            actions.push(Action::UpdateSlack(SlackStage::Unfollowed));
        }
        self.finish(Ending::Interrupted, actions)
    }

    fn failed(&mut self, failure: Failure) -> Vec<Action> {
        let mut actions = vec![];
        if self.facts.deployment_id.is_some()
            && !matches!(self.phase, Phase::Live | Phase::Watching | Phase::RollingBack)
        {
            actions.push(Action::SetDeploymentStatus(DeploymentState::Error));
        }
        if self.phase.announced() {
            actions.push(Action::UpdateSlack(SlackStage::Errored));
        }
        self.facts.error = Some(failure);
        self.finish(Ending::Error, actions)
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

    /// How to pick up again after Ctrl-C, or None when nothing runs remotely.
    pub fn resume_hint(&self) -> Option<String> {
        if let Some(r) = &self.facts.release {
            return Some(format!("bpdeploy watch --release v{}", r.version));
        }
        if let Some(b) = &self.facts.build {
            return Some(format!("bpdeploy watch --build {}", b.id));
        }
        if self.facts.build_posts > 0 {
            return Some("a build may have started: check `bpdeploy releases` and `heroku builds`".into());
        }
        None
    }
}

fn warn_forced_stop() -> String {
    "preflight says stop; deploying anyway (--force)".into()
}

#[cfg(test)]
#[path = "machine_tests.rs"]
mod tests;
