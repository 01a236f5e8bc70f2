//! Migrations the range changes: which files under the configured schema and data globs were
//! added, modified, deleted or renamed between production and the new tip, and what each is.
use super::lint::{self, Risk};
use super::migration_names::literal_dir;
pub use super::migration_names::{class_name_from_path, glob_match, version_of};
use crate::config::MigrationGlobs;
use git2::{Delta, DiffOptions, ObjectType, Oid, Repository, Tree};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Schema,
    Data,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Modified,
    Deleted,
    Renamed,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Migration {
    /// Relative to the repository root; for a deletion, the path production has.
    pub path: String,
    /// The old path of a renamed migration.
    pub previous_path: Option<String>,
    pub kind: Kind,
    pub change: Change,
    /// The timestamp prefix of the file name (what `schema_migrations` records).
    pub version: Option<String>,
    pub class_name: Option<String>,
    pub pull_request: Option<u64>,
    /// The first-parent commit that brought this change.
    pub commit: Option<String>,
    /// 1-based position in which the release command runs it; null when it will not run there.
    pub run_order: Option<usize>,
    pub reversible: Option<bool>,
    pub risks: Vec<Risk>,
    pub notes: Vec<String>,
}

impl Migration {
    /// Rails runs a migration whose version is not yet in `schema_migrations`: an added file,
    /// or a renamed one whose version changed. An edited or renamed-in-place one never re-runs.
    pub fn is_new(&self) -> bool {
        match self.change {
            Change::Added => true,
            Change::Renamed => self.previous_path.as_deref().and_then(version_of).as_deref() != self.version.as_deref(),
            Change::Modified | Change::Deleted => false,
        }
    }
}

/// The kind of migration a path is, by the configured globs.
pub fn kind_of(globs: &MigrationGlobs, path: &str) -> Option<Kind> {
    if globs.schema.iter().any(|g| glob_match(g.as_bytes(), path.as_bytes())) {
        Some(Kind::Schema)
    } else if globs.data.iter().any(|g| glob_match(g.as_bytes(), path.as_bytes())) {
        Some(Kind::Data)
    } else {
        None
    }
}

/// One migration file that differs between `from` and `to`, before it is read and linted.
#[derive(Debug, Clone, PartialEq)]
pub struct RangeChange {
    pub path: String,
    pub previous_path: Option<String>,
    pub kind: Kind,
    pub change: Change,
    /// The file's blob at `to` (none for a deletion): read without looking the path up again.
    pub blob: Option<Oid>,
}

/// The migration files that differ between two commits, limited to the migration directories
/// so that it stays cheap on any range. Renames are paired here rather than by content
/// similarity: migrations share so much boilerplate that two unrelated short ones look alike.
/// A deleted and an added migration are one renamed migration when their contents are equal or
/// their names match apart from the version (`…_add_name_to_users.rb`).
pub fn range_changes(
    repo: &Repository,
    from: Oid,
    to: Oid,
    globs: &MigrationGlobs,
) -> Result<Vec<RangeChange>, git2::Error> {
    let mut opts = DiffOptions::new();
    let dirs: Vec<String> = globs.schema.iter().chain(&globs.data).map(|g| literal_dir(g)).collect();
    // A glob rooted at the top (`*.rb`) leaves nothing to narrow the diff by.
    if dirs.iter().all(|d| !d.is_empty()) {
        for dir in dirs {
            opts.pathspec(dir);
        }
    }
    let old = repo.find_commit(from)?.tree()?;
    let new = repo.find_commit(to)?.tree()?;
    let diff = repo.diff_tree_to_tree(Some(&old), Some(&new), Some(&mut opts))?;
    let mut out = Vec::new();
    let mut deleted: Vec<(String, Kind, Oid)> = Vec::new();
    let mut added: Vec<(String, Kind, Oid)> = Vec::new();
    for delta in diff.deltas() {
        let path_of = |f: &git2::DiffFile<'_>| f.path().map(|p| p.to_string_lossy().replace('\\', "/"));
        let (old_file, new_file) = (delta.old_file(), delta.new_file());
        let (file, change) = match delta.status() {
            Delta::Added => (new_file, Change::Added),
            Delta::Deleted => (old_file, Change::Deleted),
            Delta::Modified | Delta::Typechange => (new_file, Change::Modified),
            _ => continue,
        };
        let Some(path) = path_of(&file) else { continue };
        let Some(kind) = kind_of(globs, &path) else { continue };
        match change {
            Change::Added => added.push((path, kind, file.id())),
            Change::Deleted => deleted.push((path, kind, file.id())),
            _ => out.push(RangeChange { path, previous_path: None, kind, change, blob: Some(file.id()) }),
        }
    }
    for (path, kind, id) in added {
        let twin = deleted.iter().position(|(old, _, old_id)| *old_id == id || same_name(old, &path));
        let (previous_path, change) = match twin {
            Some(i) => (Some(deleted.remove(i).0), Change::Renamed),
            None => (None, Change::Added),
        };
        out.push(RangeChange { path, previous_path, kind, change, blob: Some(id) });
    }
    out.extend(deleted.into_iter().map(|(path, kind, _)| RangeChange {
        path,
        previous_path: None,
        kind,
        change: Change::Deleted,
        blob: None,
    }));
    out.sort_by(|a, b| version_of(&a.path).cmp(&version_of(&b.path)).then_with(|| a.path.cmp(&b.path)));
    Ok(out)
}

