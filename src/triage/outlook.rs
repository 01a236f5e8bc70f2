//! Both recovery paths as the recovery previews see them (`bpdeploy rollback --dry-run`,
//! `bpdeploy revert N --dry-run`): the revert's prediction on GitHub's tip, the rollback's target,
//! the migrations the restored code breaks on, and each path's time to recovery. Triage reads
//! them; it does not re-derive them.
use crate::config::Config;
use crate::recovery::compat::Verdict;
use crate::recovery::eta::Estimate;
use crate::recovery::report::Report;
use crate::recovery::rollback_target::Requested;
use crate::recovery::{revert, rollback};

/// What the revert preview said about reverting the top suspect.
#[derive(Debug, Clone, PartialEq)]
pub enum RevertState {
    Clean,
    /// Conflicts, in words (files and the later PRs behind them).
    Conflicts(String),
    /// The preview refused (not merged, already reverted, …), in words.
    Refused(String),
    /// The preview could not run.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RevertOutlook {
    pub pull_request: u64,
    pub state: RevertState,
    pub estimate: Option<Estimate>,
    /// Migrations the restored code cannot live with (they stay applied).
    pub breaking: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RollbackOutlook {
    pub target: Option<u64>,
    pub estimate: Option<Estimate>,
    pub breaking: Vec<String>,
    /// Why the rollback preview refuses, if it does.
    pub refusal: Option<String>,
}

/// The rollback to the previous code release.
pub async fn rollback_path(services: &rollback::Services, config: &Config, app: &str) -> RollbackOutlook {
    match rollback::preview(services, config, app, &Requested::Default).await {
        Ok(plan) => RollbackOutlook {
            target: plan.target.as_ref().map(|t| t.version),
            estimate: plan.target.is_some().then(|| plan.report.estimated_recovery_secs.clone()),
            breaking: breaking(&plan.report),
            refusal: plan.report.refusal.as_ref().map(|f| f.message.clone()),
        },
        Err(e) => {
            RollbackOutlook { refusal: Some(format!("the rollback preview failed: {e:#}")), ..Default::default() }
        }
    }
}

/// The revert of one pull request, predicted on GitHub's tip of the branch.
pub async fn revert_path(services: &revert::Services, config: &Config, app: &str, number: u64) -> RevertOutlook {
    let request = revert::Request { number, undo_migrations: false };
    match revert::preview(services, config, app, &request).await {
        Ok(plan) => {
            let r = &plan.report;
            let state = match &r.refusal {
                None => RevertState::Clean,
                Some(f) if f.code == "revert_conflicts" => RevertState::Conflicts(conflicts(r)),
                Some(f) => RevertState::Refused(f.message.clone()),
            };
            RevertOutlook {
                pull_request: number,
                state,
                estimate: r.target.is_some().then(|| r.estimated_recovery_secs.clone()),
                breaking: breaking(r),
            }
        }
        Err(e) => RevertOutlook {
            pull_request: number,
            state: RevertState::Unknown(format!("{e:#}")),
            estimate: None,
            breaking: vec![],
        },
    }
}

fn breaking(r: &Report) -> Vec<String> {
    r.migrations.iter().filter(|m| m.old_code == Verdict::Breaks).map(|m| m.name()).collect()
}

/// `app/x.rb lines 12-14 (also written by #9)`, one per conflict.
fn conflicts(r: &Report) -> String {
    let each: Vec<String> = r
        .conflicts
        .iter()
        .map(|c| {
            let lines = c.lines.map(|[a, b]| format!(" lines {a}-{b}")).unwrap_or_default();
            let mut by: Vec<String> = c.pull_requests.iter().map(|n| format!("#{n}")).collect();
            by.extend(c.commits.iter().cloned());
            let by = if by.is_empty() { String::new() } else { format!(" (also written by {})", by.join(", ")) };
            format!("{}{lines}{by}", c.path)
        })
        .collect();
    each.join("; ")
}
