//! The async runner: performs the machine's actions against the services and feeds the results
//! back as events, until the machine is done. Tasks report an event; effects (Slack, deployment
//! statuses, warnings) only warn when they fail, because bookkeeping never stops a deploy.
use crate::api::github::GitHub;
use crate::api::heroku::{Heroku, Release};
use crate::api::sentry::Sentry;
use crate::api::Transport;
use crate::config::Config;
use crate::context::Context;
use crate::deploy::announce::{PullRequestLine, SlackStage, StageFacts};
use crate::deploy::build_progress::{Eta, OutputTail, PastBuild};
use crate::deploy::events::DeployEvent;
use crate::deploy::follow;
use crate::deploy::lock::{evaluate, LockState};
use crate::deploy::machine::{Action, DeploymentState, Event, Machine};
use crate::deploy::migrations::MigrationProgress;
use crate::deploy::preflight_step::{self, PreflightFacts};
use crate::deploy::records::{self, Announcer};
use crate::deploy::reporter::Reporter;
use crate::deploy::rollback::{roll_back, RolledBack};
use crate::deploy::watch::WatchReport;
use crate::error::Failure;
use crate::exit::Exit;
use crate::ui::Ui;
use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;
use std::time::Duration;

/// The services a deploy talks to. GitHub is needed to deploy, Sentry to watch.
pub struct Services {
    pub heroku: Heroku,
    pub github: Option<GitHub>,
    pub sentry: Option<Sentry>,
    pub announcer: Option<Announcer>,
    pub transport: Transport,
}

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
}

