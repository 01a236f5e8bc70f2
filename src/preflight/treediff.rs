//! A tree comparison that only descends into subtrees whose ids differ.
//!
//! libgit2's `diff_tree_to_tree` builds a full diff object (options, deltas, pathspec checks)
//! for each call, and even `find_tree` parses every entry of a tree (octal modes, name lengths,
//! an entry array) before we look at one. Over thousands of first-parent commits with
//! directories of hundreds of files that costs several times what git's own
//! `log --name-status` does. We only need "which paths changed, and how", so the raw tree
//! objects are read from the object database and their entries merge-joined in place, names
//! compared as bytes; equal subtree ids are skipped without being read. Nothing is allocated
//! except the paths that did change.
use git2::{Odb, OdbObject, Oid};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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

/// Bytes of a SHA-1 object id inside a raw tree entry.
const ID_LEN: usize = 20;

/// Files that differ between two trees; `None` stands for the empty tree (a root commit).
pub fn changed_files(
    trees: &mut TreeReader<'_>,
    old: Option<Oid>,
    new: Option<Oid>,
) -> Result<Vec<FileChange>, git2::Error> {
    let mut out = Vec::new();
    let mut prefix = Vec::with_capacity(128);
    compare(trees, old, new, &mut prefix, &mut out)?;
    trees.next_generation();
    Ok(out)
}

/// Reads raw tree objects and keeps those of the last comparison: walking first parents, the
/// new side of one comparison is the old side of the next, and libgit2's cache does not keep
/// trees over 4 KiB (any directory of a hundred files), which would then be inflated twice.
pub struct TreeReader<'r> {
    odb: &'r Odb<'r>,
    previous: HashMap<Oid, Rc<OdbObject<'r>>>,
    current: HashMap<Oid, Rc<OdbObject<'r>>>,
}

impl<'r> TreeReader<'r> {
    pub fn new(odb: &'r Odb<'r>) -> TreeReader<'r> {
        TreeReader { odb, previous: HashMap::new(), current: HashMap::new() }
    }

    fn read(&mut self, id: Option<Oid>) -> Result<Option<Rc<OdbObject<'r>>>, git2::Error> {
        let Some(id) = id else { return Ok(None) };
        let object = match self.previous.get(&id).or_else(|| self.current.get(&id)) {
            Some(o) => o.clone(),
            None => Rc::new(self.odb.read(id)?),
        };
        self.current.insert(id, object.clone());
        Ok(Some(object))
    }

    /// Keeps only what this comparison read: memory stays bounded by two commits' trees.
    /// The maps swap rather than reallocate: this runs once per commit.
    fn next_generation(&mut self) {
        std::mem::swap(&mut self.previous, &mut self.current);
        self.current.clear();
    }
}

/// One entry of a raw tree object: `<octal mode> SP <name> NUL <20-byte id>`.
struct Entry<'a> {
    mode: &'a [u8],
    name: &'a [u8],
    id: &'a [u8],
}

impl Entry<'_> {
    fn is_tree(&self) -> bool {
        self.mode == b"40000"
    }
    fn oid(&self) -> Result<Oid, git2::Error> {
        Oid::from_bytes(self.id)
    }
}

struct Entries<'a> {
    rest: &'a [u8],
}

impl<'a> Entries<'a> {
    fn next(&mut self) -> Result<Option<Entry<'a>>, git2::Error> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let malformed = || git2::Error::from_str("malformed tree object");
        let space = self.rest.iter().take(8).position(|&b| b == b' ').ok_or_else(malformed)?;
        let nul = entry_name_end(self.rest).ok_or_else(malformed)?;
        let end = nul + 1 + ID_LEN;
        let id = self.rest.get(nul + 1..end).ok_or_else(malformed)?;
        let entry = Entry { mode: &self.rest[..space], name: &self.rest[space + 1..nul], id };
        self.rest = &self.rest[end..];
        Ok(Some(entry))
    }
}

