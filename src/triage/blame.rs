//! The repository's side of triage: git2 blame of each in-app frame's line at the release
//! commit, following first parents only, so that a line a pull request brought is blamed on the
//! first-parent commit that landed it (its merge commit, its squash commit, or one of its rebased
//! commits) and from there on the pull request, as preflight reads them. Lines of the frame's
//! method and file that the release changed are kept too: a change near the line is weaker
//! evidence than the line itself.
use super::frames::{place, FrameRef, StackFrame};
use crate::git::{self, GitError};
use crate::preflight::history::{first_parent_facts, CommitFacts};
use crate::preflight::pulls::number_in_message;
use git2::{BlameOptions, Oid, Repository};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct BlameRequest {
    /// Any directory inside the repository.
    pub repo: PathBuf,
    /// The commit the release runs.
    pub release: String,
    /// The commit of the code release before it: the release is `previous..release`.
    pub previous: Option<String>,
    pub frames: Vec<FrameRef>,
    /// First-parent commits GitHub associates with a PR (`commits/{sha}/pulls`): rebase merges
    /// and edited messages, which name no PR themselves.
    pub associated: BTreeMap<String, u64>,
}

/// A pull request of the release, or a commit pushed straight to the branch.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKey {
    Pull(u64),
    Direct(String),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// What one pull request (or direct push) of the release brought.
