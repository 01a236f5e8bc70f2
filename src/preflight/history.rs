//! The range's first-parent history: each commit's message, authors and the files it changed
//! against its first parent (for a merge, what the merged pull request brought).
//!
//! The per-commit tree comparisons dominate the cost, so the commits are split across two
//! threads, each with its own `Repository` (a libgit2 repository handle is not `Sync`).
use super::treediff::{self, FileChange};
use git2::{Oid, Repository};
use std::path::Path;

/// One commit of the first-parent history.
#[derive(Debug, Clone)]
pub struct CommitFacts {
    pub sha: String,
    pub subject: String,
    /// The first non-empty line after the subject: GitHub writes the PR title there in merges.
    pub body_title: Option<String>,
    pub author: String,
    pub author_email: String,
    /// Unix seconds, author time.
    pub time: i64,
    pub parents: usize,
    /// For a merge: the author of the merged branch's tip, who wrote the change.
    pub merged_author: Option<String>,
    pub files: Vec<FileChange>,
}

/// How many threads compare trees. Two: the machine this runs on is often a 2-core laptop or CI.
const WORKERS: usize = 2;
/// Below this many commits a second thread costs more than it saves.
const PARALLEL_FROM: usize = 64;

/// Facts of `commits` (newest first, as `first_parent_range` returns them), in the same order.
pub fn first_parent_facts(repo: &Repository, commits: &[Oid]) -> Result<Vec<CommitFacts>, git2::Error> {
    if commits.len() < PARALLEL_FROM {
        return facts_of(repo, commits);
    }
    let git_dir = repo.path().to_path_buf();
    let chunk = commits.len().div_ceil(WORKERS);
    let results: Vec<Result<Vec<CommitFacts>, git2::Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            commits.chunks(chunk).map(|part| scope.spawn(|| facts_in_own_repo(&git_dir, part))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(git2::Error::from_str("worker panicked"))))
            .collect()
    });
    let mut all = Vec::with_capacity(commits.len());
    for part in results {
        all.extend(part?);
    }
    Ok(all)
}

fn facts_in_own_repo(git_dir: &Path, commits: &[Oid]) -> Result<Vec<CommitFacts>, git2::Error> {
    let repo = Repository::open(git_dir)?;
    facts_of(&repo, commits)
}

fn facts_of(repo: &Repository, commits: &[Oid]) -> Result<Vec<CommitFacts>, git2::Error> {
    let odb = repo.odb()?;
    let mut trees = treediff::TreeReader::new(&odb);
    let mut out = Vec::with_capacity(commits.len());
    // The first parent of one commit is usually the next one in the list: parse each once.
    let mut next = commits.first().map(|oid| repo.find_commit(*oid)).transpose()?;
    for (i, oid) in commits.iter().enumerate() {
        let commit = next.take().expect("parsed ahead");
        debug_assert_eq!(commit.id(), *oid);
        next = commits.get(i + 1).map(|oid| repo.find_commit(*oid)).transpose()?;
        let parent_tree = match (commit.parent_count(), &next) {
            (0, _) => None,
            (_, Some(n)) if n.id() == commit.parent_id(0)? => Some(n.tree_id()),
            _ => Some(repo.find_commit(commit.parent_id(0)?)?.tree_id()),
        };
        out.push(commit_facts(repo, &mut trees, &commit, parent_tree)?);
    }
    Ok(out)
}

fn commit_facts(
    repo: &Repository,
    trees: &mut treediff::TreeReader<'_>,
    commit: &git2::Commit<'_>,
    parent_tree: Option<Oid>,
) -> Result<CommitFacts, git2::Error> {
    let oid = commit.id();
    let parents = commit.parent_count();
    let files = treediff::changed_files(trees, parent_tree, Some(commit.tree_id()))?;
    let merged_author = match parents {
        0 | 1 => None,
        _ => Some(lossy(repo.find_commit(commit.parent_id(1)?)?.author().name_bytes())),
    };
    let message = String::from_utf8_lossy(commit.message_bytes());
    let (subject, body_title) = split_message(&message);
    let author = commit.author();
    Ok(CommitFacts {
        sha: oid.to_string(),
        subject,
        body_title,
        author: lossy(author.name_bytes()),
        author_email: lossy(author.email_bytes()),
        time: author.when().seconds(),
        parents,
        merged_author,
        files,
    })
}

/// Git's subject is the first paragraph folded onto one line; the body title is the first
/// non-empty line after it.
fn split_message(message: &str) -> (String, Option<String>) {
    let mut paragraphs = message.trim_start().splitn(2, "\n\n");
    let subject = paragraphs.next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
    let body_title =
        paragraphs.next().and_then(|b| b.lines().map(str::trim).find(|l| !l.is_empty())).map(str::to_string);
    (subject, body_title)
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_messages_carry_the_title_in_the_body() {
        let (s, t) = split_message("Merge pull request #12 from acme/fix\n\nFix the invoice total\n");
        assert_eq!(s, "Merge pull request #12 from acme/fix");
        assert_eq!(t.as_deref(), Some("Fix the invoice total"));
        let (s, t) = split_message("Add users (#3)");
        assert_eq!((s.as_str(), t), ("Add users (#3)", None));
    }
}
