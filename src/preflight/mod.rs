//! What is about to ship: range, pull requests, migrations (classify + lint), CI, baseline, verdict.
//!
//! Two stages, so that the deploy command and the benchmark can reuse them: [`read_git`] reads
//! everything the repository knows (synchronous, CPU-bound, no network), and [`assemble`] joins
//! it with whatever the services said ([`online::OnlineFacts`], empty offline) into a
//! [`Preflight`] report with its [`Verdict`]. [`offline`] does both with git alone.
mod areas;
pub mod gather;
pub mod history;
pub mod human;
pub mod lint;
mod migration_names;
pub mod migrations;
pub mod online;
pub mod ownership;
pub mod pulls;
pub mod range;
pub mod release_phase;
pub mod services;
pub mod treediff;
mod unmatched;
pub mod verdict;

use crate::config::MigrationGlobs;
use crate::git::{self, GitError};
pub use gather::run;
use history::CommitFacts;
use migrations::Migration;
use online::{Baseline, CiState, Production};
use ownership::AreaOwners;
use pulls::{DirectCommit, PullRequest};
use range::{RangeReport, RangeRequest, RangeWarning};
use release_phase::MigrationTask;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
pub use verdict::{Level, Verdict};

/// The preflight report: the `--json` document, field names fixed by the README.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Preflight {
    pub range: RangeReport,
    pub pull_requests: Vec<PullRequest>,
    pub direct_commits: Vec<DirectCommit>,
    pub ownership: Vec<AreaOwners>,
    pub migrations: Vec<Migration>,
    /// The Procfile's `release:` command at `to`.
    pub release_command: Option<String>,
    /// The migration tasks it runs, in order.
    pub release_tasks: Vec<MigrationTask>,
    pub ci: Option<CiState>,
    pub production: Option<Production>,
    pub sentry_baseline: Option<Baseline>,
    /// Online, why there is no baseline (for people; `null` says it to a script).
    #[serde(skip)]
    pub sentry_baseline_unknown: Option<String>,
    pub warnings: Vec<RangeWarning>,
    pub offline: bool,
    pub verdict: Verdict,
}

/// What to read from the repository.
#[derive(Debug, Clone)]
pub struct GitRequest {
    /// Any directory inside the repository.
    pub repo: PathBuf,
    pub range: RangeRequest,
    pub globs: MigrationGlobs,
}

/// Everything the repository says about the range.
#[derive(Debug, Clone)]
pub struct GitFacts {
    pub range: RangeReport,
    /// First-parent commits, newest first.
    pub commits: Vec<CommitFacts>,
    pub migrations: Vec<Migration>,
    pub release_command: Option<String>,
    pub release_tasks: Vec<MigrationTask>,
    pub warnings: Vec<RangeWarning>,
    pub globs: MigrationGlobs,
}

impl GitFacts {
    /// First-parent commits whose message names no PR: online, GitHub is asked about these.
    pub fn commits_without_pr(&self) -> Vec<&str> {
        self.commits.iter().filter(|c| pulls::number_in_message(&c.subject).is_none()).map(|c| c.sha.as_str()).collect()
    }
}

