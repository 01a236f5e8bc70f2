//! The steps before the build: resolve the branch to a sha, preflight exactly that sha, look at
//! the lock, confirm, take the lock, record the Sentry release. Nothing changes anywhere before
//! the confirmation; a dry run stops there.
use crate::api::sentry::{IssueQuery, Sentry};
use crate::api::ApiError;
use crate::config::Config;
use crate::deploy::build_progress::{Eta, PastBuild};
use crate::deploy::driver::Driver;
use crate::deploy::events::DeployEvent;
use crate::deploy::follow;
use crate::deploy::lock::{evaluate, LockState};
use crate::deploy::lock_io::{self, HerokuRecent, Taken};
use crate::deploy::machine::Event;
use crate::deploy::migrations::MigrationProgress;
use crate::deploy::preflight_step;
use crate::deploy::records::{self, not_recorded};
use crate::deploy::steps::LockReport;
use crate::error::Failure;
use crate::exit::Exit;

impl Driver {
    pub(crate) async fn resolve_source(&mut self) -> Event {
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
            Err(e) if matches!(e.status(), Some(404 | 422)) => self.branch_missing(e).await,
            Err(e) => follow::failed(&format!("resolving branch {} on GitHub", self.setup.branch), e),
        }
    }

    /// GitHub does not know the ref. When the repository answers, it is the branch that is
    /// missing, and the hint names where it came from; otherwise GitHub's own error stands.
    async fn branch_missing(&self, e: ApiError) -> Event {
        let branch = &self.setup.branch;
        let repository_answers = match &self.services.github {
            Some(github) => github.deployments(None, None).await.is_ok(),
            None => false,
        };
        if !repository_answers {
            return follow::failed(&format!("resolving branch {branch} on GitHub"), e);
        }
        let from = match branch == &self.setup.config.github.branch {
            true => "[github] branch (or BPDEPLOY_GITHUB_BRANCH)",
            false => "--branch",
        };
        let name = self.setup.config.github.repo.clone().unwrap_or_default();
        let message = format!("GitHub has no branch {branch} in {name}");
        let hint = format!("check {from}; `git ls-remote --heads origin` lists the branches GitHub has");
        use crate::diagnose::Diagnose;
        Event::Failed(Failure::new(Exit::Failure, &e.code(), message).with_hint(hint))
    }

    pub(crate) async fn preflight(&mut self) -> Event {
        let sha = self.machine.facts.sha.clone().unwrap_or_default();
        let facts =
            match preflight_step::run(&self.setup, &self.services.heroku, self.machine.options.force, &sha).await {
                Ok(facts) => facts,
                Err(e) => return Event::Failed(Failure::from_anyhow(&e.context("preflight"))),
            };
        if self.machine.options.watch {
            if let Err(failure) = self.watch_can_run().await {
                return Event::Failed(failure);
            }
        }
        let level = facts.level;
        self.reporter.event(DeployEvent::Preflight { verdict: level, reasons: facts.reasons.clone() });
        self.previous = facts.production.clone();
        self.stage.previous_version = self.previous.as_ref().map(|r| r.version);
        self.migrations = MigrationProgress::new(facts.migrations.clone());
        if let Some(a) = self.services.announcer.as_mut() {
            a.text.pull_requests = facts.pull_requests.clone();
            a.text.migrations = facts.migrations.len();
            a.text.shipped_known = true;
        }
        let up_to_date = facts.production_sha.as_deref() == Some(sha.as_str());
        self.machine.facts.production_sha = facts.production_sha.clone();
        self.preflight = Some(facts);
        Event::PreflightDone { level, up_to_date }
    }

    /// `--watch` must not find out after the release that it cannot watch: every credential the
    /// watch needs is tried now, with the read the watch makes first.
    async fn watch_can_run(&self) -> Result<(), Failure> {
        let Some(sentry) = &self.services.sentry else {
            return Err(Failure::new(Exit::Credentials, "watch_impossible", "--watch needs Sentry, which is not configured")
                .with_hint("set SENTRY_AUTH_TOKEN (or run `sentry-cli login`) and [sentry] org and project, or deploy without --watch"));
        };
        sentry_answers(sentry, &self.setup.config, "checking what --watch needs").await
    }

    /// A look at the lock that changes nothing, before asking for confirmation.
    pub(crate) async fn check_lock(&mut self) -> Event {
        let heroku = &self.services.heroku;
        let recent = match HerokuRecent::read(heroku, &self.setup.app).await {
            Ok(r) => r,
            Err(e) => return follow::failed("checking the deploy lock", e),
        };
        let evidence = match lock_io::read_evidence(&recent, self.services.github.as_ref(), &self.setup.app).await {
            Ok(e) => e,
            Err(e) => return follow::failed("checking the deploy lock", e),
        };
        // Builds listed now are not ours: a read-back after an unanswered POST must skip them.
        self.known_builds = recent.builds.iter().map(|b| b.id.clone()).collect();
        let past: Vec<PastBuild> = recent
            .builds
            .iter()
            .filter_map(|b| {
                let updated_at = b.updated_at?;
                Some(PastBuild { succeeded: b.status == "succeeded", created_at: b.created_at, updated_at })
            })
            .collect();
        self.eta = Eta::from_recent(&past);
        match evaluate(&evidence, chrono::Utc::now(), None) {
            LockState::Free { stale } => {
                // Taking the lock says so and closes them; a dry run stops before, so says it here.
                for s in stale.iter().filter(|_| self.machine.options.dry_run) {
                    let note = s.note(self.reporter.ui().stderr_tty);
                    self.reporter.warn(&format!("{note}; a real run closes it and goes ahead"));
                }
                self.lock_event(LockReport::free());
                Event::LockFree
            }
            LockState::Held(holder) => {
                self.lock_event(LockReport::held(holder.clone(), self.machine.options.steal_lock));
                Event::LockHeld(holder)
            }
        }
    }

    /// Says what the lock looks like, and keeps it for the result.
    fn lock_event(&mut self, lock: LockReport) {
        self.lock_seen = Some(lock.clone());
        self.reporter.event(DeployEvent::Lock(lock));
    }

    pub(crate) async fn confirm(&mut self) -> Event {
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

    /// Creates this run's GitHub deployment and lists the ones in progress: the oldest wins.
    pub(crate) async fn take_lock(&mut self, sha: &str) -> Event {
        let Some(github) = &self.services.github else {
            return Event::Failed(Failure::new(Exit::Failure, "github_missing", "deploying needs GitHub"));
        };
        let (app, who) = (&self.setup.app, &self.setup.who);
        match lock_io::take(&self.services.heroku, github, app, sha, who).await {
            Ok(Taken::Held { deployment_id, stale }) => {
                for s in &stale {
                    let note = s.note(self.reporter.ui().stderr_tty);
                    self.reporter.warn(&format!("{note}; closing it"));
                    if let Err(e) = lock_io::close_stale(github, s).await {
                        self.reporter.warn(&format!("closing GitHub deployment {} failed: {e}", s.id));
                    }
                }
                Event::LockTaken { deployment_id }
            }
            Ok(Taken::Lost { holder, deployment_id }) => {
                self.lock_event(LockReport::held(holder.clone(), self.machine.options.steal_lock));
                Event::LockLost { holder, deployment_id }
            }
            Err(e) => Event::Failed(
                Failure::from_anyhow(&anyhow::Error::new(e).context("taking the deploy lock (a GitHub deployment)"))
                    .with_hint("nothing was deployed; run `bpdeploy deploy` again once GitHub answers"),
            ),
        }
    }

    /// The Sentry release with its commits. Bookkeeping: a failure is a warning.
    pub(crate) async fn record(&mut self, sha: &str) -> Event {
        if let (Some(sentry), Ok((_, project)), Some(repo)) =
            (&self.services.sentry, self.setup.config.require_sentry(), self.setup.config.github.repo.as_deref())
        {
            let previous = self.preflight.as_ref().and_then(|p| p.production_sha.as_deref());
            let name = self.setup.config.release_name(sha);
            if let Err(e) = records::create_sentry_release(sentry, &name, project, repo, sha, previous).await {
                self.reporter.warn(&not_recorded("Sentry release", &e));
            }
        }
        Event::Recorded
    }
}

/// The watch's first read, tried before anything else: a token Sentry refuses (401, 403) is
/// exit 4 naming the credential, now rather than after the release went live.
pub(crate) async fn sentry_answers(sentry: &Sentry, config: &Config, doing: &str) -> Result<(), Failure> {
    let (_, project) = config.require_sentry().map_err(|e| Failure::from_anyhow(&e.into()))?;
    let query = IssueQuery {
        query: "is:unresolved".into(),
        stats_period: Some("1h".into()),
        sort: None,
        environment: Some(config.sentry.environment.clone()),
        projects: vec![project.to_string()],
        limit: Some(1),
        max: Some(1),
    };
    match sentry.issues(&query).await {
        Ok(_) => Ok(()),
        Err(e @ ApiError::Status { status: 401 | 403, .. }) => {
            let mut failure = Failure::from_anyhow(&anyhow::Error::new(e).context(doing.to_string()));
            failure.exit = Exit::Credentials;
            Err(failure)
        }
        Err(e) => Err(Failure::from_anyhow(&anyhow::Error::new(e).context(doing.to_string()))),
    }
}
