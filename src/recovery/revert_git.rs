//! The repository side of a revert preview, in one blocking call: the PR's commits on the
//! branch, whether production runs them, the prediction (twice when an undo migration joins
//! it), the PR's migrations as preflight describes them, and the commits CI history comes from.
use super::compat::{OldCode, Verdict};
use super::facts::judge;
use super::prediction::{pr_commits, predict, Prediction, RevertRequest};
use super::report::StayingMigration;
use super::undo::{undo_migration, PrMigration, UndoMigration, UndoRefusal};
use crate::config::MigrationGlobs;
use crate::git::{self, GitError};
use crate::preflight::lint;
use crate::preflight::migrations::{describe, range_changes, version_of, AppSources, Kind};
use chrono::Utc;
use git2::Oid;
use std::path::PathBuf;

pub struct GitInput {
    pub repo: PathBuf,
    pub tip: String,
    pub merge_commit: String,
    /// The PR's commits' subjects, oldest first (a rebase merge has several).
    pub subjects: Vec<String>,
    pub pull_request: u64,
    pub title: String,
    pub production: Option<String>,
    pub globs: MigrationGlobs,
    pub undo: bool,
}

pub struct GitFindings {
    pub commits: Vec<String>,
    pub merged_as: &'static str,
    pub in_production: Option<bool>,
    pub prediction: Prediction,
    pub migrations: Vec<StayingMigration>,
    pub undo: Option<Result<UndoMigration, UndoRefusal>>,
    /// The newest first-parent commits of the branch, for CI durations.
    pub recent: Vec<String>,
    /// `name <email>` of this repository's git identity, for the commit's author.
    pub identity: Option<(String, String)>,
    /// A commit on the branch since the PR that says it reverts it (`This reverts commit …`):
    /// short sha and subject.
    pub reverted_by: Option<(String, String)>,
}

pub fn read(input: &GitInput) -> Result<GitFindings, GitError> {
    let repo = git::open(&input.repo)?;
    let tip = git::resolve(&repo, &input.tip, "run `git fetch origin` so this clone has GitHub's tip")?;
    let commits = pr_commits(&input.repo, &input.merge_commit, &input.subjects)?;
    let last = *commits.last().expect("at least the merge commit");
    if !git::is_ancestor(&repo, last, tip)? {
        return Err(GitError::UnknownRevision {
            rev: input.merge_commit.clone(),
            hint: "the pull request's commit is not on the branch's tip: was it merged into another branch?".into(),
        });
    }
    let merged_as = match (repo.find_commit(last)?.parent_count(), commits.len()) {
        (2.., _) => "merge",
        (_, 2..) => "rebase",
        _ => "squash",
    };
    let production = input.production.as_deref().and_then(|p| git::try_resolve(&repo, p));
    let in_production = match production {
        Some(p) => Some(git::is_ancestor(&repo, last, p)?),
        None => None,
    };
    // Unknown is treated as deployed: keeping migration files that never ran is harmless,
    // dropping ones the database ran is not.
    let keep = in_production != Some(false);
    let mut request = RevertRequest {
        repo: input.repo.clone(),
        tip,
        commits: commits.clone(),
        pull_request: input.pull_request,
        keep_migrations: keep,
        globs: input.globs.clone(),
        extra_files: vec![],
    };
    let mut prediction = predict(&request)?;
    let first_parent = repo.find_commit(commits[0])?.parent_id(0)?;
    let mut migrations = Vec::new();
    let app = AppSources::read(&repo, first_parent, last)?;
    let facts =
        lint::AppFacts { schema: app.schema.as_ref(), partial_inserts: app.partial_inserts, migration_source: None };
    for change in range_changes(&repo, first_parent, last, &input.globs)? {
        let mut m = describe(&repo, last, change, &input.globs.lint, &facts)?;
        m.pull_request = Some(input.pull_request);
        m.commit = Some(last.to_string());
        let source = git::file_at(&repo, tip, &m.path)?.or(git::file_at(&repo, last, &m.path)?);
        let source = source.map(|b| String::from_utf8_lossy(&b).into_owned());
        let old = match in_production {
            Some(false) => OldCode {
                verdict: Verdict::Compatible,
                reason: "production never ran it: the revert removes it with the code".into(),
            },
            _ => judge(&m, source.as_deref()),
        };
        migrations.push(StayingMigration::new(m, old));
    }
    let undo = match (input.undo, keep) {
        (true, true) => {
            let schema: Vec<(String, String)> = migrations
                .iter()
                .filter(|m| m.migration.kind == Kind::Schema && m.migration.is_new())
                .filter_map(|m| {
                    let text = prediction.pr_migrations.iter().find(|(p, _)| *p == m.migration.path)?.1.clone()?;
                    Some((m.migration.path.clone(), text))
                })
                .collect();
            let listed: Vec<PrMigration> = schema.iter().map(|(p, s)| PrMigration { path: p, source: s }).collect();
            let newest = newest_version(&repo, tip, &input.globs);
            let undo = undo_migration(input.pull_request, &input.title, &listed, newest.as_deref(), Utc::now());
            if let Ok(u) = &undo {
                request.extra_files = vec![(u.path.clone(), u.content.clone())];
                prediction = predict(&request)?;
            }
            Some(undo)
        }
        _ => None,
    };
    let recent = recent_first_parent(&repo, tip)?.into_iter().map(|o| o.to_string()).collect();
    let identity = repo.signature().ok().and_then(|s| Some((s.name()?.to_string(), s.email()?.to_string())));
    let reverted_by = reverted_by(&repo, &commits, tip)?;
    Ok(GitFindings {
        commits: commits.iter().map(Oid::to_string).collect(),
        merged_as,
        in_production,
        prediction,
        migrations,
        undo,
        recent,
        identity,
        reverted_by,
    })
}

