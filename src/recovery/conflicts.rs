//! A conflict of the predicted revert, as people need it: the file, the lines of the tip that
//! clash, and the later pull requests that wrote those lines (blame at the tip, first-parent, so
//! each line is credited to the merge or squash commit that brought it to the branch).
use crate::preflight::pulls::number_in_message;
use git2::{BlameOptions, Commit, IndexConflict, MergeFileOptions, Oid, Repository};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub path: String,
    /// First and last line (1-based) of the tip's side; null when the file itself conflicts
    /// (deleted on one side, changed on the other).
    pub lines: Option<[usize; 2]>,
    /// The later PRs that wrote those lines.
    pub pull_requests: Vec<u64>,
    /// Later commits on those lines that name no PR (direct pushes), short shas.
    pub commits: Vec<String>,
}

/// The reverted PR: its number and its commits on the branch.
pub(super) struct Reverted<'a> {
    pub number: u64,
    pub commits: &'a [Oid],
}

pub(super) fn describe(
    repo: &Repository,
    tip: &Commit,
    req: &Reverted,
    entry: &IndexConflict,
    path: &str,
) -> Result<Conflict, git2::Error> {
    let mut conflict = Conflict { path: path.to_string(), lines: None, pull_requests: vec![], commits: vec![] };
    let Some(tip_text) = tip_file(repo, tip, path) else { return Ok(conflict) };
    let tip_lines: Vec<&str> = tip_text.lines().collect();
    let clash = match (&entry.ancestor, &entry.our, &entry.their) {
        (Some(ancestor), Some(ours), Some(theirs)) => {
            let mut opts = MergeFileOptions::new();
            opts.our_label("tip").their_label("revert");
            let merged = repo.merge_file_from_index(ancestor, ours, theirs, Some(&mut opts))?;
            clashing_lines(&String::from_utf8_lossy(merged.content()), &tip_lines)
        }
        // The revert deletes a file a later change edited: the whole file is in the way, and
        // the lines later commits wrote say who.
        _ => (!tip_lines.is_empty()).then_some([1, tip_lines.len()]),
    };
    let Some([first, last]) = clash else { return Ok(conflict) };
    let newest_reverted = req.commits.last().copied().unwrap_or(tip.id());
    let mut blame_opts = BlameOptions::new();
    blame_opts.newest_commit(tip.id()).oldest_commit(newest_reverted).first_parent(true).min_line(first).max_line(last);
    let blame = repo.blame_file(Path::new(path), Some(&mut blame_opts))?;
    let mut prs = BTreeSet::new();
    let mut commits = BTreeSet::new();
    let mut later_lines: Option<[usize; 2]> = None;
    for hunk in blame.iter() {
        let id = hunk.final_commit_id();
        // Lines as old as the reverted PR (or older) are not a later change's doing.
        if req.commits.contains(&id) || !repo.graph_descendant_of(id, newest_reverted).unwrap_or(false) {
            continue;
        }
        let (start, end) = (hunk.final_start_line(), hunk.final_start_line() + hunk.lines_in_hunk().max(1) - 1);
        later_lines = Some(later_lines.map_or([start, end], |[a, b]| [a.min(start), b.max(end)]));
        let commit = repo.find_commit(id)?;
        match number_in_message(commit.summary().unwrap_or("")) {
            Some(n) if n != req.number => {
                prs.insert(n);
            }
            Some(_) => {}
            None => {
                commits.insert(id.to_string()[..7].to_string());
            }
        }
    }
    conflict.lines = match entry.their.is_some() && entry.ancestor.is_some() {
        true => Some([first, last]),
        false => later_lines,
    };
    conflict.pull_requests = prs.into_iter().collect();
    conflict.commits = commits.into_iter().collect();
    Ok(conflict)
}

/// The first and last line of the tip's sides of the conflict blocks, found in the tip's file.
fn clashing_lines(merged: &str, tip_lines: &[&str]) -> Option<[usize; 2]> {
    let mut span: Option<[usize; 2]> = None;
    let mut from = 0;
    for block in tip_sides(merged) {
        if let Some(at) = find(tip_lines, &block, from) {
            let (start, end) = (at + 1, at + block.len());
            span = Some(span.map_or([start, end], |[a, b]| [a.min(start), b.max(end)]));
            from = at + block.len();
        }
    }
    span
}

fn tip_file(repo: &Repository, tip: &Commit, path: &str) -> Option<String> {
    let entry = tip.tree().ok()?.get_path(Path::new(path)).ok()?;
    Some(String::from_utf8_lossy(repo.find_blob(entry.id()).ok()?.content()).into_owned())
}

/// The tip's side of every conflict block in a merged file with conflict markers.
fn tip_sides(merged: &str) -> Vec<Vec<&str>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in merged.lines() {
        if line.starts_with("<<<<<<<") {
            current = Some(Vec::new());
        } else if line.starts_with("=======") || line.starts_with("|||||||") {
            if let Some(block) = current.take() {
                blocks.push(block);
            }
        } else if let Some(block) = current.as_mut() {
            block.push(line);
        }
    }
    blocks.into_iter().filter(|b| !b.is_empty()).collect()
}

/// Where `block` starts in `lines`, at or after `from`.
fn find(lines: &[&str], block: &[&str], from: usize) -> Option<usize> {
    (from..=lines.len().saturating_sub(block.len())).find(|&i| lines.get(i..i + block.len()) == Some(block))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tip_side_of_each_block_is_found_in_order() {
        let merged = "a\n<<<<<<< tip\nb2\nc2\n=======\nb\n>>>>>>> revert\nd\n<<<<<<< tip\n=======\ne\n>>>>>>> revert\n";
        let blocks = tip_sides(merged);
        assert_eq!(blocks, vec![vec!["b2", "c2"]], "an empty side is no line range");
        let tip = ["a", "b2", "c2", "d", "b2", "c2"];
        assert_eq!(find(&tip, &blocks[0], 0), Some(1));
        assert_eq!(find(&tip, &blocks[0], 2), Some(4));
        assert_eq!(find(&tip, &["zz"], 0), None);
    }
}