#[derive(Debug, Clone)]
pub struct ReleaseChange {
    pub key: ChangeKey,
    /// From the commit messages; GitHub's title replaces it online.
    pub title: String,
    /// The git authors of its commits.
    pub authors: Vec<Person>,
    /// The first-parent commits that landed it, newest first.
    pub commits: Vec<String>,
    pub files: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FrameFindings {
    pub frame: StackFrame,
    /// The change of this release that last wrote the frame's line.
    pub line_change: Option<ChangeKey>,
    /// Who last wrote the line, in this release or long before: the code's owner.
    pub line_author: Option<Person>,
    /// The method around the line (first and last line).
    pub method: Option<(u32, u32)>,
    /// Other changes of this release to lines of that method.
    pub method_changes: Vec<ChangeKey>,
    /// Other changes of this release to the file.
    pub file_changes: Vec<ChangeKey>,
}

#[derive(Debug, Clone, Default)]
pub struct BlameFindings {
    pub frames: Vec<FrameFindings>,
    /// The release's changes, newest first; empty when the range is unknown.
    pub changes: Vec<ReleaseChange>,
    /// Lines each change added or removed in each frame's file.
    pub lines_changed: BTreeMap<(ChangeKey, String), usize>,
    /// The frames' files at the release commit.
    pub sources: BTreeMap<String, String>,
    /// Whether `previous..release` could be read: without it, nothing can be said about what
    /// the release changed.
    pub range_known: bool,
    pub warnings: Vec<String>,
}

impl BlameFindings {
    pub fn change(&self, key: &ChangeKey) -> Option<&ReleaseChange> {
        self.changes.iter().find(|c| &c.key == key)
    }
}

/// First-parent commits of the release whose message names no PR: GitHub is asked about these.
pub fn unnamed_commits(req: &BlameRequest) -> Result<Vec<String>, GitError> {
    let repo = git::open(&req.repo)?;
    let Some((from, to)) = ends(&repo, req)?.1 else { return Ok(Vec::new()) };
    let commits = git::first_parent_range(&repo, from, to)?;
    let facts = first_parent_facts(&repo, &commits)?;
    Ok(facts.into_iter().filter(|c| number_in_message(&c.subject).is_none()).map(|c| c.sha).collect())
}

/// The release commit, and the range when the previous release's commit is here too.
#[allow(clippy::type_complexity)]
fn ends(repo: &Repository, req: &BlameRequest) -> Result<(Oid, Option<(Oid, Oid)>), GitError> {
    let hint = format!("the release's commit {} is not in this clone: run `git fetch origin`", req.release);
    let to = git::resolve(repo, &req.release, &hint)?;
    let from = req.previous.as_deref().and_then(|p| git::try_resolve(repo, p));
    Ok((to, from.map(|f| (f, to))))
}

pub fn blame(req: &BlameRequest) -> Result<BlameFindings, GitError> {
    let repo = git::open(&req.repo)?;
    let (release, range) = ends(&repo, req)?;
    let mut out = BlameFindings { range_known: range.is_some(), ..BlameFindings::default() };
    let mut landed: BTreeMap<Oid, ChangeKey> = BTreeMap::new();
    match range {
        Some((from, to)) => {
            let commits = git::first_parent_range(&repo, from, to)?;
            let facts = first_parent_facts(&repo, &commits)?;
            for (oid, c) in commits.iter().zip(&facts) {
                let key = key_of(c, &req.associated);
                landed.insert(*oid, key.clone());
                record(&repo, &mut out.changes, key, c)?;
            }
        }
        None => out.warnings.push(match &req.previous {
            Some(sha) => format!(
                "the previous release's commit {sha} is not in this clone (`git fetch origin`): what the release changed is unknown"
            ),
            None => "the previous code release is unknown: what the release changed is unknown".to_string(),
        }),
    }
    let tree = repo.find_commit(release)?.tree()?;
    let exists = |p: &str| tree.get_path(Path::new(p)).is_ok_and(|e| e.kind() == Some(git2::ObjectType::Blob));
    let mut blames: BTreeMap<String, Vec<Oid>> = BTreeMap::new();
    for frame in &req.frames {
        let frame = place(frame, exists);
        if !frame.in_repo {
            out.frames.push(FrameFindings {
                frame,
                line_change: None,
                line_author: None,
                method: None,
                method_changes: vec![],
                file_changes: vec![],
            });
            continue;
        }
        if !blames.contains_key(&frame.file) {
            let source = git::file_at(&repo, release, &frame.file)?.unwrap_or_default();
            out.sources.insert(frame.file.clone(), String::from_utf8_lossy(&source).into_owned());
            blames.insert(frame.file.clone(), line_commits(&repo, release, &frame.file)?);
        }
        let lines = &blames[&frame.file];
        let source = &out.sources[&frame.file];
        let method = super::ruby::method_span(source, frame.line);
        let at = |line: u32| lines.get(line as usize - 1).copied();
        let keys_in = |first: u32, last: u32| -> BTreeSet<ChangeKey> {
            (first..=last).filter_map(|l| at(l).and_then(|c| landed.get(&c).cloned())).collect()
        };
        let line_change = at(frame.line).and_then(|c| landed.get(&c).cloned());
        let line_author = at(frame.line).map(|c| author_of(&repo, c)).transpose()?.flatten();
        let mut seen: BTreeSet<ChangeKey> = line_change.iter().cloned().collect();
        let method_changes: Vec<ChangeKey> = match method {
            Some((a, b)) => keys_in(a, b).into_iter().filter(|k| seen.insert(k.clone())).collect(),
            None => vec![],
        };
        let file_changes = keys_in(1, lines.len() as u32).into_iter().filter(|k| seen.insert(k.clone())).collect();
        out.frames.push(FrameFindings { frame, line_change, line_author, method, method_changes, file_changes });
    }
    for change in &out.changes {
        for file in out.sources.keys() {
            let n = lines_changed(&repo, &change.commits, file)?;
            if n > 0 {
                out.lines_changed.insert((change.key.clone(), file.clone()), n);
            }
        }
    }
    Ok(out)
}

fn key_of(c: &CommitFacts, associated: &BTreeMap<String, u64>) -> ChangeKey {
    match number_in_message(&c.subject).or_else(|| associated.get(&c.sha).copied()) {
        Some(n) => ChangeKey::Pull(n),
        None => ChangeKey::Direct(c.sha.clone()),
    }
}

/// Adds a first-parent commit to its change (oldest commits come last: the list is newest first).
fn record(
    repo: &Repository,
    changes: &mut Vec<ReleaseChange>,
    key: ChangeKey,
    c: &CommitFacts,
) -> Result<(), GitError> {
    let title = match (number_in_message(&c.subject), c.parents > 1) {
        (Some(_), true) => c.body_title.clone().unwrap_or_else(|| c.subject.clone()),
        (Some(_), false) => match c.subject.rfind(" (#") {
            Some(i) => c.subject[..i].trim_end().to_string(),
            None => c.subject.clone(),
        },
        (None, _) => c.subject.clone(),
    };
    let authors = authors_of(repo, Oid::from_str(&c.sha)?)?;
    let files = c.files.iter().map(|f| f.path.clone());
    match changes.iter_mut().find(|x| x.key == key) {
        Some(existing) => {
            existing.commits.push(c.sha.clone());
            for a in authors {
                if !existing.authors.contains(&a) {
                    existing.authors.push(a);
                }
            }
            existing.files.extend(files);
            existing.files.sort();
            existing.files.dedup();
        }
        None => {
            let mut files: Vec<String> = files.collect();
            files.sort();
            files.dedup();
            changes.push(ReleaseChange { key, title, authors, commits: vec![c.sha.clone()], files });
        }
    }
    Ok(())
}

/// The first-parent commit each line of `path` at `release` was last written in.
fn line_commits(repo: &Repository, release: Oid, path: &str) -> Result<Vec<Oid>, GitError> {
    let mut opts = BlameOptions::new();
    opts.newest_commit(release).first_parent(true);
    let blame = repo.blame_file(Path::new(path), Some(&mut opts))?;
    let mut lines = Vec::new();
    for hunk in blame.iter() {
        lines.extend(std::iter::repeat(hunk.final_commit_id()).take(hunk.lines_in_hunk()));
    }
    Ok(lines)
}

fn person(sig: &git2::Signature) -> Person {
    Person {
        name: String::from_utf8_lossy(sig.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(sig.email_bytes()).into_owned(),
    }
}

/// Who wrote a first-parent commit's change: for a merge, the authors of the commits it merged
/// (at most 50); otherwise its author.
fn authors_of(repo: &Repository, oid: Oid) -> Result<Vec<Person>, GitError> {
    let commit = repo.find_commit(oid)?;
    if commit.parent_count() < 2 {
        return Ok(vec![person(&commit.author())]);
    }
    let mut walk = repo.revwalk()?;
    walk.push(commit.parent_id(1)?)?;
    walk.hide(commit.parent_id(0)?)?;
    let mut out: Vec<Person> = Vec::new();
    for id in walk.take(50) {
        let p = person(&repo.find_commit(id?)?.author());
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

/// The main author of a first-parent commit's change (the merged branch's tip for a merge).
fn author_of(repo: &Repository, oid: Oid) -> Result<Option<Person>, GitError> {
    let commit = repo.find_commit(oid)?;
    let author = match commit.parent_count() {
        0 | 1 => person(&commit.author()),
        _ => person(&repo.find_commit(commit.parent_id(1)?)?.author()),
    };
    Ok(Some(author))
}

/// Lines added plus lines removed in `path` by the first-parent commits of a change.
fn lines_changed(repo: &Repository, commits: &[String], path: &str) -> Result<usize, GitError> {
    let mut total = 0;
    for sha in commits {
        let commit = repo.find_commit(Oid::from_str(sha)?)?;
        let before = match commit.parent_count() {
            0 => None,
            _ => Some(commit.parent(0)?.tree()?),
        };
        let mut opts = git2::DiffOptions::new();
        opts.pathspec(path).disable_pathspec_match(true);
        let diff = repo.diff_tree_to_tree(before.as_ref(), Some(&commit.tree()?), Some(&mut opts))?;
        for i in 0..diff.deltas().len() {
            if let Some(patch) = git2::Patch::from_diff(&diff, i)? {
                let (_, added, removed) = patch.line_stats()?;
                total += added + removed;
            }
        }
    }
    Ok(total)
}
