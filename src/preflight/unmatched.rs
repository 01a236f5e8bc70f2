//! A `[migrations]` glob the config file writes that matches no file at `to` (a typo such as
//! `db/migrations/*.rb`) would leave the migrations it meant unseen, and the verdict a silent go.
//! Each such glob is a warning, so a caution: the migrations there are unchecked, not safe.
use super::migrations::{glob_match, literal_dir};
use super::range::RangeWarning;
use crate::config::MigrationGlobs;
use git2::{ObjectType, Oid, Repository, Tree};

/// Warnings for the written globs that match nothing in the whole tree at `to`. bpdeploy's own
/// defaults are conventional places that an app may leave empty (`db/post_migrate`, `db/data`
/// without data_migrate), so `bpdeploy init`'s file writing them out says nothing.
pub fn warnings(repo: &Repository, to: Oid, globs: &MigrationGlobs) -> Result<Vec<RangeWarning>, git2::Error> {
    let defaults = MigrationGlobs::default();
    let conventional = |g: &str| defaults.schema.iter().chain(&defaults.data).any(|d| d == g);
    let tree = repo.find_commit(to)?.tree()?;
    let mut out = Vec::new();
    for written in globs.written.iter().filter(|w| !conventional(&w.glob)) {
        if matches_a_file(repo, &tree, &written.glob)? {
            continue;
        }
        let usual = if written.key.ends_with("data") { "db/data/*.rb" } else { "db/migrate/*.rb" };
        out.push(RangeWarning {
            code: "migration_glob_unmatched".into(),
            message: format!(
                "{}: {} glob {:?} matches no file at {}: migrations there are unchecked, not safe; \
                 correct the glob (Rails' usual one is {usual:?})",
                written.place,
                written.key,
                written.glob,
                &to.to_string()[..7],
            ),
        });
    }
    Ok(out)
}

/// Some file of `tree` matches `glob`; only the directory before its first wildcard is read.
fn matches_a_file(repo: &Repository, tree: &Tree<'_>, glob: &str) -> Result<bool, git2::Error> {
    let dir = literal_dir(glob);
    if dir.is_empty() {
        return any_file(repo, tree, "", glob);
    }
    let entry = match tree.get_path(std::path::Path::new(&dir)) {
        Ok(e) => e,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    match entry.to_object(repo)?.into_tree() {
        Ok(sub) => any_file(repo, &sub, &format!("{dir}/"), glob),
        Err(_) => Ok(false), // a file where the glob wants a directory
    }
}

/// Depth first, stopping at the first file whose path (`prefix` + name) matches.
fn any_file(repo: &Repository, tree: &Tree<'_>, prefix: &str, glob: &str) -> Result<bool, git2::Error> {
    for entry in tree.iter() {
        let Some(name) = entry.name() else { continue };
        let path = format!("{prefix}{name}");
        let found = match entry.kind() {
            Some(ObjectType::Blob) => glob_match(glob.as_bytes(), path.as_bytes()),
            Some(ObjectType::Tree) => {
                let sub = entry.to_object(repo)?.peel_to_tree()?;
                any_file(repo, &sub, &format!("{path}/"), glob)?
            }
            _ => false,
        };
        if found {
            return Ok(true);
        }
    }
    Ok(false)
}
