//! The one document both recovery commands answer with (`--json`): what the path will do, then
//! what it did. Field names are the README's contract.
use super::compat::{OldCode, Verdict};
use super::conflicts::Conflict;
use super::eta::Estimate;
use super::sentry_issue::FollowedIssue;
use super::undo::UndoMigration;
use crate::deploy::announce::PullRequestLine;
use crate::deploy::outcome::DeployOutcome;
use crate::error::Failure;
use crate::exit::Exit;
use crate::next_step::NextStep;
use crate::preflight::migrations::Migration;
use crate::preflight::range::RangeWarning;
use serde::Serialize;

/// The warnings that say what was to follow the action (`--watch`'s watch, `--deploy`'s deploy)
/// could not run: the action happened and stands, the run exits 1 and says how to resume.
pub const FOLLOW_FAILED: [&str; 2] = ["watch_failed", "deploy_failed"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The preview only: `--dry-run`, or nothing was confirmed yet.
    Previewed,
    RolledBack,
    RevertPrOpened,
    Merged,
    Deployed,
    /// Stopped before anything was sent; `refusal` says why.
    Refused,
    /// Something was sent and did not end well (a failed release phase, a failing check).
    Failed,
}

/// How worried the preview is: `danger` when restored code will break on the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Safe,
    Caution,
    Danger,
}

/// A Heroku release as the previews show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReleaseFacts {
    pub version: u64,
    pub id: String,
    pub status: String,
    pub description: String,
    /// The full sha it runs, when its slug or description says.
    pub commit: Option<String>,
    pub user: Option<String>,
    pub created_at: String,
    pub hours_ago: f64,
}

/// A release passed over on the way to the default target, and why.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Skipped {
    pub version: u64,
    pub reason: String,
}

/// A migration that stays applied, as preflight describes it, with whether the restored code
/// can live with it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StayingMigration {
    #[serde(flatten)]
    pub migration: Migration,
    pub old_code: Verdict,
    pub old_code_reason: String,
}

impl StayingMigration {
    pub fn new(migration: Migration, old: OldCode) -> StayingMigration {
        StayingMigration { migration, old_code: old.verdict, old_code_reason: old.reason }
    }

    /// Its class, else its path.
    pub fn name(&self) -> String {
        self.migration.class_name.clone().unwrap_or_else(|| self.migration.path.clone())
    }
}

/// The PR a revert undoes (`target` of `revert`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PullRequestFacts {
    pub number: u64,
    pub title: String,
    pub author: Option<String>,
    pub url: String,
    pub merge_commit: String,
    /// `merge`, `squash` or `rebase` (as it reached the branch).
    pub merged_as: String,
    pub commits: Vec<String>,
    /// Its last commit is an ancestor of production's; null when production's commit is unknown.
    pub in_production: Option<bool>,
}

/// What a revert created.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OpenedPullRequest {
    pub number: u64,
    pub url: String,
    pub branch: String,
    pub head: String,
    /// The merge commit on the branch once merged.
    pub merge_commit: Option<String>,
    /// Found again after a lost answer rather than created by this run.
    pub reconciled: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(untagged)]
pub enum Target {
    Release(ReleaseFacts),
    PullRequest(PullRequestFacts),
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `rollback` or `revert`.
    pub command: &'static str,
    pub app: String,
    pub target: Option<Target>,
    pub current: Option<ReleaseFacts>,
    pub skipped: Vec<Skipped>,
    /// Null when bpdeploy cannot tell (the repository lacks the commits): never read it as none.
    pub removed_pull_requests: Option<Vec<PullRequestLine>>,
    pub migrations: Vec<StayingMigration>,
    /// Keys only, never values; null when Heroku could not say.
    pub config_changes: Option<Vec<String>>,
    pub conflicts: Vec<Conflict>,
    pub kept_paths: Vec<String>,
    pub undo_migration: Option<UndoMigration>,
    pub estimated_recovery_secs: Estimate,
    pub level: Level,
    pub warnings: Vec<RangeWarning>,
    pub action: Action,
    pub refusal: Option<Failure>,
    /// The rollback release, once created.
    pub release: Option<ReleaseFacts>,
    /// The revert PR, once opened.
    pub pull_request: Option<OpenedPullRequest>,
    /// `rollback --watch`: the watch of the rollback release, as `watch` reports it.
    pub watch: Option<DeployOutcome>,
    /// `revert --deploy`: the deploy of the branch, as `deploy` reports it.
    pub deploy: Option<DeployOutcome>,
    /// `--sentry ISSUE` with `--watch`: the error followed, and whether it stopped.
    pub sentry_issue: Option<FollowedIssue>,
    /// The commands to run next, and why.
    pub next: Vec<NextStep>,
}

