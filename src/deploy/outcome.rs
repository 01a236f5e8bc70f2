//! The result of `deploy` and `watch`: the last NDJSON line with `--json` (`"type":"result"`),
//! a plain report otherwise. Every ending says what production runs now.
use crate::deploy::announce::PullRequestLine;
use crate::deploy::migrations::{MigrationReport, ReleaseFailure};
use crate::deploy::steps::{Ending, LockHolder, PreflightLevel};
use crate::deploy::watch::{issue_line, WatchReport};
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
    /// One sentence: what production serves now.
    pub production: String,
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
        }
    }

    /// Fills `production` and `next` from the ending and the facts; the driver calls it last.
    pub fn conclude(mut self) -> Self {
        let v = |n: Option<u64>| n.map(|n| format!("v{n}")).unwrap_or_else(|| "the previous release".into());
        let (new, old) = (v(self.release), v(self.previous_release));
        self.production = match self.status {
            Ending::Live | Ending::Healthy => format!("{} serves {new}", self.app),
            Ending::Failing => format!("{} serves {new}, which is failing", self.app),
            Ending::RolledBack => match &self.rollback {
                Some(r) => format!(
                    "{} serves v{}, a rollback to v{}; schema migrations of v{} stay applied",
                    self.app, r.new_version, r.to_version, r.from_version
                ),
                None => format!("{} was rolled back", self.app),
            },
            Ending::BuildFailed => {
                format!("{} still serves {old}; nothing changed, the database was not touched", self.app)
            }
            Ending::ReleaseFailed => format!("{} still serves {old}; migrations that ran stay applied", self.app),
            Ending::Interrupted if self.resume.is_some() => {
                format!("{} serves {old} until the work running on Heroku finishes", self.app)
            }
            Ending::Error if self.release.is_some() => {
                format!("{} serves {new} or later; check `bpdeploy releases`", self.app)
            }
            _ => format!("{} is unchanged: it serves {old}", self.app),
        };
        if let Some(r) = &self.resume {
            self.next.push(r.clone());
        }
        if let Some(f) = &self.release_failure {
            self.next.extend(f.next_steps.iter().cloned());
        }
        if let Some(cmd) = self.watch.as_ref().and_then(|w| w.triage_command.clone()) {
            self.next.push(cmd);
        }
        match self.status {
            Ending::Live => self.next.push(format!("bpdeploy watch --release {new}")),
            Ending::Failing if self.rollback.is_none() => self.next.push("bpdeploy rollback".into()),
            Ending::Locked => self.next.push("wait for it to finish, or pass --force if it is stuck".into()),
            Ending::Stopped => self.next.push("bpdeploy preflight (fix the stop reasons), or pass --force".into()),
            Ending::BuildFailed => self.next.push("fix the build on the branch and run `bpdeploy deploy` again".into()),
            _ => {}
        }
        if let Some(hint) = self.error.as_ref().and_then(|e| e.hint.clone()) {
            self.next.push(hint);
        }
        self
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
        }
    }
}

impl Outcome for DeployOutcome {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    fn human(&self, _ui: &Ui) -> String {
        let mut out = vec![one_line(&self.headline())];
        if let Some(f) = &self.release_failure {
            // Migration names come from the repository: one line each, whatever they hold.
            out.extend(f.explanation().iter().map(|l| one_line(l)));
        }
        if let Some(w) = &self.watch {
            out.extend(w.reasons.iter().map(|r| format!("  - {}", one_line(&r.message))));
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