/// The NUL ending an entry's mode and name (neither contains one). A plain byte loop: names
/// are a few dozen bytes, too short for a memchr call to pay off, and this runs per entry.
fn entry_name_end(raw: &[u8]) -> Option<usize> {
    raw.iter().position(|&b| b == 0)
}

/// The length of the byte prefix two slices share, eight bytes at a time (a slice comparison
/// per chunk would be a `memcmp` call per chunk).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let word = |s: &[u8], i: usize| u64::from_ne_bytes(s[i..i + 8].try_into().expect("eight bytes"));
    let mut same = 0;
    while same + 8 <= n && word(a, same) == word(b, same) {
        same += 8;
    }
    while same < n && a[same] == b[same] {
        same += 1;
    }
    same
}

/// Where the entries of two raw trees stop being byte-identical, at an entry boundary.
/// Identical bytes are identical entries, so they need no name comparison at all.
fn common_entries(a: &[u8], b: &[u8]) -> usize {
    let same = common_prefix(a, b);
    let mut boundary = 0;
    while let Some(nul) = entry_name_end(&a[boundary..]) {
        let end = boundary + nul + 1 + ID_LEN;
        if end > same {
            break;
        }
        boundary = end;
    }
    boundary
}

fn compare(
    trees: &mut TreeReader<'_>,
    old: Option<Oid>,
    new: Option<Oid>,
    prefix: &mut Vec<u8>,
    out: &mut Vec<FileChange>,
) -> Result<(), git2::Error> {
    let (old, new) = (trees.read(old)?, trees.read(new)?);
    let (da, db) =
        (old.as_ref().map(|o| o.data()).unwrap_or_default(), new.as_ref().map(|o| o.data()).unwrap_or_default());
    let start = common_entries(da, db);
    let (mut ea, mut eb) = (Entries { rest: &da[start..] }, Entries { rest: &db[start..] });
    let (mut x, mut y) = (ea.next()?, eb.next()?);
    loop {
        let order = match (&x, &y) {
            (None, None) => return Ok(()),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(x), Some(y)) => git_order(x.name, x.is_tree(), y.name, y.is_tree()),
        };
        match order {
            Ordering::Less => {
                side(trees, &x.take().expect("matched"), FileStatus::Deleted, prefix, out)?;
                x = ea.next()?;
            }
            Ordering::Greater => {
                side(trees, &y.take().expect("matched"), FileStatus::Added, prefix, out)?;
                y = eb.next()?;
            }
            Ordering::Equal => {
                let (p, q) = (x.take().expect("matched"), y.take().expect("matched"));
                if p.id != q.id || p.mode != q.mode {
                    let len = prefix.len();
                    prefix.extend_from_slice(q.name);
                    if q.is_tree() {
                        prefix.push(b'/');
                        compare(trees, Some(p.oid()?), Some(q.oid()?), prefix, out)?;
                    } else {
                        out.push(FileChange { path: path_of(prefix), status: FileStatus::Modified });
                    }
                    prefix.truncate(len);
                }
                // Past a changed entry the rest of a directory is usually identical: skip the
                // identical run as bytes instead of comparing names entry by entry.
                let same = common_entries(ea.rest, eb.rest);
                (ea.rest, eb.rest) = (&ea.rest[same..], &eb.rest[same..]);
                if ea.rest.is_empty() && eb.rest.is_empty() {
                    return Ok(());
                }
                (x, y) = (ea.next()?, eb.next()?);
            }
        }
    }
}

