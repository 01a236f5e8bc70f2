//! The result of `deploy` and `watch`: the last NDJSON line with `--json` (`"type":"result"`),
//! a plain report otherwise. Every ending says what production runs now.
use crate::deploy::account::Account;
use crate::deploy::announce::{plural, PullRequestLine};
use crate::deploy::migrations::{MigrationReport, ReleaseFailure};
use crate::deploy::plan::PlannedCall;
use crate::deploy::steps::{Ending, LockReport, PreflightLevel};
use crate::deploy::watch::WatchReport;
use crate::deploy::watch_lines::issue_line;
use crate::error::Failure;
use crate::exit::Exit;
use crate::next_step::NextStep;
use crate::ui::render::Outcome;
use crate::ui::sanitize::{gutter, one_line};
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
    /// The last look at the deploy lock, as the `lock` event said it (null: never looked at).
    pub lock: Option<LockReport>,
    pub migrations: Option<MigrationReport>,
    pub build_failure: Option<BuildFailure>,
    pub release_failure: Option<ReleaseFailure>,
    pub watch: Option<WatchReport>,
    pub rollback: Option<RollbackSummary>,
    /// The command that follows on or finds out (its `why` is in `next`).
    #[serde(serialize_with = "command_only")]
    pub resume: Option<NextStep>,
    pub error: Option<Failure>,
    /// The commands to run next and why, most useful first.
    pub next: Vec<NextStep>,
    /// `--dry-run`: the calls the deploy would make from here, none of them made.
    pub calls: Vec<PlannedCall>,
    /// The branch deployed (for the dry run's and nothing-to-deploy's wording).
    #[serde(skip)]
    pub branch: String,
    /// `--dry-run` of an automatic rollback: the release it would have gone back to.
    #[serde(skip)]
    pub rollback_held: Option<u64>,
    /// Why the automatic rollback failed, when it did.
    #[serde(skip)]
    pub rollback_error: Option<String>,
    /// `watch --auto-rollback` whose rollback question was answered "no": a failing verdict
    /// rolls nothing back and leads with the rollback to run by hand.
    #[serde(skip)]
    pub rollback_declined: bool,
    /// A watch was asked for: a run that ended before its verdict says how to watch.
    #[serde(skip)]
    pub watch_wanted: bool,
    /// `bpdeploy watch`, which deploys nothing: its headlines speak of the watch.
    #[serde(skip)]
    pub watch_only: bool,
    /// The command line that runs this again (`bpdeploy deploy --watch`), without `--dry-run`
    /// or `--yes`: the base of the next steps that rerun it.
    #[serde(skip)]
    pub again: String,
}

