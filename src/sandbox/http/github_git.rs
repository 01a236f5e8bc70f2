//! The git work GitHub does on its copy of the repository: merging a pull request (moving the
//! base branch) and preparing a revert branch. Both refuse on real conflicts.
use crate::sandbox::scratch::tree::{signature, Person, GITHUB};
use crate::sandbox::scratch::{history::PEOPLE, BRANCH};
use crate::sandbox::world::github::PullRequest;
use git2::{Oid, Repository};

#[derive(Debug)]
pub enum Refusal {
    Conflict,
    Git(git2::Error),
}

impl From<git2::Error> for Refusal {
    fn from(e: git2::Error) -> Refusal {
        Refusal::Git(e)
    }
}

const YOU: Person = Person { name: "You", email: "you@acme.test", login: "you" };

fn person(login: &str) -> Person {
    PEOPLE.iter().copied().find(|p| p.login == login).unwrap_or(YOU)
}

fn branch_tip(repo: &Repository, branch: &str) -> Result<Oid, git2::Error> {
    repo.find_reference(&format!("refs/heads/{branch}"))?.peel_to_commit().map(|c| c.id())
}

/// Merges `pr` into its base with GitHub's message conventions; returns the new base tip.
pub fn merge(repo: &Repository, pr: &PullRequest, method: &str, title: Option<&str>, now: i64) -> Result<Oid, Refusal> {
    let base_tip = repo.find_commit(branch_tip(repo, &pr.base_ref)?)?;
    let head = repo.find_commit(Oid::from_str(&pr.head_sha)?)?;
    let tree_id = if repo.graph_descendant_of(head.id(), base_tip.id())? || head.id() == base_tip.id() {
        head.tree_id()
    } else {
        let mut index = repo.merge_commits(&base_tip, &head, None)?;
        if index.has_conflicts() {
            return Err(Refusal::Conflict);
        }
        index.write_tree_to(repo)?
    };
    let tree = repo.find_tree(tree_id)?;
    let author = signature(&person(&pr.author), now)?;
    let committer = signature(&GITHUB, now)?;
    let id = if method == "merge" {
        let message =
            format!("Merge pull request #{} from acme/{}\n\n{}", pr.number, pr.head_ref, title.unwrap_or(&pr.title));
        repo.commit(None, &author, &committer, &message, &tree, &[&base_tip, &head])?
    } else {
        let message = format!("{} (#{})", title.unwrap_or(&pr.title), pr.number);
        repo.commit(None, &author, &committer, &message, &tree, &[&base_tip])?
    };
    repo.reference(&format!("refs/heads/{}", pr.base_ref), id, true, "merge pull request")?;
    Ok(id)
}

/// A branch off the base tip that undoes `pr`'s merge commit, as GitHub's Revert button makes.
pub fn revert_branch(repo: &Repository, pr: &PullRequest, now: i64) -> Result<(String, Oid), Refusal> {
    let merged = repo.find_commit(Oid::from_str(pr.merge_sha.as_deref().unwrap_or_default())?)?;
    let tip = repo.find_commit(branch_tip(repo, BRANCH)?)?;
    let mainline = if merged.parent_count() > 1 { 1 } else { 0 };
    let mut index = repo.revert_commit(&merged, &tip, mainline, None)?;
    if index.has_conflicts() {
        return Err(Refusal::Conflict);
    }
    let tree = repo.find_tree(index.write_tree_to(repo)?)?;
    let you = signature(&YOU, now)?;
    let message = format!("Revert \"{}\"\n\nThis reverts commit {}.", pr.title, merged.id());
    let id = repo.commit(None, &you, &you, &message, &tree, &[&tip])?;
    let branch = format!("revert-{}-{}", pr.number, pr.head_ref.replace('/', "-"));
    repo.reference(&format!("refs/heads/{branch}"), id, true, "revert pull request")?;
    Ok((branch, id))
}