/// An entry present on one side only: a file, or every file under a subtree.
fn side(
    trees: &mut TreeReader<'_>,
    entry: &Entry<'_>,
    status: FileStatus,
    prefix: &mut Vec<u8>,
    out: &mut Vec<FileChange>,
) -> Result<(), git2::Error> {
    let len = prefix.len();
    prefix.extend_from_slice(entry.name);
    if entry.is_tree() {
        prefix.push(b'/');
        let (old, new) = match status {
            FileStatus::Deleted => (Some(entry.oid()?), None),
            _ => (None, Some(entry.oid()?)),
        };
        compare(trees, old, new, prefix, out)?;
    } else {
        out.push(FileChange { path: path_of(prefix), status });
    }
    prefix.truncate(len);
    Ok(())
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
    use git2::Repository;

    /// Writes a tree of `files` (path -> content) and returns its id.
    fn tree(repo: &Repository, files: &[(&str, &str)]) -> Oid {
        let mut index = git2::Index::new().unwrap();
        for (path, content) in files {
            let id = repo.blob(content.as_bytes()).unwrap();
            let entry = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode: 0o100644,
                uid: 0,
                gid: 0,
                file_size: content.len() as u32,
                id,
                flags: 0,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            index.add(&entry).unwrap();
        }
        index.write_tree_to(repo).unwrap()
    }

    fn ours(repo: &Repository, a: Option<Oid>, b: Option<Oid>) -> Vec<(String, FileStatus)> {
        let odb = repo.odb().unwrap();
        let mut reader = TreeReader::new(&odb);
        let mut v: Vec<_> = changed_files(&mut reader, a, b).unwrap().into_iter().map(|c| (c.path, c.status)).collect();
        v.sort();
        v
    }

    fn libgit2(repo: &Repository, a: Option<Oid>, b: Option<Oid>) -> Vec<(String, FileStatus)> {
        let (a, b) = (a.map(|a| repo.find_tree(a).unwrap()), b.map(|b| repo.find_tree(b).unwrap()));
        let diff = repo.diff_tree_to_tree(a.as_ref(), b.as_ref(), None).unwrap();
        let mut v: Vec<_> = diff
            .deltas()
            .map(|d| {
                let status = match d.status() {
                    git2::Delta::Added => FileStatus::Added,
                    git2::Delta::Deleted => FileStatus::Deleted,
                    _ => FileStatus::Modified,
                };
                let file = if status == FileStatus::Deleted { d.old_file() } else { d.new_file() };
                (file.path().unwrap().to_string_lossy().into_owned(), status)
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn agrees_with_libgit2_on_nested_changes_and_file_directory_swaps() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let many: Vec<String> = (0..300).map(|i| format!("app/models/m{i:03}.rb")).collect();
        let mut old: Vec<(&str, &str)> = many.iter().map(|p| (p.as_str(), "x")).collect();
        old.extend([("foo", "file"), ("foo.c", "c"), ("lib/a/b.rb", "b"), ("gone/x.rb", "x"), ("README", "r")]);
        let mut new: Vec<(&str, &str)> = many.iter().map(|p| (p.as_str(), "x")).collect();
        new[150].1 = "changed";
        new.extend([
            ("foo/inner.rb", "dir now"),
            ("foo.c", "c"),
            ("lib/a/b.rb", "b2"),
            ("lib/new.rb", "n"),
            ("README", "r"),
        ]);
        let (a, b) = (tree(&repo, &old), tree(&repo, &new));
        let expected = libgit2(&repo, Some(a), Some(b));
        assert_eq!(expected.len(), 6, "{expected:?}");
        assert_eq!(ours(&repo, Some(a), Some(b)), expected);
        assert_eq!(ours(&repo, Some(b), Some(a)), libgit2(&repo, Some(b), Some(a)));
        assert_eq!(ours(&repo, None, Some(b)), libgit2(&repo, None, Some(b)));
        assert!(ours(&repo, Some(a), Some(a)).is_empty());
    }

    #[test]
    fn subtrees_sort_as_if_named_with_a_slash() {
        assert_eq!(git_order(b"foo.c", false, b"foo", true), Ordering::Less);
        assert_eq!(git_order(b"foo", false, b"foo.c", false), Ordering::Less);
        assert_eq!(git_order(b"foo", true, b"foo", true), Ordering::Equal);
        assert_ne!(git_order(b"foo", false, b"foo", true), Ordering::Equal);
    }
}