fn command_only<S: serde::Serializer>(step: &Option<NextStep>, s: S) -> Result<S::Ok, S::Error> {
    match step {
        Some(step) => s.serialize_str(&step.command),
        None => s.serialize_none(),
    }
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
            rollback_error: None,
            rollback_declined: false,
            watch_wanted: false,
            watch_only: false,
            again: "bpdeploy deploy".into(),
        }
    }

    /// Fills `production` and `next` from the ending and the facts; the driver calls it last.
    /// Once the run touched production, `production` is what Heroku said at the end.
    pub fn conclude(mut self) -> Self {
        self.production = self.production_sentence();
        // The release went live but the watch asked for never gave its verdict: watch it.
        let live_unwatched =
            self.watch_wanted && self.watch.is_none() && self.account.as_ref().is_some_and(Account::ours_is_current);
        if self.resume.is_none() && live_unwatched && self.status != Ending::Live {
            self.resume = self.release.map(|v| {
                NextStep::new(
                    format!("bpdeploy watch --release v{v}"),
                    format!("v{v} is live: watch it for new errors"),
                )
            });
        }
        self.next = self.next_steps();
        self
    }

    /// One sentence: what production serves now.
    fn production_sentence(&self) -> String {
        let v = |n: Option<u64>| n.map(|n| format!("v{n}"));
        let new = v(self.release).unwrap_or_else(|| "the new release".into());
        let app = &self.app;
        let read = self.account.as_ref();
        let unchanged =
            read.map_or(true, |a| a.current_release.is_some() && a.current_release == self.previous_release);
        match (self.status, read, v(self.previous_release)) {
            (Ending::RolledBack, _, _) if self.rolled_back_is_current() => match &self.rollback {
                Some(r) => format!(
                    "{app} serves v{}, a rollback to v{}; schema migrations of v{} stay applied",
                    r.new_version, r.to_version, r.from_version
                ),
                None => format!("{app} was rolled back"),
            },
            (Ending::BuildFailed, _, Some(old)) if unchanged => {
                format!("{app} still serves {old}; nothing changed, the database was not touched")
            }
            (Ending::BuildFailed, _, None) if unchanged => {
                format!("{app} is unchanged: nothing changed, the database was not touched")
            }
            (Ending::ReleaseFailed, _, old) if unchanged => format!(
                "{app} still serves {}: it did not switch to {new}; migrations that ran stay applied",
                old.unwrap_or_else(|| "the previous release".into())
            ),
            (Ending::Failing, Some(a), _) if a.ours_is_current() => {
                format!("{}, which is failing{}", a.sentence(app, self.previous_release), self.declined_note())
            }
            (_, Some(a), _) => a.sentence(app, self.previous_release),
            (Ending::Live | Ending::Healthy, None, _) => format!("{app} serves {new}"),
            (Ending::Failing, None, _) => format!("{app} serves {new}, which is failing{}", self.declined_note()),
            (Ending::NothingToDeploy, None, Some(old)) => format!("{app} serves {old}"),
            (_, None, Some(old)) => format!("{app} is unchanged: it serves {old}"),
            // Nothing was read, and nothing was deployed: say only what is known.
            (_, None, None) => format!("{app} is unchanged: nothing was deployed"),
        }
    }

    /// Said of a failing release whose automatic rollback was declined.
    fn declined_note(&self) -> &'static str {
        match self.rollback_declined {
            true => "; the automatic rollback was declined: nothing was rolled back",
            false => "",
        }
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

    fn headline(&self, ui: &Ui) -> String {
        let sha = self.sha.as_deref().map(|s| &s[..s.len().min(7)]).unwrap_or("the branch");
        let release = self.release.map(|n| format!("v{n}")).unwrap_or_else(|| "the release".into());
        let not = if self.watch_only { "Not watching" } else { "Not deploying" };
        match self.status {
            Ending::Live => {
                format!("{sha} is live on {} as {release}. Traffic moves to it over the next 3–7 minutes.", self.app)
            }
            Ending::Healthy => format!("{release} of {} is healthy.", self.app),
            Ending::Failing => format!("{release} of {} is failing.", self.app),
            Ending::RolledBack => format!("{release} of {} was failing and was rolled back.", self.app),
            // What it means for production is the `Production:` line's to say, once.
            Ending::BuildFailed => format!("The build of {sha} failed."),
            Ending::ReleaseFailed => match &self.release_failure {
                Some(f) => format!("Deploy failed: {}.", f.headline()),
                None => format!("Deploy failed: the release phase of {release} failed."),
            },
            Ending::Locked => match self.lock.as_ref().and_then(|l| l.holder.as_ref()) {
                Some(h) => format!("{not}: {} holds the deploy lock.", one_line(&h.told(ui.stdout_tty && !ui.json))),
                None => format!("{not}: another deploy holds the lock."),
            },
            Ending::Stopped => format!("{not}: preflight says stop."),
            Ending::Declined => format!("{not}: declined."),
            Ending::ConfirmationRequired => format!("{not}: there is no TTY to confirm on, and --yes was not given."),
            Ending::Interrupted => "Interrupted: stopped following; nothing remote was cancelled.".into(),
            Ending::Error => {
                let what = if self.watch_only { "Watch" } else { "Deploy" };
                match &self.error {
                    Some(e) => format!("{what} stopped on an error: {}", one_line(&e.message)),
                    None => format!("{what} stopped on an error."),
                }
            }
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

    /// The error's hint, while it is still advice: once the release went live, the account and
    /// the next steps say what to do, and "try again" would mislead.
    fn hint(&self) -> Option<&str> {
        let went_live = self.account.as_ref().is_some_and(Account::ours_is_current);
        self.error.as_ref().and_then(|e| e.hint.as_deref()).filter(|_| !went_live)
    }
}

impl Outcome for DeployOutcome {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    fn human(&self, ui: &Ui) -> String {
        let mut out = vec![one_line(&self.headline(ui))];
        if let Some(hint) = self.hint() {
            out.push(format!("hint: {}", one_line(hint)));
        }
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
            (Some(b), _) => Some(("Build log", &b.output_tail)),
            (None, Some(r)) => Some(("Release-phase log", &r.output_tail)),
            _ => None,
        };
        if let Some((log, lines)) = tail.filter(|(_, l)| !l.is_empty()) {
            out.push(format!("{log} (last {}):", plural(lines.len(), "line", "lines")));
            // The log's own lines stay behind the gutter here too: none can pass for a line of ours.
            out.extend(lines.iter().map(|l| gutter(l)));
        }
        out.push(format!("Production: {}.", one_line(&self.production)));
        out.extend(self.next.iter().map(NextStep::line));
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

#[path = "outcome_next.rs"]
mod next;

#[cfg(test)]
#[path = "outcome_tests.rs"]
mod tests;
