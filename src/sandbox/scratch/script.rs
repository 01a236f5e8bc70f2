//! A small vocabulary for writing a repository's history the way a team makes it: direct
//! pushes, pull requests merged with a merge commit or squashed, and deploys to Heroku.
use super::tree::{commit, CommitSpec, Files, Person, GITHUB};
use git2::{Oid, Repository};

/// A file edit: new content, or `None` to delete.
pub type Edits = Vec<(&'static str, Option<String>)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeStyle {
    Merge,
    Squash,
}

/// A pull request as GitHub would remember it.
#[derive(Debug, Clone)]
pub struct PullRequestFact {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub author: Person,
    /// The head branch, without the owner.
    pub branch: String,
    pub head_sha: Oid,
    /// The base branch's tip when the PR was opened.
    pub base_sha: Oid,
    pub merge_sha: Option<Oid>,
    pub style: MergeStyle,
    pub labels: Vec<String>,
    pub created_at: i64,
    pub merged_at: Option<i64>,
}

/// A Heroku release in the app's past: a code deploy (`Deploy <sha>`) or a config/add-on change.
#[derive(Debug, Clone)]
pub struct ReleaseFact {
    pub description: String,
    pub sha: Oid,
    pub by: Person,
    pub addon: Option<&'static str>,
    /// Releases are placed before the sandbox's start so that "last deploy N hours ago" reads true.
    pub hours_ago: i64,
}

pub struct Script<'r> {
    repo: &'r Repository,
    pub files: Files,
    pub master: Option<Oid>,
    pub at: i64,
    pub prs: Vec<PullRequestFact>,
    pub releases: Vec<ReleaseFact>,
    /// Branches left on the remote (PR heads), as GitHub keeps them.
    pub branches: Vec<(String, Oid)>,
}

impl<'r> Script<'r> {
    pub fn new(repo: &'r Repository, start: i64) -> Script<'r> {
        Script {
            repo,
            files: Files::new(),
            master: None,
            at: start,
            prs: Vec::new(),
            releases: Vec::new(),
            branches: Vec::new(),
        }
    }

    fn tick(&mut self, minutes: i64) -> i64 {
        self.at += minutes * 60;
        self.at
    }

    fn parents(&self) -> Vec<Oid> {
        self.master.into_iter().collect()
    }

    fn apply(files: &Files, edits: Edits) -> Files {
        let mut out = files.clone();
        for (path, content) in edits {
            match content {
                Some(c) => out.insert(path.to_string(), c),
                None => out.remove(path),
            };
        }
        out
    }

    /// A commit pushed straight to master.
    pub fn direct(&mut self, who: Person, message: &str, edits: Edits) -> Result<Oid, git2::Error> {
        let files = Self::apply(&self.files, edits);
        let at = self.tick(47);
        let parents = self.parents();
        let id = commit(
            self.repo,
            CommitSpec { files: &files, parents: &parents, author: who, committer: who, at, message },
        )?;
        self.files = files;
        self.master = Some(id);
        Ok(id)
    }

    /// A pull request from `branch`, merged by `merger` with the given style.
    pub fn pull_request(
        &mut self,
        who: Person,
        branch: &str,
        title: &str,
        labels: &[&str],
        style: MergeStyle,
        edits: Edits,
    ) -> Result<Oid, git2::Error> {
        let number = self.prs.len() as u64 + 1;
        let base = self.master.ok_or_else(|| git2::Error::from_str("a PR needs a base commit"))?;
        let created_at = self.tick(61);
        let files = Self::apply(&self.files, edits);
        let head = commit(
            self.repo,
            CommitSpec { files: &files, parents: &[base], author: who, committer: who, at: created_at, message: title },
        )?;
        let merged_at = self.tick(95);
        let merge = match style {
            MergeStyle::Merge => {
                let message = format!("Merge pull request #{number} from acme/{branch}\n\n{title}");
                commit(
                    self.repo,
                    CommitSpec {
                        files: &files,
                        parents: &[base, head],
                        author: who,
                        committer: GITHUB,
                        at: merged_at,
                        message: &message,
                    },
                )?
            }
            MergeStyle::Squash => {
                let message = format!("{title} (#{number})\n\n* {title}");
                commit(
                    self.repo,
                    CommitSpec {
                        files: &files,
                        parents: &[base],
                        author: who,
                        committer: GITHUB,
                        at: merged_at,
                        message: &message,
                    },
                )?
            }
        };
        self.prs.push(PullRequestFact {
            number,
            title: title.to_string(),
            body: format!("{title}.\n\nReviewed and tested on staging."),
            author: who,
            branch: branch.to_string(),
            head_sha: head,
            base_sha: base,
            merge_sha: Some(merge),
            style,
            labels: labels.iter().map(|l| l.to_string()).collect(),
            created_at,
            merged_at: Some(merged_at),
        });
        self.branches.push((branch.to_string(), head));
        self.files = files;
        self.master = Some(merge);
        Ok(merge)
    }

    /// Production deploys master's tip.
    pub fn deploy(&mut self, by: Person, hours_ago: i64) {
        if let Some(sha) = self.master {
            let short = &sha.to_string()[..8];
            self.releases.push(ReleaseFact { description: format!("Deploy {short}"), sha, by, addon: None, hours_ago });
        }
    }

    /// A release that changes config or add-ons: same slug as the previous release.
    pub fn config_release(&mut self, by: Person, description: &str, addon: Option<&'static str>, hours_ago: i64) {
        if let Some(prev) = self.releases.last().map(|r| r.sha) {
            self.releases.push(ReleaseFact { description: description.to_string(), sha: prev, by, addon, hours_ago });
        }
    }
}
