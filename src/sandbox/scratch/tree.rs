//! Commits from in-memory file maps with git2: fixed signatures and times, so the scratch
//! repository has the same shas on every machine and every run.
use git2::{FileMode, Oid, Repository, Signature, Time};
use std::collections::BTreeMap;

/// The whole tree of a commit: path (with `/`) -> content.
pub type Files = BTreeMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    pub name: &'static str,
    pub email: &'static str,
    pub login: &'static str,
}

/// The committer of merges and squashes made on GitHub's web UI.
pub const GITHUB: Person = Person { name: "GitHub", email: "noreply@github.com", login: "web-flow" };

pub fn signature(p: &Person, at: i64) -> Result<Signature<'static>, git2::Error> {
    Signature::new(p.name, p.email, &Time::new(at, 0))
}

enum Node<'a> {
    Blob(&'a str),
    Dir(BTreeMap<&'a str, Node<'a>>),
}

/// Writes the tree of `files` and returns its id.
pub fn write_tree(repo: &Repository, files: &Files) -> Result<Oid, git2::Error> {
    let mut root: BTreeMap<&str, Node> = BTreeMap::new();
    for (path, content) in files {
        let mut parts: Vec<&str> = path.split('/').collect();
        let leaf = parts.pop().unwrap_or_default();
        let mut dir = &mut root;
        for part in parts {
            let node = dir.entry(part).or_insert_with(|| Node::Dir(BTreeMap::new()));
            dir = match node {
                Node::Dir(d) => d,
                Node::Blob(_) => return Err(git2::Error::from_str(&format!("{path}: a file is in the way"))),
            };
        }
        dir.insert(leaf, Node::Blob(content));
    }
    write_dir(repo, &root)
}

fn write_dir(repo: &Repository, dir: &BTreeMap<&str, Node>) -> Result<Oid, git2::Error> {
    let mut builder = repo.treebuilder(None)?;
    for (name, node) in dir {
        match node {
            Node::Blob(content) => {
                let id = repo.blob(content.as_bytes())?;
                builder.insert(name, id, FileMode::Blob.into())?;
            }
            Node::Dir(sub) => {
                let id = write_dir(repo, sub)?;
                builder.insert(name, id, FileMode::Tree.into())?;
            }
        }
    }
    builder.write()
}

/// One commit object (no ref moves): author and committer may differ, as on GitHub squashes.
pub struct CommitSpec<'a> {
    pub files: &'a Files,
    pub parents: &'a [Oid],
    pub author: Person,
    pub committer: Person,
    pub at: i64,
    pub message: &'a str,
}

pub fn commit(repo: &Repository, spec: CommitSpec) -> Result<Oid, git2::Error> {
    let tree = repo.find_tree(write_tree(repo, spec.files)?)?;
    let parents: Vec<git2::Commit> = spec.parents.iter().map(|p| repo.find_commit(*p)).collect::<Result<_, _>>()?;
    let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
    let author = signature(&spec.author, spec.at)?;
    let committer = signature(&spec.committer, spec.at)?;
    repo.commit(None, &author, &committer, spec.message, &tree, &parent_refs)
}

/// The text of a file at a commit, if it exists and is UTF-8.
pub fn read_file(repo: &Repository, commit: Oid, path: &str) -> Option<String> {
    let tree = repo.find_commit(commit).ok()?.tree().ok()?;
    let entry = tree.get_path(std::path::Path::new(path)).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    std::str::from_utf8(blob.content()).ok().map(str::to_string)
}

/// Every file of a commit's tree under `prefix` (e.g. `db/migrate/`), sorted by path.
pub fn list_files(repo: &Repository, commit: Oid, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(tree) = repo.find_commit(commit).and_then(|c| c.tree()) else { return out };
    let _ = tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            let path = format!("{dir}{}", entry.name().unwrap_or_default());
            if path.starts_with(prefix) {
                out.push(path);
            }
        }
        git2::TreeWalkResult::Ok
    });
    out.sort();
    out
}
