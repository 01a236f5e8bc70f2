//! The revert, done in memory before anything is created: the PR's commits undone one by one
//! (newest first) on the tip of `origin/<branch>` with git's own three-way merge, exactly as
//! `git revert` would (a merge commit against its first parent, a squash commit, each commit of
//! a rebase merge). Objects the merge writes go to an in-memory object store, so the user's
//! repository is left as it was.
//!
//! When the PR already runs in production, its migration files and the schema dumps are kept as
//! they are on the tip: the database keeps what the migrations did, and the repository must keep
//! agreeing with it (and `schema_migrations` keeps their versions).
use super::conflicts::{describe, Conflict, Reverted};
use crate::config::MigrationGlobs;
use crate::git::{self, GitError};
use crate::preflight::migrations::kind_of;
use git2::{build::TreeUpdateBuilder, Delta, FileMode, Oid, Repository, Tree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The dumps `db:migrate` writes: they describe the database, not the code.
pub const SCHEMA_DUMPS: [&str; 3] = ["db/schema.rb", "db/structure.sql", "db/data_schema.rb"];

#[derive(Debug, Clone)]
pub struct RevertRequest {
    /// Any directory inside the repository.
    pub repo: PathBuf,
    /// The tip of `origin/<branch>`: the revert commit's parent.
    pub tip: Oid,
    /// The PR's commits on the branch, oldest first (one for a merge or squash commit).
    pub commits: Vec<Oid>,
    pub pull_request: u64,
    /// Keep the PR's migrations and the schema dumps as on the tip.
    pub keep_migrations: bool,
    pub globs: MigrationGlobs,
    /// Files added on top of the revert (the `--undo-migrations` migration): path, content.
    pub extra_files: Vec<(String, String)>,
}

/// One path of the revert commit's tree that differs from the tip's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeChange {
    pub path: String,
    /// `100644`, `100755`, `120000`.
    pub mode: String,
    /// The blob, or None to delete the path.
    pub sha: Option<String>,
    /// The content, when GitHub cannot already have this blob (it must be uploaded).
    pub upload: Option<Vec<u8>>,
}

#[derive(Debug, Clone, Default)]
pub struct Prediction {
    pub tip: String,
    pub tip_tree: String,
    /// The revert commit's tree; None when the revert conflicts.
    pub tree: Option<String>,
    pub changes: Vec<TreeChange>,
    pub conflicts: Vec<Conflict>,
    /// Paths the plain revert would change but that stay as on the tip.
    pub kept_paths: Vec<String>,
    /// Every path the PR's commits changed.
    pub pr_files: Vec<String>,
    /// The PR's migration files (path, content as on the tip, or as the PR left it if gone).
    pub pr_migrations: Vec<(String, Option<String>)>,
}

/// The first-parent commits of a PR on the branch: the merge or squash commit, or for a rebase
/// merge the last `subjects.len()` commits ending at `merge_commit` when their subjects are the
/// PR's commits' subjects (oldest first).
pub fn pr_commits(repo_dir: &Path, merge_commit: &str, subjects: &[String]) -> Result<Vec<Oid>, GitError> {
    let repo = git::open(repo_dir)?;
    let hint = format!("the commit {merge_commit} is not in this clone: run `git fetch origin`");
    let last = git::resolve(&repo, merge_commit, &hint)?;
    let commit = repo.find_commit(last)?;
    if commit.parent_count() > 1 || subjects.len() < 2 {
        return Ok(vec![last]);
    }
    let mut found = vec![commit];
    while found.len() < subjects.len() {
        match found.last().and_then(|c| c.parent(0).ok()) {
            Some(p) if p.parent_count() == 1 => found.push(p),
            _ => return Ok(vec![last]),
        }
    }
    found.reverse();
    let same = found.iter().zip(subjects).all(|(c, s)| c.summary().unwrap_or("").trim() == s.trim());
    Ok(if same { found.iter().map(|c| c.id()).collect() } else { vec![last] })
}

