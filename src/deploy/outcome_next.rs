//! The next steps a deploy or a watch ends with: each a command and why, from the ending and
//! what was read back (never "roll back" a release that is no longer current, never "try again"
//! once the release went live).
use super::DeployOutcome;
use crate::deploy::account::{Account, WorkStatus};
use crate::deploy::steps::Ending;
use crate::next_step::{self, NextStep};

impl DeployOutcome {
    pub(super) fn next_steps(&self) -> Vec<NextStep> {
        let mut next: Vec<NextStep> = vec![];
        let read = self.account.as_ref();
        let new = self.release.map(|n| format!("v{n}")).unwrap_or_else(|| "the new release".into());
        if let Some(r) = &self.resume {
            next.push(r.clone());
        }
        if let Some(f) = &self.release_failure {
            next.extend(f.next_steps.iter().cloned());
        }
        let watched_is_current = read.map_or(true, Account::ours_is_current);
        if self.rollback_declined && self.status == Ending::Failing && watched_is_current {
            let why = format!("the automatic rollback was declined: take {new} out of production by hand");
            next_step::push(&mut next, NextStep::new("bpdeploy rollback", why));
        }
        if let Some(cmd) = self.watch.as_ref().and_then(|w| w.triage_command.clone()) {
            next_step::push(
                &mut next,
                NextStep::new(cmd, "find the PR behind the top new issue and what to do about it"),
            );
        }
        if let Some(message) = &self.rollback_error {
            let why = format!("the automatic rollback failed ({message}): take {new} out of production by hand");
            next_step::push(&mut next, NextStep::new("bpdeploy rollback", why));
        }
        let went_live = read.is_some_and(Account::ours_is_current);
        let watch_new =
            || NextStep::new(format!("bpdeploy watch --release {new}"), format!("watch {new} for new errors"));
        // A watched release whose release phase failed never went live: its log says why.
        let failed_phase =
            read.and_then(|a| a.release.as_ref()).filter(|r| r.status == WorkStatus::Failed).and_then(|r| r.version);
        let again = &self.again;
        let steps: Vec<NextStep> = match self.status {
            Ending::Live if self.resume.is_none() => vec![watch_new()],
            // Lost track, but Heroku says the release went live: what comes next is the watch.
            Ending::Error if went_live && self.resume.is_none() => vec![watch_new()],
            Ending::Failing if self.rollback.is_none() && watched_is_current => vec![match self.rollback_held {
                Some(to) => NextStep::new(
                    format!("bpdeploy rollback v{to}"),
                    format!("take {new} out of production: the rollback the dry run held back"),
                ),
                None => NextStep::new(
                    "bpdeploy rollback",
                    format!("take {new} out of production (its schema migrations stay applied)"),
                ),
            }],
            Ending::Failing if failed_phase.is_some() => {
                let v = failed_phase.unwrap_or_default();
                let mut log = crate::deploy::migrations::release_output_step(v, &self.app);
                log.why = format!("why the release phase of v{v} failed: it never went live");
                vec![log]
            }
            Ending::Failing => {
                let current = read.and_then(|a| a.current_release);
                let flag = current.map(|c| format!(" --release v{c}")).unwrap_or_default();
                vec![NextStep::new(
                    format!("bpdeploy watch{flag}"),
                    "the watched release is no longer current: watch the one that is",
                )]
            }
            Ending::Locked => vec![
                NextStep::new(again.clone(), "run it again once the deploy holding the lock has finished"),
                NextStep::new(
                    format!("{again} --steal-lock"),
                    "only if that deploy is gone for good (its process was killed)",
                ),
            ],
            Ending::Stopped => vec![
                NextStep::new("bpdeploy preflight", "read the stop reasons and fix them"),
                NextStep::new(format!("{again} --force"), "only to deploy despite them"),
            ],
            Ending::BuildFailed => {
                // A watch of the failed build is no way forward: a deploy of the fix is.
                let deploy = if self.watch_only { "bpdeploy deploy".to_string() } else { again.clone() };
                vec![NextStep::new(deploy, format!("once the build is fixed on {}", self.branch_name()))]
            }
            Ending::NothingToDeploy => vec![NextStep::new(
                format!("{again} --force"),
                format!("only to build the same commit again; else merge something into {} first", self.branch_name()),
            )],
            Ending::DryRun => vec![NextStep::new(again.clone(), "deploy for real: the same command without --dry-run")],
            Ending::ConfirmationRequired => vec![
                NextStep::new(format!("{again} --yes"), "confirm up front: there is no TTY to ask on"),
                NextStep::new(format!("{again} --dry-run"), "see every call it would make, making none"),
            ],
            // Nothing changed, and the service may answer later: the same command, and when.
            Ending::Error if !went_live && self.retryable() => vec![NextStep::new(again.clone(), self.retry_when())],
            _ => vec![],
        };
        for step in steps {
            next_step::push(&mut next, step);
        }
        let unknown = self.migrations.as_ref().is_some_and(|m| !m.unknown.is_empty());
        if let (true, None, Some(version)) = (unknown, &self.release_failure, self.release) {
            next_step::push(&mut next, crate::deploy::migrations::release_output_step(version, &self.app));
        }
        next
    }

    /// A service that refused for now (rate limited) or did not answer: trying again is advice.
    fn retryable(&self) -> bool {
        let code = self.error.as_ref().map(|e| e.code.as_str()).unwrap_or_default();
        ["_rate_limited", "_unavailable", "_unreachable"].iter().any(|s| code.ends_with(s))
    }

    fn retry_when(&self) -> String {
        let error = self.error.as_ref();
        match error.filter(|e| e.code.ends_with("_rate_limited")).and_then(|e| e.hint.clone()) {
            Some(wait) => wait, // "rate limited: wait 120s and try again"
            None => "try again once the service answers".into(),
        }
    }

    fn branch_name(&self) -> &str {
        if self.branch.is_empty() {
            "the branch"
        } else {
            &self.branch
        }
    }
}