pub struct Driver {
    pub machine: Machine,
    pub(crate) setup: Setup,
    pub(crate) services: Services,
    pub(crate) reporter: Reporter,
    pub(crate) preflight: Option<PreflightFacts>,
    /// The release production served before the deploy.
    pub(crate) previous: Option<Release>,
    known_builds: BTreeSet<String>,
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
        }
    }

    /// Runs until the machine is done. Dropping this future (Ctrl-C) leaves the driver usable
    /// for [`Driver::interrupt`].
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
    }

    /// Ctrl-C: stop following, close what must be closed (briefly), say how to resume.
    pub async fn interrupt(&mut self) {
        self.reporter.finish_spinner();
        let actions = self.machine.step(Event::Interrupted);
        let effects = async {
            for action in actions {
                self.perform(action).await;
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(5), effects).await;
        self.reporter.event(DeployEvent::Interrupted { resume: self.machine.resume_hint() });
    }

    async fn perform(&mut self, action: Action) -> Option<Event> {
        let app = self.setup.app.clone();
        match action {
            Action::RunPreflight => Some(self.preflight().await),
            Action::CheckLock => Some(self.check_lock().await),
            Action::ResolveSource => Some(self.resolve_source().await),
            Action::Confirm => Some(self.confirm().await),
            Action::Record { sha } => Some(self.record(&sha).await),
            Action::Announce => {
                if let Some(a) = self.services.announcer.as_mut() {
                    if let Err(e) = a.announce().await {
                        self.reporter.warn(&format!("Slack announcement failed: {e}"));
                    }
                }
                Some(Event::Announced)
            }
            Action::CreateBuild { sha, attempt } => {
                self.reporter.line(&format!("creating the build (request {attempt})"));
                let github = self.services.github.as_ref()?;
                let description = format!("bpdeploy: {} by {}", self.setup.branch, self.setup.who);
                let event = follow::create_build(&self.services.heroku, github, &app, &sha, &description).await;
                self.note_build(&event);
                Some(event)
            }
            Action::FindBuild { sha } => {
                self.reporter.warn("the build request got no answer; looking for the build before anything else");
                let event = follow::find_build(&self.services.heroku, &app, &sha, &self.known_builds).await;
                self.reconciled_build = matches!(event, Event::BuildStarted(_));
                self.note_build(&event);
                Some(event)
            }
            Action::FollowBuild { build, via } => Some(self.follow_build(&build, via).await),
            Action::FindRelease { build, release_id } => {
                let event =
                    follow::find_release(&self.services.heroku, &app, &build, release_id, self.setup.poll).await;
                if let Event::ReleaseFound(r) = &event {
                    self.stage.release_version = Some(r.version);
                    self.reporter.event(DeployEvent::Release { version: r.version, status: "pending".into() });
                }
                Some(event)
            }
            Action::FollowRelease { release, via } => Some(self.follow_release(&release, via).await),
            Action::MarkLive { release } => {
                self.reporter.event(DeployEvent::Live { version: release.version });
                if let (Some(sentry), Some(sha)) = (&self.services.sentry, &self.machine.facts.sha) {
                    let name = self.setup.config.release_name(sha);
                    let env = &self.setup.config.sentry.environment;
                    if let Err(e) =
                        records::mark_sentry_deploy(sentry, &name, env, &format!("v{}", release.version)).await
                    {
                        self.reporter.warn(&format!("Sentry deploy marker failed: {e}"));
                    }
                }
                Some(Event::LiveMarked)
            }
            Action::Watch { release } => Some(self.watch(&release.id).await),
            Action::Rollback { release } => {
                let result = roll_back(&self.services.heroku, &app, release.version, self.setup.poll).await;
                Some(match result {
                    Ok(done) => {
                        self.reporter.event(DeployEvent::Rollback {
                            from_version: done.from_version,
                            to_version: done.to_version,
                            new_version: Some(done.new_version),
                            reconciled: done.reconciled,
                        });
                        self.stage.rolled_back_to = Some(done.to_version);
                        if self.preflight.is_none() {
                            self.removed_pull_requests = Some(self.removed_by(&done).await);
                        }
                        let version = done.new_version;
                        self.rollback = Some(done);
                        Event::RolledBack { version }
                    }
                    Err(e) => Event::RollbackFailed(e.to_string()),
                })
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

    fn note_build(&mut self, event: &Event) {
        if let Event::BuildStarted(b) = event {
            let status = "pending".to_string();
            self.reporter.event(DeployEvent::Build { id: b.id.clone(), status, reconciled: self.reconciled_build });
        }
    }

    async fn preflight(&mut self) -> Event {
        match preflight_step::run(&self.setup, &self.services.heroku, self.machine.options.force).await {
            Ok(facts) => {
                let level = facts.level;
                self.reporter.event(DeployEvent::Preflight { verdict: level, reasons: facts.reasons.clone() });
                self.previous = facts.production.clone();
                self.stage.previous_version = self.previous.as_ref().map(|r| r.version);
                self.migrations = MigrationProgress::new(facts.migrations.clone());
                if let Some(a) = self.services.announcer.as_mut() {
                    a.text.pull_requests = facts.pull_requests.clone();
                    a.text.migrations = facts.migrations.len();
                }
                self.preflight = Some(facts);
                Event::PreflightDone(level)
            }
            Err(e) => Event::Failed(Failure::from_anyhow(&e.context("preflight"))),
        }
    }

    async fn check_lock(&mut self) -> Event {
        let heroku = &self.services.heroku;
        let builds = match heroku.builds(&self.setup.app, 20).await {
            Ok(b) => b,
            Err(e) => return follow::failed("checking the deploy lock", e),
        };
        let github = self.services.github.as_ref();
        let evidence = match records::lock_evidence(heroku, github, &self.setup.app, &builds).await {
            Ok(e) => e,
            Err(e) => return follow::failed("checking the deploy lock", e),
        };
        // Builds listed now are not ours: a reconcile after an unanswered POST must skip them.
        self.known_builds = builds.iter().map(|b| b.id.clone()).collect();
        let past: Vec<PastBuild> = builds
            .iter()
            .filter_map(|b| {
                let updated_at = b.updated_at?;
                Some(PastBuild { succeeded: b.status == "succeeded", created_at: b.created_at, updated_at })
            })
            .collect();
        self.eta = Eta::from_recent(&past);
        match evaluate(&evidence, chrono::Utc::now()) {
            LockState::Free { notes } => {
                for note in notes {
                    self.reporter.warn(&note);
                }
                self.reporter.event(DeployEvent::Lock { held: false, holder: None, forced: false });
                Event::LockFree
            }
            LockState::Held(holder) => {
                let forced = self.machine.options.force;
                self.reporter.event(DeployEvent::Lock { held: true, holder: Some(holder.clone()), forced });
                Event::LockHeld(holder)
            }
        }
    }

    async fn resolve_source(&mut self) -> Event {
        let Some(github) = &self.services.github else {
            return Event::Failed(Failure::new(Exit::Failure, "github_missing", "deploying needs GitHub"));
        };
        match github.ref_sha(&self.setup.branch).await {
            Ok(sha) => {
                self.reporter.event(DeployEvent::Source { branch: self.setup.branch.clone(), sha: sha.clone() });
                if let Some(a) = self.services.announcer.as_mut() {
                    a.text.sha = sha.clone();
                }
                Event::SourceResolved { sha }
            }
            Err(e) => follow::failed(&format!("resolving branch {} on GitHub", self.setup.branch), e),
        }
    }

    async fn confirm(&mut self) -> Event {
        let sha = self.machine.facts.sha.clone().unwrap_or_default();
        let question = format!("Deploy {} ({}) to {}?", &sha[..sha.len().min(7)], self.setup.branch, self.setup.app);
        let ui = self.reporter.ui().clone();
        // The prompt blocks on stdin: off the async threads, so Ctrl-C still gets through.
        match tokio::task::spawn_blocking(move || ui.confirm(&question)).await {
            Ok(Ok(true)) => Event::Confirmed,
            Ok(Ok(false)) => Event::Declined,
            Ok(Err(failure)) => Event::Failed(failure),
            Err(e) => Event::Failed(Failure::new(Exit::Failure, "confirm", e.to_string())),
        }
    }

    async fn record(&mut self, sha: &str) -> Event {
        let mut deployment_id = None;
        if let Some(github) = &self.services.github {
            match records::start_deployment(github, sha, &self.setup.app, &self.setup.who).await {
                Ok(id) => deployment_id = id,
                Err(e) => self.reporter.warn(&format!("GitHub deployment record failed: {e}")),
            }
        }
        if let (Some(sentry), Ok((_, project)), Some(repo)) =
            (&self.services.sentry, self.setup.config.require_sentry(), self.setup.config.github.repo.as_deref())
        {
            let previous = self.preflight.as_ref().and_then(|p| p.production_sha.as_deref());
            let name = self.setup.config.release_name(sha);
            if let Err(e) = records::create_sentry_release(sentry, &name, project, repo, sha, previous).await {
                self.reporter.warn(&format!("Sentry release failed: {e}"));
            }
        }
        Event::Recorded { deployment_id }
    }

    async fn update_slack(&mut self, stage: SlackStage) {
        self.stage.watch_for = Some(self.setup.watch_duration);
        self.stage.reason = self.watch_report.as_ref().and_then(|w| w.reasons.first()).map(|r| r.message.clone());
        if let Some(a) = self.services.announcer.as_mut() {
            if let Err(e) = a.update(stage, &self.stage).await {
                self.reporter.warn(&format!("Slack update failed: {e}"));
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
            self.reporter.warn(&format!("GitHub deployment status failed: {e}"));
        }
    }
}