pub fn read_git(req: &GitRequest) -> Result<GitFacts, GitError> {
    let repo = git::open(&req.repo)?;
    let ends = range::resolve_ends(&repo, &req.range)?;
    let first_parent = git::first_parent_range(&repo, ends.from, ends.to)?;
    let from_is_ancestor =
        on_first_parent_line(&repo, &first_parent, ends.from)? || git::is_ancestor(&repo, ends.from, ends.to)?;
    // The migrations are read and linted on a thread of their own while the commits' tree
    // diffs run: independent work, and the diffs rarely keep both cores busy to the end.
    let git_dir = repo.path().to_path_buf();
    let (commits, found) = std::thread::scope(|scope| {
        let migrations = scope.spawn(|| -> Result<Vec<Migration>, GitError> {
            let repo = git2::Repository::open(&git_dir)?;
            let changes = migrations::range_changes(&repo, ends.from, ends.to, &req.globs)?;
            lint_changes(&repo, &ends, changes, &req.globs)
        });
        let commits = history::first_parent_facts(&repo, &first_parent);
        let found = migrations.join().unwrap_or_else(|_| Err(git2::Error::from_str("migration lint panicked").into()));
        (commits, found)
    });
    let (commits, mut found) = (commits?, found?);
    let read = |path: &str| {
        git::file_at(&repo, ends.to, path).ok().flatten().map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let release_command = read("Procfile").as_deref().and_then(release_phase::release_command);
    let release_tasks = release_command.as_deref().map(|c| release_phase::tasks(c, &read)).unwrap_or_default();
    release_phase::assign_run_order(&mut found, &release_tasks);
    let mut warnings = range::warnings(&repo, &ends, &req.range, from_is_ancestor);
    warnings.extend(unmatched::warnings(&repo, ends.to, &req.globs)?);
    let range = RangeReport {
        from: ends.from.to_string(),
        to: ends.to.to_string(),
        from_ref: ends.from_ref,
        to_ref: ends.to_ref,
        commits: git::count_range(&repo, ends.from, ends.to)?,
        first_parent_commits: first_parent.len(),
        from_is_ancestor,
    };
    Ok(GitFacts {
        range,
        commits,
        migrations: found,
        release_command,
        release_tasks,
        warnings,
        globs: req.globs.clone(),
    })
}

/// `from` is the first parent of the oldest commit of the first-parent range (or the range is
/// empty at `from`): then it is an ancestor, without the merge-base walk over the whole range
/// that the general check costs. Production usually runs a commit of the branch's own line.
fn on_first_parent_line(
    repo: &git2::Repository,
    first_parent: &[git2::Oid],
    from: git2::Oid,
) -> Result<bool, GitError> {
    match first_parent.last() {
        Some(oldest) => Ok(repo.find_commit(*oldest)?.parent_id(0).ok() == Some(from)),
        None => Ok(false),
    }
}

/// Reads and lints the changed migrations, with what the app says about its schema and config
/// (read only when some migration is linted).
fn lint_changes(
    repo: &git2::Repository,
    ends: &range::Ends,
    changes: Vec<migrations::RangeChange>,
    globs: &MigrationGlobs,
) -> Result<Vec<Migration>, GitError> {
    let linted = changes.iter().any(|c| c.change != migrations::Change::Deleted);
    let app = if linted { Some(migrations::AppSources::read(repo, ends.from, ends.to)?) } else { None };
    let find = |class: &str| migrations::migration_source(repo, ends.to, globs, class);
    let facts = lint::AppFacts {
        schema: app.as_ref().and_then(|a| a.schema.as_ref()),
        partial_inserts: app.as_ref().and_then(|a| a.partial_inserts),
        migration_source: Some(&find),
    };
    changes.into_iter().map(|c| migrations::describe(repo, ends.to, c, &globs.lint, &facts)).collect()
}

/// Joins the repository's facts with the services' (none offline) and judges the result.
pub fn assemble(facts: GitFacts, services: online::OnlineFacts) -> Preflight {
    let globs = &facts.globs;
    let is_migration = |p: &str| migrations::kind_of(globs, p).is_some();
    let (mut prs, direct) = pulls::group(&facts.commits, &services.associated, &is_migration);
    for pr in &mut prs {
        if let Some(d) = services.pull_requests.iter().find(|d| d.number == pr.number) {
            pr.title = Some(d.title.clone());
            pr.author = d.author.clone();
            pr.url = Some(d.url.clone());
            pr.merged_at = d.merged_at.clone();
            pr.labels = d.labels.clone();
        }
    }
    let mut migrations = facts.migrations;
    attribute(&mut migrations, &facts.commits, &services.associated);
    let mut warnings = facts.warnings;
    warnings.extend(services.warnings);
    let mut report = Preflight {
        ownership: ownership::table(&prs, &direct),
        range: facts.range,
        pull_requests: prs,
        direct_commits: direct,
        migrations,
        release_command: facts.release_command,
        release_tasks: facts.release_tasks,
        offline: services.offline,
        ci: services.ci,
        production: services.production,
        sentry_baseline: services.baseline,
        sentry_baseline_unknown: services.baseline_unknown,
        warnings,
        verdict: Verdict { level: Level::Go, reasons: Vec::new() },
    };
    report.verdict = verdict::judge(&report);
    report
}

/// Git alone: the whole offline preflight.
pub fn offline(req: &GitRequest) -> Result<Preflight, GitError> {
    Ok(assemble(read_git(req)?, online::OnlineFacts::offline()))
}

/// The commit and PR that brought each migration change: the oldest first-parent commit that
/// added the file, else the newest that touched it (a modification or deletion).
fn attribute(migrations: &mut [Migration], commits: &[CommitFacts], associated: &BTreeMap<String, u64>) {
    use treediff::FileStatus;
    let wanted: std::collections::HashSet<&str> = migrations.iter().map(|m| m.path.as_str()).collect();
    // path -> (commit index, status), newest commit first.
    let mut touches: std::collections::HashMap<&str, Vec<(usize, FileStatus)>> = Default::default();
    for (i, c) in commits.iter().enumerate() {
        for f in c.files.iter().filter(|f| wanted.contains(f.path.as_str())) {
            touches.entry(f.path.as_str()).or_default().push((i, f.status));
        }
    }
    for m in migrations.iter_mut() {
        let Some(list) = touches.get(m.path.as_str()) else { continue };
        let oldest_add = list.iter().rev().find(|(_, s)| *s == FileStatus::Added);
        let chosen = match m.change {
            migrations::Change::Added | migrations::Change::Renamed => oldest_add.or(list.first()),
            _ => list.first(),
        };
        if let Some(&(i, _)) = chosen {
            let c = &commits[i];
            m.commit = Some(c.sha.clone());
            m.pull_request = pulls::number_in_message(&c.subject).or_else(|| associated.get(&c.sha).copied());
        }
    }
}

/// A report of three commits between two made-up shas, with nothing found: tests fill in the rest.
#[cfg(test)]
pub(crate) fn blank_report() -> Preflight {
    Preflight {
        range: RangeReport {
            from: "a".repeat(40),
            to: "b".repeat(40),
            from_ref: "v41".into(),
            to_ref: "origin/master".into(),
            commits: 3,
            first_parent_commits: 2,
            from_is_ancestor: true,
        },
        pull_requests: vec![],
        direct_commits: vec![],
        ownership: vec![],
        migrations: vec![],
        release_command: None,
        release_tasks: vec![],
        ci: None,
        production: None,
        sentry_baseline: None,
        sentry_baseline_unknown: None,
        warnings: vec![],
        offline: true,
        verdict: Verdict { level: Level::Go, reasons: vec![] },
    }
}