/// The file names without their version prefixes are the same.
fn same_name(a: &str, b: &str) -> bool {
    let bare = |p: &str| {
        let name = p.rsplit('/').next().unwrap_or(p);
        let v = version_of(p).map(|v| v.len() + 1).unwrap_or(0);
        name[v..].to_string()
    };
    bare(a) == bare(b)
}

/// What the app's repository says that the lint needs beyond each migration's text.
pub struct AppSources {
    /// db/schema.rb at production's commit.
    pub schema: Option<lint::SchemaDump>,
    pub partial_inserts: Option<bool>,
}

/// A db/schema.rb larger than this is not read: the lint then knows no column types.
const MAX_SCHEMA_DUMP: usize = 32 * 1024 * 1024;

impl AppSources {
    /// Reads db/schema.rb at `from` (production's schema, before the range's migrations) and the
    /// Rails config at `to` (the code that will run).
    pub fn read(repo: &Repository, from: Oid, to: Oid) -> Result<AppSources, git2::Error> {
        let text = |commit: Oid, path: &str, max: usize| -> Result<Option<String>, git2::Error> {
            Ok(match blob_at(repo, commit, path, max)? {
                Blob::Content(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
                _ => None,
            })
        };
        let schema = text(from, "db/schema.rb", MAX_SCHEMA_DUMP)?.map(lint::SchemaDump::new);
        let application = text(to, "config/application.rb", DEFAULT_CONFIG_MAX)?;
        let production = text(to, "config/environments/production.rb", DEFAULT_CONFIG_MAX)?;
        let partial_inserts = lint::partial_inserts(application.as_deref(), production.as_deref());
        Ok(AppSources { schema, partial_inserts })
    }
}

/// Config files are small; a larger one is not parsed.
const DEFAULT_CONFIG_MAX: usize = 1024 * 1024;

/// The source at `to` of the schema migration whose class is `class` (Rails names the file
/// after the class), for `revert OtherMigration`.
pub fn migration_source(repo: &Repository, to: Oid, globs: &MigrationGlobs, class: &str) -> Option<String> {
    let tree = repo.find_commit(to).ok()?.tree().ok()?;
    let named = |path: &str| class_name_from_path(path).as_deref() == Some(class);
    let path = globs.schema.iter().find_map(|g| find_file(repo, &tree, g, &named).ok().flatten())?;
    match blob_at(repo, to, &path, globs.lint.max_size) {
        Ok(Blob::Content(bytes)) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        _ => None,
    }
}

/// The first file of `tree` that `glob` matches and `accept` takes. Only the directory before
/// the glob's first wildcard is read; a glob whose directory is missing finds nothing.
pub(crate) fn find_file(
    repo: &Repository,
    tree: &Tree<'_>,
    glob: &str,
    accept: &dyn Fn(&str) -> bool,
) -> Result<Option<String>, git2::Error> {
    let dir = literal_dir(glob);
    if dir.is_empty() {
        return find_below(repo, tree, "", glob, accept);
    }
    let entry = match tree.get_path(std::path::Path::new(&dir)) {
        Ok(e) => e,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    match entry.to_object(repo)?.into_tree() {
        Ok(sub) => find_below(repo, &sub, &format!("{dir}/"), glob, accept),
        Err(_) => Ok(None), // a file where the glob wants a directory
    }
}

/// Depth first, stopping at the first file whose path (`prefix` + name) matches.
fn find_below(
    repo: &Repository,
    tree: &Tree<'_>,
    prefix: &str,
    glob: &str,
    accept: &dyn Fn(&str) -> bool,
) -> Result<Option<String>, git2::Error> {
    for entry in tree.iter() {
        let Some(name) = entry.name() else { continue };
        let path = format!("{prefix}{name}");
        match entry.kind() {
            Some(ObjectType::Blob) if glob_match(glob.as_bytes(), path.as_bytes()) && accept(&path) => {
                return Ok(Some(path))
            }
            Some(ObjectType::Tree) => {
                let sub = entry.to_object(repo)?.peel_to_tree()?;
                if let Some(found) = find_below(repo, &sub, &format!("{path}/"), glob, accept)? {
                    return Ok(Some(found));
                }
            }
            _ => {}
        }
    }
    Ok(None)
}

/// Reads and lints one changed migration at `to`.
pub fn describe(
    repo: &Repository,
    to: Oid,
    change: RangeChange,
    settings: &lint::LintSettings,
    facts: &lint::AppFacts,
) -> Result<Migration, crate::git::GitError> {
    let blob = match (change.change, change.blob) {
        (Change::Deleted, _) => Blob::Missing,
        (_, Some(id)) => read_blob(repo, id, settings.max_size)?,
        (_, None) => blob_at(repo, to, &change.path, settings.max_size)?,
    };
    let findings = match blob {
        Blob::Missing => None,
        // Not even loaded: a huge blob would cost its size in memory before any check.
        Blob::TooLarge(size) => Some(lint::oversized_migration(size, settings)),
        Blob::Content(bytes) => {
            let source = String::from_utf8_lossy(&bytes);
            Some(match change.kind {
                Kind::Schema => lint::lint_schema_migration_in(&source, settings, facts),
                Kind::Data => lint::lint_data_migration_with(&source, settings),
            })
        }
    };
    let (class_name, reversible, risks, mut notes) = match findings {
        Some(l) => (l.class_name, l.reversible, l.risks, l.notes),
        None => (None, None, Vec::new(), Vec::new()),
    };
    let mut m = Migration {
        class_name: class_name.or_else(|| class_name_from_path(&change.path)),
        version: version_of(&change.path),
        path: change.path,
        previous_path: change.previous_path,
        kind: change.kind,
        change: change.change,
        pull_request: None,
        commit: None,
        run_order: None,
        reversible,
        risks,
        notes: Vec::new(),
    };
    notes.retain(|n| !restates_a_finding(n, &m.risks));
    m.notes = change_notes(&m);
    m.notes.append(&mut notes);
    Ok(m)
}

/// A data migration's way back is reported as a finding (`data_no_down`, `data_irreversible`);
/// the lint's reversibility note about the same statement would say it a second time.
fn restates_a_finding(note: &str, risks: &[Risk]) -> bool {
    let rollback = |r: &&Risk| r.check == "data_no_down" || r.check == "data_irreversible";
    risks.iter().filter(rollback).any(|r| {
        note.starts_with(&format!("line {}:", r.line))
            || (r.check == "data_no_down" && note.starts_with("no down method"))
            || (r.check == "data_irreversible"
                && (note.starts_with("down is empty") || note.starts_with("data code in change")))
    })
}

enum Blob {
    Missing,
    TooLarge(usize),
    Content(Vec<u8>),
}

/// The file at `path` in `commit`, unless it is larger than `max` bytes (its size is read from
/// the object header, without inflating it).
fn blob_at(repo: &Repository, commit: Oid, path: &str, max: usize) -> Result<Blob, git2::Error> {
    let tree = repo.find_commit(commit)?.tree()?;
    let entry = match tree.get_path(std::path::Path::new(path)) {
        Ok(e) if e.kind() == Some(git2::ObjectType::Blob) => e,
        Ok(_) => return Ok(Blob::Missing),
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(Blob::Missing),
        Err(e) => return Err(e),
    };
    read_blob(repo, entry.id(), max)
}

fn read_blob(repo: &Repository, id: Oid, max: usize) -> Result<Blob, git2::Error> {
    let (size, _) = repo.odb()?.read_header(id)?;
    if size > max {
        return Ok(Blob::TooLarge(size));
    }
    Ok(Blob::Content(repo.find_blob(id)?.content().to_vec()))
}

/// What the change means for the database, said once per migration.
fn change_notes(m: &Migration) -> Vec<String> {
    let note = match (m.change, m.is_new()) {
        (Change::Modified, _) => "edited after it was merged: databases that already ran it will not run it again",
        (Change::Deleted, _) => "deleted: production's schema_migrations still lists it; its down can no longer run",
        (Change::Renamed, true) => "renamed to a new version: it will run again as a new migration",
        (Change::Renamed, false) => "renamed without a new version: it will not run again",
        (Change::Added, _) => return Vec::new(),
    };
    vec![note.to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_migrations_rollback_finding_is_not_repeated_as_a_note() {
        let raises = "class Backfill < ActiveRecord::Migration[7.1]\n  def up\n    Order.update_all(total: 0)\n  end\n\n  def down\n    raise ActiveRecord::IrreversibleMigration\n  end\nend\n";
        let no_down =
            "class Backfill < ActiveRecord::Migration[7.1]\n  def up\n    Order.update_all(total: 0)\n  end\nend\n";
        let empty_down = "class Backfill < ActiveRecord::Migration[7.1]\n  def up\n    Order.update_all(total: 0)\n  end\n  def down\n  end\nend\n";
        for source in [raises, no_down, empty_down] {
            let lint = lint::lint_data_migration(source);
            assert_eq!(lint.risks.len(), 1, "{:?}", lint.risks);
            assert!(!lint.notes.is_empty(), "the lint itself says it twice: {:?}", lint.notes);
            let kept: Vec<&String> = lint.notes.iter().filter(|n| !restates_a_finding(n, &lint.risks)).collect();
            assert!(kept.is_empty(), "{kept:?} repeats {:?}", lint.risks[0]);
        }
        // A note on something no finding covers stays.
        let both = "class Backfill < ActiveRecord::Migration[7.1]\n  def change\n  end\n  def up\n  end\n  def down\n  end\nend\n";
        let lint = lint::lint_data_migration(both);
        assert!(lint.notes.iter().any(|n| !restates_a_finding(n, &lint.risks)), "{:?}", lint.notes);
    }
}
