//! A tree comparison that only descends into subtrees whose ids differ.
//!
//! libgit2's `diff_tree_to_tree` builds a full diff object (options, deltas, pathspec checks)
//! for each call; over thousands of first-parent commits that costs several times what git's
//! own `log --name-status` does. We only need "which paths changed, and how", so two sorted
//! entry lists are merge-joined on their names as bytes, and equal subtree ids are skipped
//! without being read. Nothing is allocated except the paths that did change.
use git2::{ObjectType, Oid, Repository, Tree};
use serde::Serialize;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Added,
    Modified,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: String,
    pub status: FileStatus,
}

/// Files that differ between two trees; `None` stands for the empty tree (a root commit).
pub fn changed_files(repo: &Repository, old: Option<Oid>, new: Option<Oid>) -> Result<Vec<FileChange>, git2::Error> {
    let mut out = Vec::new();
    let mut prefix = Vec::with_capacity(128);
    let old = old.map(|id| repo.find_tree(id)).transpose()?;
    let new = new.map(|id| repo.find_tree(id)).transpose()?;
    compare(repo, old.as_ref(), new.as_ref(), &mut prefix, &mut out)?;
    Ok(out)
}

fn compare(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: Option<&Tree<'_>>,
    prefix: &mut Vec<u8>,
    out: &mut Vec<FileChange>,
) -> Result<(), git2::Error> {
    let mut a = old.map(|t| t.iter()).into_iter().flatten().peekable();
    let mut b = new.map(|t| t.iter()).into_iter().flatten().peekable();
    loop {
        let order = match (a.peek(), b.peek()) {
            (None, None) => return Ok(()),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(x), Some(y)) => git_order(x.name_bytes(), is_tree(x), y.name_bytes(), is_tree(y)),
        };
        match order {
            Ordering::Less => {
                let e = a.next().expect("peeked");
                side(repo, &e, FileStatus::Deleted, prefix, out)?;
            }
            Ordering::Greater => {
                let e = b.next().expect("peeked");
                side(repo, &e, FileStatus::Added, prefix, out)?;
            }
            Ordering::Equal => {
                let (x, y) = (a.next().expect("peeked"), b.next().expect("peeked"));
                if x.id() == y.id() && x.filemode() == y.filemode() {
                    continue;
                }
                let len = prefix.len();
                prefix.extend_from_slice(y.name_bytes());
                if is_tree(&y) {
                    prefix.push(b'/');
                    let (tx, ty) = (repo.find_tree(x.id())?, repo.find_tree(y.id())?);
                    compare(repo, Some(&tx), Some(&ty), prefix, out)?;
                } else {
                    out.push(FileChange { path: path_of(prefix), status: FileStatus::Modified });
                }
                prefix.truncate(len);
            }
        }
    }
}

/// An entry present on one side only: a file, or every file under a subtree.
fn side(
    repo: &Repository,
    entry: &git2::TreeEntry<'_>,
    status: FileStatus,
    prefix: &mut Vec<u8>,
    out: &mut Vec<FileChange>,
) -> Result<(), git2::Error> {
    let len = prefix.len();
    prefix.extend_from_slice(entry.name_bytes());
    if is_tree(entry) {
        prefix.push(b'/');
        let tree = repo.find_tree(entry.id())?;
        let (old, new) = match status {
            FileStatus::Deleted => (Some(&tree), None),
            _ => (None, Some(&tree)),
        };
        compare(repo, old, new, prefix, out)?;
    } else {
        out.push(FileChange { path: path_of(prefix), status });
    }
    prefix.truncate(len);
    Ok(())
}

fn is_tree(e: &git2::TreeEntry<'_>) -> bool {
    e.kind() == Some(ObjectType::Tree)
}

fn path_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Git's canonical entry order: names compare as bytes, a subtree as if its name ended in '/'.
/// The merge-join is only correct with exactly the order the trees are stored in.
fn git_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> Ordering {
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        Ordering::Equal => {}
        other => return other,
    }
    let tail = |name: &[u8], tree: bool| name.get(n).copied().unwrap_or(if tree { b'/' } else { 0 });
    match tail(a, a_tree).cmp(&tail(b, b_tree)) {
        Ordering::Equal => a.len().cmp(&b.len()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtrees_sort_as_if_named_with_a_slash() {
        assert_eq!(git_order(b"foo.c", false, b"foo", true), Ordering::Less);
        assert_eq!(git_order(b"foo", false, b"foo.c", false), Ordering::Less);
        assert_eq!(git_order(b"foo", true, b"foo", true), Ordering::Equal);
        assert_ne!(git_order(b"foo", false, b"foo", true), Ordering::Equal);
    }
}
