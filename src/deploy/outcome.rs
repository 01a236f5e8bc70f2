//! The result of `deploy` and `watch`: the last NDJSON line with `--json` (`"type":"result"`),
//! a plain report otherwise. Every ending says what production runs now.
use crate::deploy::account::Account;
use crate::deploy::announce::PullRequestLine;
use crate::deploy::migrations::{MigrationReport, ReleaseFailure};
use crate::deploy::plan::PlannedCall;
use crate::deploy::steps::{Ending, LockHolder, PreflightLevel};
use crate::deploy::watch::WatchReport;
use crate::deploy::watch_lines::issue_line;
use crate::error::Failure;
use crate::exit::Exit;
use crate::ui::render::Outcome;
use crate::ui::sanitize::{clean, one_line};
use crate::ui::Ui;
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildFailure {
    pub build_id: String,
    pub output_tail: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RollbackSummary {
    pub from_version: u64,
    pub to_version: u64,
    pub new_version: u64,
    /// The PRs the rollback took out of production.
    pub removed_pull_requests: Vec<PullRequestLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeployOutcome {
    pub status: Ending,
    pub app: String,
    pub sha: Option<String>,
    pub build_id: Option<String>,
    pub release: Option<u64>,
    /// The release that was current before this deploy.
    pub previous_release: Option<u64>,
    /// One sentence: what production serves now (read back from Heroku once the run touched it).
    pub production: String,
    /// What Heroku said at the end: the current release, this run's build and release.
    pub account: Option<Account>,
    pub preflight: Option<PreflightLevel>,
    pub lock: Option<LockHolder>,
    pub migrations: Option<MigrationReport>,
    pub build_failure: Option<BuildFailure>,
    pub release_failure: Option<ReleaseFailure>,
    pub watch: Option<WatchReport>,
    pub rollback: Option<RollbackSummary>,
    pub resume: Option<String>,
    pub error: Option<Failure>,
    /// Commands or steps to take next, most useful first.
    pub next: Vec<String>,
    /// `--dry-run`: the calls the deploy would make from here, none of them made.
    pub calls: Vec<PlannedCall>,
    /// The branch deployed (for the dry run's and nothing-to-deploy's wording).
    #[serde(skip)]
    pub branch: String,
    /// `--dry-run` of an automatic rollback: the release it would have gone back to.
    #[serde(skip)]
    pub rollback_held: Option<u64>,
    /// A watch was asked for: a run that ended before its verdict says how to watch.
    #[serde(skip)]
    pub watch_wanted: bool,
}

impl DeployOutcome {
    pub fn new(status: Ending, app: &str) -> Self {
        DeployOutcome {
            status,
            app: app.to_string(),
            sha: None,
            build_id: None,
            release: None,
            previous_release: None,
            production: String::new(),
            account: None,
            preflight: None,
            lock: None,
            migrations: None,
            build_failure: None,
            release_failure: None,
            watch: None,
            rollback: None,
            resume: None,
            error: None,
            next: vec![],
            calls: vec![],
            branch: String::new(),
            rollback_held: None,
            watch_wanted: false,
        }
    }

    /// Fills `production` and `next` from the ending and the facts; the driver calls it last.
    /// Once the run touched production, `production` is what Heroku said at the end.
    pub fn conclude(mut self) -> Self {
        let v = |n: Option<u64>| n.map(|n| format!("v{n}")).unwrap_or_else(|| "the previous release".into());
        let (new, old) = (v(self.release), v(self.previous_release));
        let app = self.app.clone();
        let read = self.account.clone();
        let unchanged =
            read.as_ref().map_or(true, |a| a.current_release.is_some() && a.current_release == self.previous_release);
        self.production = match (self.status, &read) {
            (Ending::RolledBack, _) if self.rolled_back_is_current() => match &self.rollback {
                Some(r) => format!(
                    "{app} serves v{}, a rollback to v{}; schema migrations of v{} stay applied",
                    r.new_version, r.to_version, r.from_version
                ),
                None => format!("{app} was rolled back"),
            },
            (Ending::BuildFailed, _) if unchanged => {
                format!("{app} still serves {old}; nothing changed, the database was not touched")
            }
            (Ending::ReleaseFailed, _) if unchanged => {
                format!("{app} still serves {old}; migrations that ran stay applied")
            }
            (Ending::Failing, Some(a)) if a.ours_is_current() => {
                format!("{}, which is failing", a.sentence(&app, self.previous_release))
            }
            (_, Some(a)) => a.sentence(&app, self.previous_release),
            (Ending::Live | Ending::Healthy, None) => format!("{app} serves {new}"),
            (Ending::Failing, None) => format!("{app} serves {new}, which is failing"),
            (Ending::NothingToDeploy, None) => format!("{app} serves {old}, which already runs this commit"),
            (_, None) => format!("{app} is unchanged: it serves {old}"),
        };
        // The release went live but the watch asked for never gave its verdict: watch it.
        let live_unwatched =
            self.watch_wanted && self.watch.is_none() && read.as_ref().is_some_and(Account::ours_is_current);
        if self.resume.is_none() && live_unwatched && self.status != Ending::Live {
            self.resume = self.release.map(|v| format!("bpdeploy watch --release v{v}"));
        }
        if let Some(r) = &self.resume {
            self.next.push(r.clone());
        }
        if let Some(f) = &self.release_failure {
            self.next.extend(f.next_steps.iter().cloned());
        }
        if let Some(cmd) = self.watch.as_ref().and_then(|w| w.triage_command.clone()) {
            self.next.push(cmd);
        }
        let watched_is_current = read.as_ref().map_or(true, Account::ours_is_current);
        let went_live = read.as_ref().is_some_and(Account::ours_is_current);
        match self.status {
            Ending::Live if self.resume.is_none() => self.next.push(format!("bpdeploy watch --release {new}")),
            // Lost track, but Heroku says the release went live: what comes next is the watch.
            Ending::Error if went_live && self.resume.is_none() => {
                self.next.push(format!("bpdeploy watch --release {new}"))
            }
            Ending::Failing
                if self.rollback.is_none()
                    && watched_is_current
                    && self.next.iter().all(|n| !n.contains("bpdeploy rollback")) =>
            {
                self.next.push(match self.rollback_held {
                    Some(to) => format!("bpdeploy rollback v{to}"),
                    None => "bpdeploy rollback".into(),
                })
            }
            Ending::Failing if !watched_is_current => {
                let current = read.as_ref().and_then(|a| a.current_release).map(|c| format!(" --release v{c}"));
                self.next.push(format!("bpdeploy watch{}", current.unwrap_or_default()));
            }
            Ending::Locked => {
                self.next.push("wait for it to finish; if it is stuck (its deploy is gone), pass --steal-lock".into())
            }
            Ending::Stopped => self.next.push("bpdeploy preflight (fix the stop reasons), or pass --force".into()),
            Ending::BuildFailed => self.next.push("fix the build on the branch and run `bpdeploy deploy` again".into()),
            Ending::NothingToDeploy => {
                self.next.push("merge something into the branch, or pass --force to build the same commit again".into())
            }
            Ending::DryRun => self.next.push("run the same command without --dry-run to deploy".into()),
            _ => {}
        }
        // "Try again" is no advice once the release went live: the account says what to do.
        if let Some(hint) = self.error.as_ref().and_then(|e| e.hint.clone()).filter(|_| !went_live) {
            if !self.next.contains(&hint) {
                self.next.push(hint);
            }
        }
        self
    }

    /// The rollback release is what production serves (or nothing was read to say otherwise).
    fn rolled_back_is_current(&self) -> bool {
        let current = self.account.as_ref().map(|a| a.current_release);
        match (&self.rollback, current) {
            (Some(r), Some(c)) => c == Some(r.new_version),
            (None, Some(_)) => false,
            (_, None) => true,
        }
    }

    fn headline(&self) -> String {
        let sha = self.sha.as_deref().map(|s| &s[..s.len().min(7)]).unwrap_or("the branch");
        let release = self.release.map(|n| format!("v{n}")).unwrap_or_else(|| "the release".into());
        match self.status {
            Ending::Live => {
                format!("{sha} is live on {} as {release}. Traffic moves to it over the next 3–7 minutes.", self.app)
            }
            Ending::Healthy => format!("{release} of {} is healthy.", self.app),
            Ending::Failing => format!("{release} of {} is failing.", self.app),
            Ending::RolledBack => format!("{release} of {} was failing and was rolled back.", self.app),
            Ending::BuildFailed => {
                format!("The build of {sha} failed: nothing changed in production; the database was not touched.")
            }
            Ending::ReleaseFailed => match &self.release_failure {
                Some(f) => format!("Deploy failed: {}.", f.headline()),
                None => format!("Deploy failed: the release phase of {release} failed."),
            },
            Ending::Locked => match &self.lock {
                Some(h) => format!("Not deploying: {} holds the deploy lock.", one_line(&h.describe())),
                None => "Not deploying: another deploy holds the lock.".into(),
            },
            Ending::Stopped => "Not deploying: preflight says stop.".into(),
            Ending::Declined => "Not deploying: declined.".into(),
            Ending::Interrupted => "Interrupted: stopped following; nothing remote was cancelled.".into(),
            Ending::Error => match &self.error {
                Some(e) => format!("Deploy stopped on an error: {}", one_line(&e.message)),
                None => "Deploy stopped on an error.".into(),
            },
            Ending::NothingToDeploy => {
                format!(
                    "Nothing to deploy: {} already runs {sha}{}.",
                    self.app,
                    self.previous_release.map(|v| format!(" (v{v})")).unwrap_or_default()
                )
            }
            Ending::DryRun => format!(
                "Dry run: deploying {sha} ({}) to {} passed every check; it would make these calls (none was made):",
                one_line(&self.branch),
                self.app
            ),
        }
    }
}

impl Outcome for DeployOutcome {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    fn human(&self, ui: &Ui) -> String {
        let mut out = vec![one_line(&self.headline())];
        if !self.calls.is_empty() {
            out.push(crate::deploy::plan::calls_table(ui, &self.calls).trim_end().to_string());
        }
        if let Some(m) = self.migrations.as_ref().filter(|m| !m.unknown.is_empty() && self.release_failure.is_none()) {
            let unknown: Vec<String> = m.unknown.iter().map(|r| r.label()).collect();
            out.push(one_line(&format!(
                "Migrations not seen in the release-phase log (unknown): {}",
                unknown.join(", ")
            )));
        }
        if let Some(f) = &self.release_failure {
            // Migration names come from the repository: one line each, whatever they hold.
            out.extend(f.explanation().iter().map(|l| one_line(l)));
        }
        if let Some(w) = &self.watch {
            out.extend(w.reasons.iter().map(|r| {
                let note = if r.fails { "" } else { " (not a failure)" };
                format!("  - {}: {}{note}", r.channel, one_line(&r.message))
            }));
            if w.verdict == crate::deploy::watch::Verdict::Failing && !w.top_issues.is_empty() {
                out.push("Top new issues:".into());
                out.extend(w.top_issues.iter().map(|i| format!("  {}", issue_line(i))));
            }
        }
        if let Some(r) = &self.rollback {
            let prs: Vec<String> =
                r.removed_pull_requests.iter().map(|p| format!("#{} {}", p.number, one_line(&p.title))).collect();
            if !prs.is_empty() {
                out.push(format!("Removed from production: {}", prs.join(", ")));
            }
        }
        let tail = match (&self.build_failure, &self.release_failure) {
            (Some(b), _) => Some(&b.output_tail),
            (None, Some(r)) => Some(&r.output_tail),
            _ => None,
        };
        if let Some(lines) = tail.filter(|l| !l.is_empty()) {
            out.push(format!("Last {} lines of output:", lines.len()));
            // Output keeps its indentation; a stream line never holds a newline of its own.
            out.extend(lines.iter().map(|l| format!("  {}", clean(l).replace('\n', " "))));
        }
        out.push(format!("Production: {}.", one_line(&self.production)));
        for step in &self.next {
            out.push(format!("Next: {}", one_line(step)));
        }
        out.join("\n")
    }

    fn exit(&self) -> Exit {
        match (&self.status, &self.error) {
            (Ending::Error, Some(e)) => e.exit,
            (status, _) => status.exit(),
        }
    }

    fn is_event_stream(&self) -> bool {
        true
    }
}

#[cfg(test)]
#[path = "outcome_tests.rs"]
mod tests;
