//! The account a deploy or a watch ends with: what Heroku says production serves now, and where
//! this run's build and release are, read back from Heroku at the end, never inferred from the
//! last thing seen. What could not be read is `unknown`, with the command that finds out.
use crate::next_step::NextStep;
use serde::{Serialize, Serializer};

/// The GitHub deployment states bpdeploy writes (the deploy's record, also its lock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentState {
    InProgress,
    Success,
    Failure,
    Error,
}

impl DeploymentState {
    pub fn github_state(self) -> &'static str {
        match self {
            DeploymentState::InProgress => "in_progress",
            DeploymentState::Success => "success",
            DeploymentState::Failure => "failure",
            DeploymentState::Error => "error",
        }
    }
}

/// Where a build or a release stands, as Heroku answered (or could not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkStatus {
    Pending,
    Succeeded,
    Failed,
    /// Heroku could not be read.
    Unknown,
}

impl WorkStatus {
    /// Heroku's status names; an expired release never ran, so for the deploy it failed.
    pub fn from_heroku(status: &str) -> WorkStatus {
        match status {
            "pending" => WorkStatus::Pending,
            "succeeded" => WorkStatus::Succeeded,
            "failed" | "expired" => WorkStatus::Failed,
            _ => WorkStatus::Unknown,
        }
    }

    fn finished(self) -> bool {
        matches!(self, WorkStatus::Succeeded | WorkStatus::Failed)
    }
}

/// This run's build. `id` is None when a build request got no answer and none was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildAccount {
    pub id: Option<String>,
    pub status: WorkStatus,
}

/// This run's release (the one its build created, or the one watched).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseAccount {
    pub version: Option<u64>,
    pub status: WorkStatus,
}

/// This run's GitHub deployment (the lock), its latest status read back at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeploymentAccount {
    pub id: u64,
    /// `success`, `failure`, `error`, `in_progress` (left for the command that resumes), or
    /// `unknown` when GitHub could not be read.
    pub state: String,
}

/// Where the deploy's Slack message stands: what bpdeploy knows of its own posts, a post whose
/// answer was lost looked for in the channel (bot token) before anything else is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlackState {
    /// Nothing posted (or nothing to post).
    NotPosted,
    /// Posted, and every update since went through.
    UpToDate,
    /// An update failed: the message shows an earlier stage.
    Behind,
    /// A post got no answer: it may be in the channel, and it is never posted again.
    Unknown,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Account {
    /// The release serving traffic, read at the end; `"unknown"` when Heroku could not be read.
    #[serde(serialize_with = "version_or_unknown")]
    pub current_release: Option<u64>,
    pub build: Option<BuildAccount>,
    pub release: Option<ReleaseAccount>,
    pub deployment: Option<DeploymentAccount>,
    /// None: no Slack announcement was configured.
    pub slack: Option<SlackState>,
    /// A `watch` of a release it did not deploy: "the watched release", not "this deploy's".
    #[serde(skip)]
    pub watch_only: bool,
}

fn version_or_unknown<S: Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(n) => s.serialize_u64(*n),
        None => s.serialize_str("unknown"),
    }
}

impl Account {
    /// One sentence: what `app` serves now and where this run's work is. `previous` is the
    /// release production served before the run.
    pub fn sentence(&self, app: &str, previous: Option<u64>) -> String {
        let Some(current) = self.current_release else {
            return format!(
                "what {app} serves now is unknown: Heroku could not be read (`bpdeploy releases` finds out)"
            );
        };
        let ours = self.release.as_ref().and_then(|r| r.version);
        if ours == Some(current) {
            let whose = if self.watch_only { "the watched release" } else { "this deploy's release" };
            return format!("{app} serves v{current}, {whose}");
        }
        let serves = match previous {
            Some(p) if p == current => format!("{app} still serves v{current}"),
            // Only a release this run knows to be its own is said not to be it.
            Some(_) if ours.is_some() => format!("{app} serves v{current}, a release this run did not make"),
            _ => format!("{app} serves v{current}"),
        };
        match (&self.build, &self.release) {
            (_, Some(ReleaseAccount { version, status })) => {
                let name = version.map(|v| format!("v{v}")).unwrap_or_else(|| "this deploy's release".into());
                let name = if self.watch_only { format!("the watched {name}") } else { name };
                match status {
                    WorkStatus::Pending => format!("{serves} until the release phase of {name} finishes on Heroku"),
                    WorkStatus::Failed => format!("{serves}; the release phase of {name} failed"),
                    WorkStatus::Succeeded => format!("{serves}; {name} succeeded but is no longer current"),
                    WorkStatus::Unknown => format!("{serves}; the state of {name} is unknown"),
                }
            }
            (Some(BuildAccount { status, .. }), None) => match status {
                WorkStatus::Pending => format!("{serves} until this deploy's build finishes on Heroku"),
                WorkStatus::Failed => format!("{serves}; this deploy's build failed, nothing changed"),
                WorkStatus::Succeeded => {
                    format!("{serves}; this deploy's build succeeded, its release is not known yet")
                }
                WorkStatus::Unknown => format!("{serves}; the state of this deploy's build is unknown"),
            },
            (None, None) => format!("{serves}; no build was created"),
        }
    }