/// Commits looked at for an earlier revert: a revert comes soon after what it reverts.
const REVERT_SEARCH: usize = 1000;

/// The newest commit since the PR whose message says it reverts one of the PR's commits, as
/// `git revert` and GitHub's Revert button write it.
fn reverted_by(repo: &git2::Repository, commits: &[Oid], tip: Oid) -> Result<Option<(String, String)>, GitError> {
    let mut walk = repo.revwalk()?;
    walk.push(tip)?;
    for c in commits {
        walk.hide(*c)?;
    }
    let marks: Vec<String> = commits.iter().map(|c| format!("This reverts commit {c}")).collect();
    for id in walk.take(REVERT_SEARCH) {
        let commit = repo.find_commit(id?)?;
        let message = commit.message().unwrap_or("");
        if marks.iter().any(|m| message.contains(m.as_str())) {
            let short = commit.id().to_string()[..7].to_string();
            return Ok(Some((short, commit.summary().unwrap_or("").to_string())));
        }
    }
    Ok(None)
}

/// The tip and up to four first parents before it.
fn recent_first_parent(repo: &git2::Repository, tip: Oid) -> Result<Vec<Oid>, GitError> {
    let mut out = vec![tip];
    let mut at = repo.find_commit(tip)?;
    while out.len() < 5 {
        match at.parent(0) {
            Ok(p) => {
                out.push(p.id());
                at = p;
            }
            Err(_) => break,
        }
    }
    Ok(out)
}

/// The newest migration version in the tip's tree under the schema globs.
fn newest_version(repo: &git2::Repository, tip: Oid, globs: &MigrationGlobs) -> Option<String> {
    let tree = repo.find_commit(tip).ok()?.tree().ok()?;
    let mut newest: Option<String> = None;
    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let path = format!("{dir}{}", entry.name().unwrap_or_default());
        if crate::preflight::migrations::kind_of(globs, &path) == Some(Kind::Schema) {
            if let Some(v) = version_of(&path) {
                if newest.as_ref().map_or(true, |n| v > *n) {
                    newest = Some(v);
                }
            }
        }
        git2::TreeWalkResult::Ok
    });
    newest
}
