//! `bpdeploy preflight`: gathers the git facts (and, online, the services'), then reports.
use crate::cli::PreflightArgs;
use crate::commands::CommandResult;
use crate::context::Context;
use crate::exit::Exit;
use crate::preflight::{self, Level, Preflight};
use crate::ui::render::Outcome;
use crate::ui::Ui;

pub async fn run(ctx: &Context, args: &PreflightArgs) -> CommandResult {
    let report = preflight::run(ctx, args).await?;
    Ok(Box::new(PreflightOutcome { report, strict: args.strict }))
}

/// The report, and whether a stop verdict should fail the process (`--strict`).
pub struct PreflightOutcome {
    pub report: Preflight,
    pub strict: bool,
}

impl Outcome for PreflightOutcome {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.report).unwrap_or(serde_json::Value::Null)
    }
    fn human(&self, ui: &Ui) -> String {
        preflight::human::render(&self.report, ui)
    }
    fn warnings(&self) -> Vec<String> {
        self.report.warnings.iter().map(|w| w.message.clone()).collect()
    }
    fn exit(&self) -> Exit {
        if self.strict && self.report.verdict.level == Level::Stop {
            Exit::Unsafe
        } else {
            Exit::Success
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::verdict::Reason;

    #[test]
    fn strict_turns_only_a_stop_into_exit_3() {
        let tmp = tempfile::tempdir().unwrap();
        let mut report = sample(&tmp);
        for (level, strict, exit) in [
            (Level::Stop, true, Exit::Unsafe),
            (Level::Stop, false, Exit::Success),
            (Level::Caution, true, Exit::Success),
        ] {
            report.verdict.level = level;
            report.verdict.reasons = vec![Reason { level, code: "x".into(), message: "x".into() }];
            assert_eq!(PreflightOutcome { report: report.clone(), strict }.exit(), exit);
        }
    }

    /// An empty range of a one-commit repository: the smallest real report.
    fn sample(tmp: &tempfile::TempDir) -> Preflight {
        let repo = git2::Repository::init(tmp.path()).unwrap();
        let sig = git2::Signature::new("A", "a@example.com", &git2::Time::new(0, 0)).unwrap();
        let tree = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
        let oid = repo.commit(None, &sig, &sig, "init", &tree, &[]).unwrap();
        let req = preflight::GitRequest {
            repo: tmp.path().to_path_buf(),
            range: preflight::range::RangeRequest {
                from: Some(oid.to_string()),
                to: Some(oid.to_string()),
                branch: "master".into(),
                ..Default::default()
            },
            globs: crate::config::MigrationGlobs {
                schema: vec!["db/migrate/*.rb".into()],
                data: vec![],
                ..Default::default()
            },
        };
        preflight::offline(&req).unwrap()
    }
}
