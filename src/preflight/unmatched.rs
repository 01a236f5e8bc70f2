//! A `[migrations]` glob the config file writes that matches no file at `to` (a typo such as
//! `db/migrations/*.rb`) would leave the migrations it meant unseen, and the verdict a silent go.
//! Each such glob is a warning, so a caution: the migrations there are unchecked, not safe.
use super::migrations::find_file;
use super::range::RangeWarning;
use crate::config::MigrationGlobs;
use git2::{Oid, Repository};

/// Warnings for the written globs that match nothing in the whole tree at `to`. bpdeploy's own
/// defaults are conventional places that an app may leave empty (`db/post_migrate`, `db/data`
/// without data_migrate), so `bpdeploy init`'s file writing them out says nothing.
pub fn warnings(repo: &Repository, to: Oid, globs: &MigrationGlobs) -> Result<Vec<RangeWarning>, git2::Error> {
    let defaults = MigrationGlobs::default();
    let conventional = |g: &str| defaults.schema.iter().chain(&defaults.data).any(|d| d == g);
    let tree = repo.find_commit(to)?.tree()?;
    let mut out = Vec::new();
    for written in globs.written.iter().filter(|w| !conventional(&w.glob)) {
        if find_file(repo, &tree, &written.glob, &|_| true)?.is_some() {
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
