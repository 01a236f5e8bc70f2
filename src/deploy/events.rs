//! The NDJSON events of `deploy` and `watch` (`--json`): one object per line, `{"type": …}`, the
//! last one `{"type":"result", …}` (the outcome). Without `--json` the same events become the
//! progress lines on stderr. The names are a contract for scripts (README).
use crate::deploy::migrations::MigrationLine;
use crate::deploy::steps::{LockReport, PreflightLevel};
use crate::deploy::watch::{Snapshot, WatchReport};
use crate::preflight::verdict::Reason as PreflightReason;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputSource {
    Build,
    Release,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DeployEvent {
    /// The machine entered a phase.
    Phase {
        phase: &'static str,
    },
    /// The reasons have the shape of `preflight --json`'s: `{level, code, message}`.
    Preflight {
        verdict: PreflightLevel,
        reasons: Vec<PreflightReason>,
    },
    Lock(LockReport),
    Source {
        branch: String,
        sha: String,
    },
    /// A build was created (or found again after an unanswered POST: `reconciled`).
    Build {
        id: String,
        status: String,
        reconciled: bool,
    },
    /// One line of build or release-phase output, scrubbed of control characters.
    Output {
        source: OutputSource,
        line: String,
    },
    Migration(MigrationLine),
    Release {
        version: u64,
        status: String,
    },
    Live {
        version: u64,
    },
    /// One look during the watch.
    Watch(Snapshot),
    Verdict(WatchReport),
    Rollback {
        from_version: u64,
        to_version: u64,
        new_version: Option<u64>,
        reconciled: bool,
    },
    Warning {
        message: String,
    },
    Interrupted {
        resume: Option<String>,
    },
}

impl DeployEvent {
    /// The progress line for people (stderr), or None for events shown another way (output
    /// lines go to the progress bar; the verdict is part of the result).
    /// `terminal`: times read "26 min ago" (RFC 3339 otherwise).
    pub fn human_line(&self, terminal: bool) -> Option<String> {
        use crate::ui::sanitize::one_line;
        Some(match self {
            DeployEvent::Phase { .. } | DeployEvent::Output { .. } | DeployEvent::Verdict(_) => return None,
            DeployEvent::Watch(_) | DeployEvent::Warning { .. } => return None,
            // The result says these, once: that the release is live and traffic moves over, and
            // after Ctrl-C that nothing was cancelled and how to resume.
            DeployEvent::Live { .. } | DeployEvent::Interrupted { .. } => return None,
            DeployEvent::Preflight { verdict, reasons } => {
                let level = match verdict {
                    PreflightLevel::Go => "go",
                    PreflightLevel::Caution => "caution",
                    PreflightLevel::Stop => "stop",
                };
                // One reason a line: this is the summary the deployer reads before confirming.
                let mut text = format!("preflight: {level}");
                for r in reasons {
                    text.push_str(&format!("\n  - {}: {}", r.code, one_line(&r.message)));
                }
                text
            }
            DeployEvent::Lock(LockReport { held: false, .. }) => "lock: free".into(),
            DeployEvent::Lock(LockReport { holder, forced, .. }) => {
                let who = holder.as_ref().map(|h| h.told(terminal)).unwrap_or_else(|| "someone".into());
                format!("lock: held by {}{}", one_line(&who), if *forced { " (going on: --steal-lock)" } else { "" })
            }
            DeployEvent::Source { branch, sha } => {
                format!("deploying {} ({})", &sha[..sha.len().min(7)], one_line(branch))
            }
            DeployEvent::Build { id, reconciled: true, .. } => {
                format!("build {}: found on Heroku after an unanswered request (not sent again)", one_line(id))
            }
            DeployEvent::Build { id, status, .. } => format!("build {}: {}", one_line(id), one_line(status)),
            DeployEvent::Migration(m) => {
                let state = match m.state {
                    crate::deploy::migrations::MigrationState::Migrating => "migrating",
                    crate::deploy::migrations::MigrationState::Migrated => "migrated",
                };
                format!("migration {} {}: {state}", one_line(&m.version), one_line(&m.name))
            }
            DeployEvent::Release { version, status } => format!("release v{version}: {}", one_line(status)),
            DeployEvent::Rollback { to_version, new_version, .. } => match new_version {
                Some(v) => format!("rolled back to v{to_version} (new release v{v})"),
                None => format!("rolling back to v{to_version}"),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::migrations::MigrationState;

    #[test]
    fn events_are_tagged_with_their_type() {
        let json = |e: &DeployEvent| serde_json::to_value(e).unwrap();
        assert_eq!(
            json(&DeployEvent::Phase { phase: "building" }),
            serde_json::json!({"type":"phase","phase":"building"})
        );
        let m =
            MigrationLine { version: "20250101000001".into(), name: "AddX".into(), state: MigrationState::Migrated };
        assert_eq!(
            json(&DeployEvent::Migration(m)),
            serde_json::json!({"type":"migration","version":"20250101000001","name":"AddX","state":"migrated"})
        );
        let out = DeployEvent::Output { source: OutputSource::Release, line: "x".into() };
        assert_eq!(json(&out)["source"], "release");
        let lock = DeployEvent::Lock(LockReport::free());
        assert_eq!(json(&lock), serde_json::json!({"type":"lock","held":false,"holder":null,"forced":false}));
    }

    #[test]
    fn human_lines_name_what_happened() {
        let e = DeployEvent::Build { id: "b1".into(), status: "pending".into(), reconciled: true };
        assert!(e.human_line(false).unwrap().contains("not sent again"));
        let e = DeployEvent::Interrupted { resume: Some("bpdeploy watch --build b1".into()) };
        assert_eq!(e.human_line(false), None, "the result says it, with the command to resume");
        let e = DeployEvent::Source { branch: "master".into(), sha: "0123456789".into() };
        assert_eq!(e.human_line(false).unwrap(), "deploying 0123456 (master)");
        assert_eq!(DeployEvent::Phase { phase: "x" }.human_line(false), None);
    }

    /// Issue 15: times read as a person reads them on a terminal, RFC 3339 off it.
    #[test]
    fn the_lock_holder_is_told_in_the_humane_format_on_a_terminal() {
        use crate::deploy::steps::LockHolder;
        let since = crate::ui::time::stamp(chrono::Utc::now() - chrono::Duration::minutes(26));
        let holder = LockHolder { what: "a pending build".into(), who: "bob".into(), since: since.clone() };
        let event = DeployEvent::Lock(LockReport::held(holder, false));
        assert_eq!(event.human_line(true).unwrap(), "lock: held by a pending build by bob, started 26 min ago");
        assert_eq!(event.human_line(false).unwrap(), format!("lock: held by a pending build by bob since {since}"));
    }
}