pub fn predict(req: &RevertRequest) -> Result<Prediction, GitError> {
    let repo = git::open(&req.repo)?;
    // Everything the merge writes stays in memory (the highest priority backend takes writes).
    repo.odb()?.add_new_mempack_backend(1000)?;
    let tip = repo.find_commit(req.tip)?;
    let tip_tree = tip.tree()?;
    let pr_files = changed_by(&repo, &req.commits)?;
    let migration_paths: BTreeSet<String> =
        pr_files.iter().filter(|p| kind_of(&req.globs, p).is_some()).cloned().collect();
    let kept: BTreeSet<String> = match req.keep_migrations {
        true => migration_paths.iter().cloned().chain(SCHEMA_DUMPS.iter().map(|s| s.to_string())).collect(),
        false => BTreeSet::new(),
    };
    let mut prediction = Prediction {
        tip: tip.id().to_string(),
        tip_tree: tip_tree.id().to_string(),
        pr_migrations: migration_paths
            .iter()
            .map(|p| (p.clone(), text_at(&repo, &tip_tree, p).or_else(|| last_text(&repo, &req.commits, p))))
            .collect(),
        pr_files: pr_files.into_iter().collect(),
        ..Prediction::default()
    };
    let mut current = tip_tree.id();
    let mut touched_kept = BTreeSet::new();
    for id in req.commits.iter().rev() {
        let commit = repo.find_commit(*id)?;
        let before = commit.parent(0)?.tree()?;
        let mut index = repo.merge_trees(&commit.tree()?, &repo.find_tree(current)?, &before, None)?;
        let mut conflicts = Vec::new();
        let mut resolved = Vec::new();
        for entry in index.conflicts()? {
            let entry = entry?;
            let path = conflict_path(&entry);
            if kept.contains(&path) {
                resolved.push(path);
            } else {
                let reverted = Reverted { number: req.pull_request, commits: &req.commits };
                conflicts.push(describe(&repo, &tip, &reverted, &entry, &path)?);
            }
        }
        for path in &resolved {
            index.conflict_remove(Path::new(path))?;
        }
        touched_kept.extend(resolved);
        if !conflicts.is_empty() {
            prediction.conflicts = conflicts;
            return Ok(prediction);
        }
        current = index.write_tree_to(&repo)?;
    }
    let reverted = repo.find_tree(current)?;
    let mut update = TreeUpdateBuilder::new();
    for path in &kept {
        let at_tip = tip_tree.get_path(Path::new(path)).ok().map(|e| (e.id(), e.filemode()));
        let now = reverted.get_path(Path::new(path)).ok().map(|e| (e.id(), e.filemode()));
        if at_tip == now && !touched_kept.contains(path) {
            continue;
        }
        prediction.kept_paths.push(path.clone());
        match at_tip {
            Some((id, mode)) => update.upsert(path.as_str(), id, file_mode(mode)),
            None => update.remove(path.as_str()),
        };
    }
    for (path, content) in &req.extra_files {
        update.upsert(path.as_str(), repo.blob(content.as_bytes())?, FileMode::Blob);
    }
    let final_tree = repo.find_tree(update.create_updated(&repo, &reverted)?)?;
    prediction.changes = changes(&repo, &tip_tree, &final_tree, &req.commits)?;
    prediction.tree = Some(final_tree.id().to_string());
    Ok(prediction)
}

fn file_mode(mode: i32) -> FileMode {
    match mode {
        0o100755 => FileMode::BlobExecutable,
        0o120000 => FileMode::Link,
        _ => FileMode::Blob,
    }
}

fn conflict_path(c: &git2::IndexConflict) -> String {
    let entry = c.our.as_ref().or(c.their.as_ref()).or(c.ancestor.as_ref());
    entry.map(|e| String::from_utf8_lossy(&e.path).into_owned()).unwrap_or_default()
}

/// Every path the commits change against their first parents.
fn changed_by(repo: &Repository, commits: &[Oid]) -> Result<BTreeSet<String>, git2::Error> {
    let mut out = BTreeSet::new();
    for id in commits {
        let commit = repo.find_commit(*id)?;
        let diff = repo.diff_tree_to_tree(Some(&commit.parent(0)?.tree()?), Some(&commit.tree()?), None)?;
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(p) = file.path() {
                    out.insert(p.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    Ok(out)
}

fn text_at(repo: &Repository, tree: &Tree, path: &str) -> Option<String> {
    let entry = tree.get_path(Path::new(path)).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    Some(String::from_utf8_lossy(blob.content()).into_owned())
}

/// A file as the PR's newest commit that has it left it.
fn last_text(repo: &Repository, commits: &[Oid], path: &str) -> Option<String> {
    commits.iter().rev().find_map(|c| text_at(repo, &repo.find_commit(*c).ok()?.tree().ok()?, path))
}

/// The paths of `to` that differ from `from`, with the content of every blob GitHub cannot have
/// yet. GitHub has every blob of the tip and of the PR's commits and their parents (all pushed
/// there); a revert mostly restores such blobs, and only merged or generated contents are new.
fn changes(repo: &Repository, from: &Tree, to: &Tree, commits: &[Oid]) -> Result<Vec<TreeChange>, git2::Error> {
    let mut known: BTreeMap<String, BTreeSet<Oid>> = BTreeMap::new();
    let mut trees = vec![from.clone()];
    for id in commits {
        let c = repo.find_commit(*id)?;
        trees.push(c.tree()?);
        trees.push(c.parent(0)?.tree()?);
    }
    let diff = repo.diff_tree_to_tree(Some(from), Some(to), None)?;
    let mut out = Vec::new();
    for delta in diff.deltas() {
        let file = if delta.status() == Delta::Deleted { delta.old_file() } else { delta.new_file() };
        let Some(path) = file.path().map(|p| p.to_string_lossy().replace('\\', "/")) else { continue };
        if delta.status() == Delta::Deleted {
            out.push(TreeChange { path, mode: "100644".into(), sha: None, upload: None });
            continue;
        }
        let seen = known.entry(path.clone()).or_insert_with(|| {
            trees.iter().filter_map(|t| t.get_path(Path::new(&path)).ok()).map(|e| e.id()).collect()
        });
        let upload = match seen.contains(&file.id()) {
            true => None,
            false => Some(repo.find_blob(file.id())?.content().to_vec()),
        };
        let mode = format!("{:o}", u32::from(file.mode()));
        out.push(TreeChange { path, mode, sha: Some(file.id().to_string()), upload });
    }
    Ok(out)
}
