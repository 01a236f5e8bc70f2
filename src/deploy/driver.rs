//! The async runner: performs the machine's actions against the services and feeds the results
//! back as events, until the machine is done. Tasks report an event; effects (Slack, deployment
//! statuses, warnings) only warn when they fail, because bookkeeping never stops a deploy.
//! The steps before the build are in `driver_start`, following Heroku in `driver_follow`, the
//! rollback and the final read-back in `driver_end`.
use crate::api::github::GitHub;
use crate::api::heroku::{Heroku, Release};
use crate::api::sentry::Sentry;
use crate::api::Transport;
use crate::deploy::announce::{PullRequestLine, SlackStage, StageFacts};
use crate::deploy::build_progress::{Eta, OutputTail};
use crate::deploy::events::DeployEvent;
use crate::deploy::machine::{Action, DeploymentState, Event, Machine};
use crate::deploy::migrations::MigrationProgress;
use crate::deploy::preflight_step::PreflightFacts;
use crate::deploy::records::{self, not_recorded, Announcer};
use crate::deploy::reporter::Reporter;
use crate::deploy::rollback::RolledBack;
pub use crate::deploy::setup::Setup;
use crate::deploy::steps::LockReport;
use crate::deploy::watch::WatchReport;
use crate::ui::Ui;
use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

/// The services a deploy talks to. GitHub is needed to deploy, Sentry to watch.
pub struct Services {
    pub heroku: Heroku,
    pub github: Option<GitHub>,
    pub sentry: Option<Sentry>,
    pub announcer: Option<Announcer>,
    pub transport: Transport,
}

pub struct Driver {
    pub machine: Machine,
    pub(crate) setup: Setup,
    pub(crate) services: Services,
    pub(crate) reporter: Reporter,
    pub(crate) preflight: Option<PreflightFacts>,
    /// The release production served before the deploy.
    pub(crate) previous: Option<Release>,
    /// Builds that existed before this run's build POST: a read-back after it skips them.
    pub(crate) known_builds: BTreeSet<String>,
    pub(crate) eta: Option<Eta>,
    pub(crate) build_tail: OutputTail,
    pub(crate) release_tail: OutputTail,
    pub(crate) migrations: MigrationProgress,
    pub(crate) stage: StageFacts,
    pub(crate) watch_report: Option<WatchReport>,
    pub(crate) rollback: Option<RolledBack>,
    /// The PRs the rollback took out of production, when no preflight of this run said.
    pub(crate) removed_pull_requests: Option<Vec<PullRequestLine>>,
    /// The commit the watched release runs (`watch` without a deploy has no sha of its own).
    pub(crate) watched_commit: Option<String>,
    pub(crate) reconciled_build: bool,
    /// The last look at the lock, as its event said (the result's `lock`).
    pub(crate) lock_seen: Option<LockReport>,
    /// Release-phase log lines read so far (a second read skips them).
    pub(crate) release_lines: usize,
    /// How the followed release phase ended: Some(true) succeeded, Some(false) failed.
    pub(crate) release_end: Option<bool>,
}

impl Driver {
    pub fn new(machine: Machine, setup: Setup, services: Services, ui: &Ui) -> Driver {
        Driver {
            machine,
            setup,
            services,
            reporter: Reporter::new(ui),
            preflight: None,
            previous: None,
            known_builds: BTreeSet::new(),
            eta: None,
            build_tail: OutputTail::default(),
            release_tail: OutputTail::default(),
            migrations: MigrationProgress::default(),
            stage: StageFacts::default(),
            watch_report: None,
            rollback: None,
            removed_pull_requests: None,
            watched_commit: None,
            reconciled_build: false,
            lock_seen: None,
            release_lines: 0,
            release_end: None,
        }
    }

    /// Runs until the machine is done, then reads back what production serves when this run
    /// touched it. Dropping this future (Ctrl-C) leaves the driver usable for [`Driver::interrupt`].
    pub async fn run(&mut self) {
        self.reporter.event(DeployEvent::Phase { phase: self.machine.phase.name() });
        let mut queue: VecDeque<Action> = self.machine.start().into();
        while let Some(action) = queue.pop_front() {
            if let Some(event) = self.perform(action).await {
                let before = self.machine.phase;
                queue.extend(self.machine.step(event));
                if self.machine.phase != before {
                    self.reporter.event(DeployEvent::Phase { phase: self.machine.phase.name() });
                }
            }
        }
        self.reporter.finish_spinner();
        if self.machine.facts.account.is_none() && self.touched_production() {
            let account = self.read_back().await;
            self.machine.facts.account = Some(account);
        }
        if let Some(announcer) = self.services.announcer.as_mut() {
            announcer.settle(self.services.transport.settings.timeout, self.setup.poll).await;
        }
        self.settle_records().await;
    }

