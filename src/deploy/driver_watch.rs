//! The watch, as the driver runs it: which release and commit, the baseline to compare with,
//! then the looks (`observe`) until the verdict (`watch::assess`).
use crate::api::heroku::Release;
use crate::deploy::channels::watching::ChannelPlan;
use crate::deploy::driver::Driver;
use crate::deploy::follow;
use crate::deploy::machine::Event;
use crate::deploy::observe::{self, WatchPlan};
use crate::deploy::preflight_step::release_commit;
use crate::deploy::watch::{Thresholds, Verdict};
use crate::error::Failure;
use crate::exit::Exit;

impl Driver {
    /// The commit a release runs: the deploy's own sha, else the slug's, else the description's.
    async fn commit_of(&self, release: &Release) -> Option<String> {
        match &self.machine.facts.sha {
            Some(sha) => Some(sha.clone()),
            None => release_commit(&self.services.heroku, &self.setup.app, release).await,
        }
    }

    pub(crate) async fn watch(&mut self, release_id: &str) -> Event {
        let refuse =
            |m: &str, hint: &str| Event::Failed(Failure::new(Exit::Failure, "watch_impossible", m).with_hint(hint));
        let Some(sentry) = self.services.sentry.clone() else {
            return refuse("watching needs Sentry", "set [sentry] org and project, and SENTRY_AUTH_TOKEN");
        };
        let project = match self.setup.config.require_sentry() {
            Ok((_, p)) => p.to_string(),
            Err(e) => return Event::Failed(Failure::from_anyhow(&e.into())),
        };
        let heroku = self.services.heroku.clone();
        let release = match heroku.release(&self.setup.app, release_id).await {
            Ok(r) => r,
            Err(e) => return follow::failed("reading the release to watch", e),
        };
        self.stage.release_version = Some(release.version);
        let Some(sha) = self.commit_of(&release).await else {
            return refuse(
                &format!("cannot tell which commit v{} runs, so not its Sentry release", release.version),
                "deploy with bpdeploy (it records the commit), or check the release's slug",
            );
        };
        if let Some(a) = self.services.announcer.as_mut() {
            a.text.sha = sha.clone();
        }
        self.watched_commit = Some(sha.clone());
        let plan = WatchPlan {
            app: self.setup.app.clone(),
            sentry_release: self.setup.config.release_name(&sha),
            project,
            environment: self.setup.config.sentry.environment.clone(),
            thresholds: Thresholds::from(&self.setup.config.watch),
            duration: self.setup.watch_duration,
            interval: self.setup.watch_interval,
            channels: ChannelPlan::from_config(
                &self.setup.config.watch,
                self.setup.watch_interval,
                self.setup.context.ui.dry_run,
            ),
            slack: self.setup.context.slack().ok().flatten(),
            release,
        };
        let saved = self
            .setup
            .state_dir
            .as_deref()
            .and_then(|d| observe::saved_baseline(d, &plan.app, plan.release.created_at));
        let baseline = match saved {
            Some(b) => Some(b),
            None => match observe::measured_baseline(&sentry, &plan).await {
                Ok(b) => Some(b),
                Err(e) => {
                    self.reporter.warn(&format!("no baseline (the error rate will not be compared): {e}"));
                    None
                }
            },
        };
        self.reporter.line(&format!(
            "watching v{} for {} (every {})",
            plan.release.version,
            crate::config::duration::format(plan.duration),
            crate::config::duration::format(plan.interval)
        ));
        match observe::run(&heroku, &sentry, &plan, baseline.as_ref(), &mut self.reporter).await {
            Ok(report) => {
                let event =
                    Event::Verdict { healthy: report.verdict == Verdict::Healthy, still_current: report.still_current };
                self.watch_report = Some(report);
                event
            }
            Err(e) => follow::failed("watching the release", e),
        }
    }
}
