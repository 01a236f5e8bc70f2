//! How a deploy stops short or ends on trouble: a stop verdict, nothing to deploy, a lock held,
//! a failed build or release phase, Ctrl-C, an error; and how it is resumed afterwards.
use super::{Action, DeploymentState, Ending, LockHolder, Machine, Phase, PreflightLevel};
use crate::deploy::announce::SlackStage;
use crate::error::Failure;
use crate::next_step::NextStep;

impl Machine {
    pub(super) fn preflight_done(&mut self, level: PreflightLevel, up_to_date: bool) -> Vec<Action> {
        self.facts.preflight = Some(level);
        let mut warnings = vec![];
        if level == PreflightLevel::Stop {
            if !self.options.force {
                return self.finish(Ending::Stopped, vec![]);
            }
            warnings.push(Action::Warn("preflight says stop; deploying anyway (--force)".into()));
        }
        if up_to_date {
            if !self.options.force {
                return self.finish(Ending::NothingToDeploy, vec![]);
            }
            warnings.push(Action::Warn("production already runs this commit; building it again (--force)".into()));
        }
        warnings.push(Action::CheckLock);
        self.go(Phase::LockCheck, warnings)
    }

    /// Someone else holds the lock: stop, unless `--steal-lock` says to go on regardless.
    pub(super) fn lock_held(&mut self, holder: LockHolder, next: Phase, action: Action) -> Vec<Action> {
        let warning = format!("deploying despite the lock held by {} (--steal-lock)", holder.describe());
        self.facts.lock = Some(holder);
        if self.options.steal_lock {
            return self.go(next, vec![Action::Warn(warning), action]);
        }
        // Lost after this run's record was made: close it, it must not hold the lock itself.
        let close = self.facts.deployment_id.map(|_| Action::SetDeploymentStatus(DeploymentState::Error));
        self.finish(Ending::Locked, close.into_iter().collect())
    }

    /// A failed build or release phase: the deployment fails and the Slack message says so.
    pub(super) fn failure_records(&self) -> Vec<Action> {
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
    /// remotely, so the records are closed; afterwards they stay as they are for the command
    /// that resumes to finish, and what Heroku says now is read back for the account.
    pub(super) fn interrupted(&mut self) -> Vec<Action> {
        self.facts.rollback_open = self.phase == Phase::RollingBack;
        let mut actions = vec![];
        if !self.phase.build_may_exist() && self.facts.deployment_id.is_some() {
            actions.push(Action::SetDeploymentStatus(DeploymentState::Error));
        }
        if self.phase.build_may_exist() {
            actions.push(Action::ReadBack);
        }
        if self.phase.announced() {
            actions.push(Action::UpdateSlack(SlackStage::Unfollowed));
        }
        self.finish(Ending::Interrupted, actions)
    }

    /// An error. Before the build POST nothing runs remotely: the records are closed. After it,
    /// what happened is read back from Heroku first, and the records follow what it says.
    pub(super) fn failed(&mut self, failure: Failure) -> Vec<Action> {
        self.facts.error = Some(failure);
        if self.phase == Phase::CreateBuild {
            // The POST (or the tarball before it) answered with a refusal: no build was made.
            self.facts.build_post_open = false;
        }
        if self.phase.build_may_exist() && self.phase != Phase::ReadingBack {
            return self.go(Phase::ReadingBack, vec![Action::ReadBack]);
        }
        let mut actions = vec![];
        if self.facts.deployment_id.is_some() && !self.phase.build_may_exist() {
            actions.push(Action::SetDeploymentStatus(DeploymentState::Error));
        }
        if self.phase.announced() {
            actions.push(Action::UpdateSlack(SlackStage::Errored));
        }
        self.finish(Ending::Error, actions)
    }

    /// How to pick up again: from what Heroku said at the end when it was read back, else from
    /// what this run knows of its work; None when nothing runs remotely.
    pub fn resume_hint(&self) -> Option<NextStep> {
        if self.facts.rollback_open {
            let why = "a rollback was sent when bpdeploy was stopped: whether Heroku made it is unknown";
            return Some(NextStep::new("bpdeploy releases", why));
        }
        if let Some(account) = &self.facts.account {
            return account.resume();
        }
        if let Some(r) = &self.facts.release {
            let v = r.version;
            let why = format!("follow v{v} to the end of its release phase and watch it");
            return Some(NextStep::new(format!("bpdeploy watch --release v{v}"), why));
        }
        if let Some(b) = &self.facts.build {
            let why = "follow the build still running on Heroku, then its release phase";
            return Some(NextStep::new(format!("bpdeploy watch --build {}", b.id), why));
        }
        if self.facts.build_posts > 0 {
            return Some(NextStep::new("bpdeploy releases", "find out whether the build request made a build"));
        }
        None
    }
}