    /// Ctrl-C: stop following, read back and close what must be closed (briefly), say how to resume.
    pub async fn interrupt(&mut self) {
        self.reporter.finish_spinner();
        let actions = self.machine.step(Event::Interrupted);
        let effects = async {
            for action in actions {
                self.perform(action).await;
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(5), effects).await;
        let _ = tokio::time::timeout(Duration::from_secs(2), self.settle_records()).await;
        self.reporter.event(DeployEvent::Interrupted { resume: self.machine.resume_hint().map(|s| s.command) });
    }

    /// A build was asked for, or a release followed or watched: production may have changed.
    fn touched_production(&self) -> bool {
        let f = &self.machine.facts;
        f.build_posts > 0 || f.build.is_some() || f.release.is_some()
    }

    async fn perform(&mut self, action: Action) -> Option<Event> {
        match action {
            Action::ResolveSource => Some(self.resolve_source().await),
            Action::RunPreflight => Some(self.preflight().await),
            Action::CheckLock => Some(self.check_lock().await),
            Action::Confirm => Some(self.confirm().await),
            Action::TakeLock { sha } => Some(self.take_lock(&sha).await),
            Action::Record { sha } => Some(self.record(&sha).await),
            Action::Announce => {
                if let Some(a) = self.services.announcer.as_mut() {
                    if let Err(e) = a.announce().await {
                        self.reporter.warn(&slack_not_recorded("Slack announcement", a, &e));
                    }
                }
                Some(Event::Announced)
            }
            Action::CreateBuild { sha, attempt } => Some(self.create_build(&sha, attempt).await),
            Action::FindBuild { sha } => Some(self.find_build(&sha).await),
            Action::FollowBuild { build, via } => Some(self.follow_build(&build, via).await),
            Action::FindRelease { build, release_id } => Some(self.find_release(&build, release_id).await),
            Action::FollowRelease { release, via } => Some(self.follow_release(&release, via).await),
            Action::MarkLive { release } => Some(self.mark_live(release.version).await),
            Action::Watch { release } => Some(self.watch(&release.id).await),
            Action::Rollback { release } => Some(self.roll_back(release.version).await),
            Action::ReadBack => {
                let account = self.read_back().await;
                self.machine.facts.account = Some(account.clone());
                Some(Event::ReadBack(account))
            }
            Action::UpdateSlack(stage) => {
                self.update_slack(stage).await;
                None
            }
            Action::SetDeploymentStatus(state) => {
                self.set_deployment_status(state).await;
                None
            }
            Action::Warn(message) => {
                self.reporter.warn(&message);
                None
            }
            Action::Finish(_) => None,
        }
    }

    async fn update_slack(&mut self, stage: SlackStage) {
        self.stage.watch_for = Some(self.setup.watch_duration);
        self.stage.reason = self.watch_report.as_ref().and_then(|w| w.reasons.first()).map(|r| r.message.clone());
        if let Some(account) = &self.machine.facts.account {
            let previous = self.previous.as_ref().map(|r| r.version);
            self.stage.production = Some(account.sentence(&self.setup.app, previous));
            // A rollback under way when stopped: the message keeps saying it is rolling back.
            self.stage.live = account.ours_is_current() && !self.machine.facts.rollback_open;
            let read = account.release.as_ref().and_then(|r| r.version);
            self.stage.release_version = self.stage.release_version.or(read);
        }
        if let (SlackStage::Errored, Some(e)) = (stage, &self.machine.facts.error) {
            self.stage.reason = Some(e.message.clone());
        }
        if let Some(a) = self.services.announcer.as_mut() {
            if let Err(e) = a.update(stage, &self.stage).await {
                self.reporter.warn(&slack_not_recorded("Slack update", a, &e));
            }
        }
    }

    async fn set_deployment_status(&mut self, state: DeploymentState) {
        let (Some(github), Some(id)) = (&self.services.github, self.machine.facts.deployment_id) else { return };
        let description = match state {
            DeploymentState::Success => "live",
            DeploymentState::Failure => "build or release phase failed",
            _ => "stopped",
        };
        if let Err(e) = records::set_deployment_status(github, id, state, description).await {
            self.reporter.warn(&not_recorded("GitHub deployment status", &e));
        }
    }
}

/// A Slack write that did not happen; after Slack rejected the token, also that nothing more is
/// sent in this run (so the one warning is the only one).
fn slack_not_recorded(what: &str, announcer: &Announcer, e: &crate::api::ApiError) -> String {
    let told = not_recorded(what, e);
    match announcer.refused() {
        true => format!("{told}; nothing more is sent to Slack in this run"),
        false => told,
    }
}
