//! Pull requests and direct pushes of the range, read from first-parent commit messages:
//! GitHub's merge commits say `Merge pull request #N from owner/branch` (title in the body) and
//! its squash merges end the subject with `(#N)`. Online, GitHub's `commits/{sha}/pulls` maps
//! the remaining commits (rebase merges, edited messages) before they count as direct pushes.
use super::history::CommitFacts;
use super::treediff::FileStatus;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PullRequest {
    pub number: u64,
    /// From the commit message offline; GitHub's title online.
    pub title: Option<String>,
    /// GitHub login; unknown (null) offline.
    pub author: Option<String>,
    /// The git author name of the change (the merged branch's tip for a merge commit).
    pub git_author: String,
    pub url: Option<String>,
    /// The first-parent commit that brought the PR in (the newest one for rebase merges).
    pub merge_commit: String,
    pub merged_at: Option<String>,
    pub labels: Vec<String>,
    pub files: Vec<String>,
    pub migrations: Vec<String>,
    pub areas: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DirectCommit {
    pub sha: String,
    pub subject: String,
    pub author: String,
    pub files: Vec<String>,
}

/// The PR a commit message names, if any.
pub fn number_in_message(subject: &str) -> Option<u64> {
    if let Some(rest) = subject.strip_prefix("Merge pull request #") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return digits.parse().ok().filter(|_| rest[digits.len()..].starts_with(" from "));
    }
    let inner = subject.trim_end().strip_suffix(')')?;
    let start = inner.rfind("(#")?;
    inner[start + 2..].parse().ok()
}

/// The subject with a squash merge's `(#N)` suffix removed.
fn squash_title(subject: &str) -> String {
    match subject.trim_end().rfind(" (#") {
        Some(i) => subject[..i].trim_end().to_string(),
        None => subject.to_string(),
    }
}

/// Groups first-parent commits into PRs and direct pushes. `associated` maps commit shas to the
/// PR GitHub associates them with (empty offline); `is_migration` tells migration files apart.
pub fn group(
    commits: &[CommitFacts],
    associated: &BTreeMap<String, u64>,
    is_migration: &dyn Fn(&str) -> bool,
) -> (Vec<PullRequest>, Vec<DirectCommit>) {
    let mut prs: BTreeMap<u64, PullRequest> = BTreeMap::new();
    let mut files: BTreeMap<u64, BTreeSet<&str>> = BTreeMap::new();
    // Files a PR leaves in the tree (not only deletes): the migrations it brings.
    let mut kept: BTreeMap<u64, BTreeSet<&str>> = BTreeMap::new();
    let mut newest: BTreeMap<u64, usize> = BTreeMap::new();
    let mut direct = Vec::new();
    // Oldest first, so that the last commit seen for a PR is its newest: its merge commit.
    for (index, c) in commits.iter().enumerate().rev() {
        let from_message = number_in_message(&c.subject);
        let Some(number) = from_message.or_else(|| associated.get(&c.sha).copied()) else {
            direct.push(DirectCommit {
                sha: c.sha.clone(),
                subject: c.subject.clone(),
                author: c.author.clone(),
                files: c.files.iter().map(|f| f.path.clone()).collect(),
            });
            continue;
        };
        let title = match (from_message, c.parents > 1) {
            (Some(_), true) => c.body_title.clone(),
            (Some(_), false) => Some(squash_title(&c.subject)),
            (None, _) => None,
        };
        let git_author = c.merged_author.clone().unwrap_or_else(|| c.author.clone());
        let pr = prs.entry(number).or_insert_with(|| PullRequest {
            number,
            title: None,
            author: None,
            git_author: git_author.clone(),
            url: None,
            merge_commit: c.sha.clone(),
            merged_at: None,
            labels: Vec::new(),
            files: Vec::new(),
            migrations: Vec::new(),
            areas: Vec::new(),
        });
        pr.merge_commit = c.sha.clone();
        newest.insert(number, index);
        pr.title = title.or(pr.title.take());
        files.entry(number).or_default().extend(c.files.iter().map(|f| f.path.as_str()));
        let present = c.files.iter().filter(|f| f.status != FileStatus::Deleted).map(|f| f.path.as_str());
        kept.entry(number).or_default().extend(present);
    }
    for (number, set) in files {
        let pr = prs.get_mut(&number).expect("grouped above");
        pr.files = set.into_iter().map(str::to_string).collect();
        let kept = kept.remove(&number).unwrap_or_default();
        pr.migrations = kept.into_iter().filter(|f| is_migration(f)).map(str::to_string).collect();
        pr.areas = super::areas::areas_of(&pr.files);
    }
    // Newest first, like `git log`.
    direct.reverse();
    let mut prs: Vec<PullRequest> = prs.into_values().collect();
    prs.sort_by_key(|p| newest[&p.number]);
    (prs, direct)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pr_numbers_from_merge_and_squash_subjects() {
        assert_eq!(number_in_message("Merge pull request #42 from acme/fix-login"), Some(42));
        assert_eq!(number_in_message("Add invoices table (#7)"), Some(7));
        assert_eq!(number_in_message("Revert \"Add invoices (#7)\" (#9)"), Some(9));
        assert_eq!(number_in_message("Merge branch 'main' into fix"), None);
        assert_eq!(number_in_message("Fix typo (see #7 later)"), None);
        assert_eq!(number_in_message("Merge pull request #x from a/b"), None);
        assert_eq!(squash_title("Add invoices table (#7)"), "Add invoices table");
    }
}
