//! Turning what the driver learnt into the outcome: every ending says what production serves.
use crate::deploy::account::WorkStatus;
use crate::deploy::announce::PullRequestLine;
use crate::deploy::driver::Driver;
use crate::deploy::machine::{Ending, Phase};
use crate::deploy::migrations::{PhaseEnd, ReleaseFailure};
use crate::deploy::outcome::{BuildFailure, DeployOutcome, RollbackSummary};
use crate::deploy::plan::{deploy_calls, PlanScope};

impl Driver {
    pub fn outcome(&self) -> DeployOutcome {
        let facts = &self.machine.facts;
        let ending = match self.machine.phase {
            Phase::Done(e) => e,
            // Never reached by `run`; a driver asked early reports an error rather than success.
            _ => Ending::Error,
        };
        let mut o = DeployOutcome::new(ending, &self.setup.app);
        o.sha = facts.sha.clone();
        o.build_id = facts.build.as_ref().map(|b| b.id.clone());
        o.release = facts.release.as_ref().map(|r| r.version).or(self.stage.release_version);
        o.previous_release = self.previous.as_ref().map(|r| r.version);
        o.preflight = facts.preflight;
        o.lock = self.lock_seen.clone();
        o.watch_only = self.setup.watch_only;
        o.rollback_declined = self.setup.rollback_declined;
        o.again = self.setup.again.clone();
        o.error = facts.error.clone();
        o.account = facts.account.clone();
        o.branch = self.setup.branch.clone();
        o.rollback_held = facts.rollback_held;
        o.watch_wanted = self.machine.options.watch;
        if let Some(v) = o.account.as_ref().and_then(|a| a.release.as_ref()).and_then(|r| r.version) {
            o.release = o.release.or(Some(v));
        }
        let end = self.phase_end();
        let release_known = o.account.as_ref().is_some_and(|a| a.release.as_ref().is_some_and(|r| r.version.is_some()));
        // A watch of a release already live read no release-phase log: what ran is not its to say.
        let followed =
            self.release_end.is_some() || self.release_lines > 0 || facts.build_posts > 0 || facts.build.is_some();
        if (facts.release.is_some() || release_known) && followed {
            o.migrations = Some(self.migrations.report(end));
        }
        if ending == Ending::DryRun {
            o.calls = deploy_calls(
                &self.setup.config,
                &self.setup.app,
                o.sha.as_deref().unwrap_or("<sha>"),
                self.plan_scope(),
            );
        }
        if ending == Ending::BuildFailed {
            let build_id = o.build_id.clone().unwrap_or_default();
            o.build_failure = Some(BuildFailure { build_id, output_tail: self.build_tail.lines() });
        }
        if ending == Ending::ReleaseFailed {
            o.release_failure = Some(ReleaseFailure::new(
                o.release.unwrap_or_default(),
                o.previous_release,
                &self.setup.app,
                self.migrations.report(end),
                self.release_tail.lines(),
            ));
        }
        o.watch = self.watch_report.clone();
        if let Some(r) = &self.rollback {
            o.rollback = Some(RollbackSummary {
                from_version: r.from_version,
                to_version: r.to_version,
                new_version: r.new_version,
                removed_pull_requests: self
                    .removed_pull_requests
                    .clone()
                    .unwrap_or_else(|| self.shipped_pull_requests()),
            });
        }
        o.rollback_error = facts.rollback_error.clone();
        if matches!(ending, Ending::Interrupted | Ending::Error) {
            o.resume = self.machine.resume_hint();
        }
        o.conclude()
    }

    /// How the release phase ended: as followed, else as read back at the end.
    fn phase_end(&self) -> PhaseEnd {
        let read = self.machine.facts.account.as_ref().and_then(|a| a.release.as_ref()).map(|r| r.status);
        match (self.release_end, read) {
            (Some(true), _) | (None, Some(WorkStatus::Succeeded)) => PhaseEnd::Succeeded,
            (Some(false), _) | (None, Some(WorkStatus::Failed)) => PhaseEnd::Failed,
            _ => PhaseEnd::Unknown,
        }
    }

    fn plan_scope(&self) -> PlanScope {
        let options = self.machine.options;
        PlanScope {
            watch: options.watch,
            auto_rollback: options.auto_rollback,
            sentry: self.services.sentry.is_some(),
            slack_edits: self.services.announcer.as_ref().map(|a| a.slack.can_edit()),
        }
    }

    /// What this run's preflight said it ships: what a rollback right after it removes.
    fn shipped_pull_requests(&self) -> Vec<PullRequestLine> {
        self.preflight.as_ref().map(|p| p.pull_requests.clone()).unwrap_or_default()
    }
}