impl Report {
    pub fn new(command: &'static str, app: &str) -> Report {
        Report {
            command,
            app: app.to_string(),
            target: None,
            current: None,
            skipped: vec![],
            removed_pull_requests: None,
            migrations: vec![],
            config_changes: None,
            conflicts: vec![],
            kept_paths: vec![],
            undo_migration: None,
            estimated_recovery_secs: Estimate::default(),
            level: Level::Safe,
            warnings: vec![],
            action: Action::Previewed,
            refusal: None,
            release: None,
            pull_request: None,
            watch: None,
            deploy: None,
            sentry_issue: None,
            next: vec![],
        }
    }

    /// The data migrations among the migrations: never undone, their changes to rows stay.
    pub fn data_migrations(&self) -> Vec<String> {
        let data = self.migrations.iter().filter(|m| m.migration.kind == crate::preflight::migrations::Kind::Data);
        data.map(StayingMigration::name).collect()
    }

    /// The commit the target runs: a rollback's release commit, a revert's merge commit.
    pub fn target_commit(&self) -> Option<String> {
        match &self.target {
            Some(Target::Release(r)) => r.commit.clone(),
            Some(Target::PullRequest(p)) => Some(p.merge_commit.clone()),
            None => None,
        }
    }

    pub fn warn(&mut self, code: &str, message: impl Into<String>) {
        self.warnings.push(RangeWarning { code: code.into(), message: message.into() });
    }

    /// What was to follow the action could not run (`code` is one of [`FOLLOW_FAILED`]). The
    /// action is kept as it was read back; `resume` is the command that carries on.
    pub fn follow_failed(&mut self, code: &str, message: String, resume: NextStep) {
        self.warn(code, message);
        if let Some(issue) = self.sentry_issue.as_mut() {
            issue.state = super::sentry_issue::IssueState::Unknown;
            issue.reason = Some("the new release was not watched, so whether the error stopped is not known".into());
        }
        self.next = vec![resume];
    }

    /// The warning of a follow-up that could not run, if any.
    pub fn follow_failure(&self) -> Option<&RangeWarning> {
        self.warnings.iter().find(|w| FOLLOW_FAILED.contains(&w.code.as_str()))
    }

    /// Stops the path: nothing is sent after this.
    pub fn refuse(&mut self, failure: Failure) {
        self.action = Action::Refused;
        self.refusal = Some(failure);
    }

    /// The level the preview's facts call for.
    pub fn judge(&mut self) {
        let breaks = self.migrations.iter().any(|m| m.old_code == Verdict::Breaks);
        let unsure = self.migrations.iter().any(|m| m.old_code == Verdict::Unknown)
            || self.removed_pull_requests.is_none() && self.command == "rollback"
            || !self.warnings.is_empty()
            // The undo migration destroys data, or the lint has words for what it runs.
            || self.undo_migration.as_ref().is_some_and(|u| !u.data_loss.is_empty() || !u.risks.is_empty());
        self.level = match (breaks, unsure) {
            (true, _) => Level::Danger,
            (false, true) => Level::Caution,
            _ => Level::Safe,
        };
    }

    /// A refusal's own code; a failed action 3; a follow-up that could not run 1; then the watch's or deploy's own exit; then
    /// the followed issue (3 while its error is not gone).
    pub fn exit(&self) -> Exit {
        use crate::ui::render::Outcome as _;
        if let Some(f) = &self.refusal {
            return f.exit;
        }
        if self.action == Action::Failed {
            return Exit::Unsafe;
        }
        if self.follow_failure().is_some() {
            return Exit::Failure;
        }
        let followed = [&self.watch, &self.deploy].into_iter().flatten().map(|o| o.exit());
        let issue = self.sentry_issue.iter().map(FollowedIssue::exit);
        followed.chain(issue).find(|e| *e != Exit::Success).unwrap_or(Exit::Success)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn undo(data_loss: Vec<String>) -> UndoMigration {
        UndoMigration {
            path: "db/migrate/2_revert_x.rb".into(),
            class_name: "RevertX".into(),
            reverts: vec!["X".into()],
            statements: vec!["remove_column :orders, :points".into()],
            risks: vec![],
            data_loss,
            content: String::new(),
        }
    }

    /// An undo migration that destroys data is no "[safe]" revert: the preview says caution
    /// above its `loses` line, as preflight does for a risky migration.
    #[test]
    fn an_undo_migration_that_loses_data_calls_for_caution() {
        let mut r = Report::new("revert", "shop");
        r.undo_migration = Some(undo(vec![]));
        r.judge();
        assert_eq!(r.level, Level::Safe, "an undo that loses nothing");
        r.undo_migration = Some(undo(vec!["drops orders.points: the data in it is lost".into()]));
        r.judge();
        assert_eq!(r.level, Level::Caution);
        let mut risky = undo(vec![]);
        risky.risks.push(crate::preflight::lint::Risk {
            check: "remove_index".into(),
            line: 3,
            statement: "revert AddIndexX".into(),
            message: "m".into(),
            recipe: "r".into(),
        });
        r.undo_migration = Some(risky);
        r.judge();
        assert_eq!(r.level, Level::Caution, "what the lint flags");
    }
}