    /// The command that finds out what is unknown, or follows what still runs; None once this
    /// run's work has finished.
    pub fn resume(&self) -> Option<NextStep> {
        let releases = || NextStep::new("bpdeploy releases", "find out what Heroku runs now");
        if let Some(r) = &self.release {
            if !r.status.finished() {
                return Some(match r.version {
                    Some(v) => NextStep::new(
                        format!("bpdeploy watch --release v{v}"),
                        format!("follow v{v} to the end of its release phase and watch it"),
                    ),
                    None => releases(),
                });
            }
            return None;
        }
        match &self.build {
            Some(BuildAccount { id: Some(id), status }) if *status != WorkStatus::Failed => Some(NextStep::new(
                format!("bpdeploy watch --build {id}"),
                "follow the build still running on Heroku, then its release phase",
            )),
            Some(BuildAccount { id: None, .. }) => Some(releases()),
            _ if self.current_release.is_none() => Some(releases()),
            _ => None,
        }
    }

    /// The GitHub deployment state the account justifies; None while the work may still run
    /// (the command that resumes takes the deployment over and finishes it).
    pub fn deployment_state(&self) -> Option<DeploymentState> {
        match (&self.build, &self.release) {
            (_, Some(r)) if r.status == WorkStatus::Succeeded => Some(DeploymentState::Success),
            (_, Some(r)) if r.status == WorkStatus::Failed => Some(DeploymentState::Failure),
            (Some(b), None) if b.status == WorkStatus::Failed => Some(DeploymentState::Failure),
            (None, None) => Some(DeploymentState::Error),
            _ => None,
        }
    }

    /// Whether this run's release is what production serves (the deploy did go live).
    pub fn ours_is_current(&self) -> bool {
        let ours = self.release.as_ref().filter(|r| r.status == WorkStatus::Succeeded).and_then(|r| r.version);
        ours.is_some() && ours == self.current_release
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(current: Option<u64>, build: Option<WorkStatus>, release: Option<(u64, WorkStatus)>) -> Account {
        Account {
            current_release: current,
            build: build.map(|status| BuildAccount { id: Some("b1".into()), status }),
            release: release.map(|(v, status)| ReleaseAccount { version: Some(v), status }),
            ..Account::default()
        }
    }

    #[test]
    fn the_sentence_names_the_current_release_and_this_runs_work() {
        use WorkStatus::*;
        let say = |a: Account| a.sentence("shop", Some(6));
        assert_eq!(
            say(account(Some(7), Some(Succeeded), Some((7, Succeeded)))),
            "shop serves v7, this deploy's release"
        );
        assert_eq!(
            say(account(Some(6), Some(Pending), None)),
            "shop still serves v6 until this deploy's build finishes on Heroku"
        );
        assert_eq!(
            say(account(Some(6), Some(Succeeded), Some((7, Failed)))),
            "shop still serves v6; the release phase of v7 failed"
        );
        assert_eq!(
            say(account(Some(6), Some(Unknown), None)),
            "shop still serves v6; the state of this deploy's build is unknown"
        );
        assert!(say(account(None, Some(Unknown), None)).starts_with("what shop serves now is unknown"));
        assert_eq!(say(account(Some(8), None, None)), "shop serves v8; no build was created");
        assert_eq!(
            say(account(Some(8), Some(Succeeded), Some((7, Succeeded)))),
            "shop serves v8, a release this run did not make; v7 succeeded but is no longer current"
        );
    }

    #[test]
    fn unfinished_or_unknown_work_has_a_resume_command_and_keeps_the_deployment_open() {
        use WorkStatus::*;
        let running = account(Some(6), Some(Pending), None);
        let command = |a: &Account| a.resume().map(|s| s.command);
        assert_eq!(command(&running).as_deref(), Some("bpdeploy watch --build b1"));
        assert_eq!(running.deployment_state(), None);
        let releasing = account(Some(6), Some(Succeeded), Some((7, Unknown)));
        assert_eq!(command(&releasing).as_deref(), Some("bpdeploy watch --release v7"));
        assert_eq!(releasing.deployment_state(), None);
        let live = account(Some(7), Some(Succeeded), Some((7, Succeeded)));
        assert_eq!((live.resume(), live.deployment_state()), (None, Some(DeploymentState::Success)));
        assert!(live.ours_is_current());
        let failed = account(Some(6), Some(Failed), None);
        assert_eq!((failed.resume(), failed.deployment_state()), (None, Some(DeploymentState::Failure)));
        let json = serde_json::to_value(account(None, None, None)).unwrap();
        assert_eq!(json["current_release"], "unknown");
    }
}
