//! go / caution / stop, with the reasons, from everything preflight found.
use super::migrations::Change;
use super::online::CiLevel;
use super::Preflight;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Go,
    Caution,
    Stop,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Go => "go",
            Level::Caution => "caution",
            Level::Stop => "stop",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reason {
    pub level: Level,
    /// Stable, for scripts: `ci_failing`, `deploy_in_progress`, `migration_risk`, …
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Verdict {
    pub level: Level,
    pub reasons: Vec<Reason>,
}

/// Lint findings that only make a rollback harder: a caution through `reversible`, not a stop.
const ROLLBACK_ONLY: [&str; 2] = ["data_no_down", "data_irreversible"];

/// Judges a report whose verdict is not yet filled in.
pub fn judge(p: &Preflight) -> Verdict {
    let mut reasons = Vec::new();
    let say = |reasons: &mut Vec<Reason>, level: Level, code: &str, message: String| {
        reasons.push(Reason { level, code: code.into(), message })
    };

    if p.range.commits == 0 {
        say(
            &mut reasons,
            Level::Go,
            "nothing_to_deploy",
            format!("{} already contains everything in {}", p.range.from_ref, p.range.to_ref),
        );
    }
    if let Some(ci) = &p.ci {
        match ci.state {
            CiLevel::Failure => {
                say(&mut reasons, Level::Stop, "ci_failing", format!("CI is failing on {}", short(&ci.sha)))
            }
            CiLevel::Pending => {
                say(&mut reasons, Level::Caution, "ci_pending", format!("CI has not finished on {}", short(&ci.sha)))
            }
            CiLevel::None => {
                say(&mut reasons, Level::Caution, "ci_missing", format!("no CI result on {}", short(&ci.sha)))
            }
            CiLevel::Success => {}
        }
    }
    if let Some(prod) = &p.production {
        for w in &prod.in_progress {
            let who = w.user.as_deref().map(|u| format!(" by {u}")).unwrap_or_default();
            say(
                &mut reasons,
                Level::Stop,
                "deploy_in_progress",
                format!("a {} is in progress on {}{who}", w.kind, prod.app),
            );
        }
    }
    for m in &p.migrations {
        let running = m.is_new();
        // Reasons are read on a terminal (deploy's summary): the path in its visible form.
        let path = crate::ui::sanitize::path(&m.path);
        let blocking: Vec<&str> =
            m.risks.iter().map(|r| r.check.as_str()).filter(|c| !ROLLBACK_ONLY.contains(c)).collect();
        let before = reasons.len();
        // A caution, not a stop: how long a lock or a rewrite lasts depends on the table's size
        // and traffic, which preflight cannot see. The findings and recipes are in the report;
        // the deployer decides. Stop is kept for facts that make a deploy wrong whatever the
        // tables: failing CI, a deploy in progress.
        if running && !blocking.is_empty() {
            say(&mut reasons, Level::Caution, "migration_risk", format!("{path}: {}", blocking.join(", ")));
        }
        if running && m.run_order.is_none() {
            say(
                &mut reasons,
                Level::Caution,
                "migration_not_run",
                format!("{path}: the release command does not run it"),
            );
        }
        if running && m.reversible == Some(false) {
            say(&mut reasons, Level::Caution, "migration_irreversible", format!("{path}: cannot be rolled back"));
        }
        let code = match m.change {
            Change::Modified => Some("migration_modified"),
            Change::Deleted => Some("migration_deleted"),
            Change::Renamed => Some("migration_renamed"),
            Change::Added => None,
        };
        if let Some(code) = code {
            say(
                &mut reasons,
                Level::Caution,
                code,
                format!("{path}: {}", m.notes.first().map(String::as_str).unwrap_or("")),
            );
        }
        // The lint's notes (parse trouble, a missing down) matter when nothing else was said.
        if running && reasons.len() == before && !m.notes.is_empty() {
            say(&mut reasons, Level::Caution, "migration_notes", format!("{path}: {}", m.notes.join("; ")));
        }
    }
    for w in &p.warnings {
        say(&mut reasons, Level::Caution, &w.code, w.message.clone());
    }
    let level = reasons.iter().map(|r| r.level).max().unwrap_or(Level::Go);
    Verdict { level, reasons }
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(7)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::lint::Risk;
    use crate::preflight::migrations::{Kind, Migration};
    use crate::preflight::online::{CiState, InProgress, Production};

    fn report() -> Preflight {
        crate::preflight::blank_report()
    }

    fn added(risks: Vec<Risk>, run_order: Option<usize>) -> Migration {
        Migration {
            path: "db/migrate/1_a.rb".into(),
            previous_path: None,
            kind: Kind::Schema,
            change: Change::Added,
            version: Some("1".into()),
            class_name: Some("A".into()),
            pull_request: Some(1),
            commit: None,
            run_order,
            reversible: Some(true),
            risks,
            notes: vec![],
        }
    }

    fn codes(v: &Verdict) -> Vec<&str> {
        v.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    #[test]
    fn a_clean_range_is_go() {
        let v = judge(&report());
        assert_eq!((v.level, v.reasons.len()), (Level::Go, 0));
    }

    #[test]
    fn a_risky_migration_that_will_run_is_a_stop() {
        let risk = Risk {
            check: "add_index".into(),
            line: 3,
            statement: "add_index :users, :email".into(),
            message: "locks writes".into(),
            recipe: "algorithm: :concurrently".into(),
        };
        let mut p = report();
        p.migrations.push(added(vec![risk], Some(1)));
        let v = judge(&p);
        assert_eq!(v.level, Level::Caution);
        assert_eq!(codes(&v), ["migration_risk"]);
        assert!(v.reasons[0].message.contains("add_index"));
    }

    #[test]
    fn a_migration_no_release_task_runs_is_a_caution() {
        let mut p = report();
        p.migrations.push(added(vec![], None));
        assert_eq!(codes(&judge(&p)), ["migration_not_run"]);
    }

    #[test]
    fn failing_ci_and_a_deploy_in_progress_stop_pending_ci_cautions() {
        let mut p = report();
        p.ci = Some(CiState { sha: "b".repeat(40), state: CiLevel::Pending, checks: vec![] });
        assert_eq!(judge(&p).level, Level::Caution);
        p.ci.as_mut().unwrap().state = CiLevel::Failure;
        p.production = Some(Production {
            app: "shop".into(),
            release_version: 7,
            release_id: "r".into(),
            commit: None,
            description: None,
            user: None,
            deployed_at: None,
            hours_since_deploy: None,
            in_progress: vec![InProgress {
                kind: "build".into(),
                id: "b1".into(),
                user: Some("x@y".into()),
                created_at: None,
            }],
        });
        let v = judge(&p);
        assert_eq!(v.level, Level::Stop);
        assert_eq!(codes(&v), ["ci_failing", "deploy_in_progress"]);
    }
}
