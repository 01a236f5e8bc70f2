//! `revert --undo-migrations`: one new schema migration that undoes the PR's schema migrations
//! with Rails' own `revert` (which replays a `change` backwards, or runs `down`), timestamped
//! now. It is linted like any migration, on what it will actually do (the inverse statements),
//! and says which data it destroys. Irreversible migrations are refused; data migrations are
//! never undone automatically.
use super::schema_effects::{effects, effects_of, method_names, rails_version, Change};
use crate::preflight::lint::{self, Risk};
use crate::preflight::migrations::{class_name_from_path, version_of};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UndoMigration {
    pub path: String,
    pub class_name: String,
    /// The classes it reverts, oldest first (Rails undoes them newest first).
    pub reverts: Vec<String>,
    /// What Rails will run, statement by statement.
    pub statements: Vec<String>,
    /// The lint's findings on those statements (`line` is the `revert` line of the file).
    pub risks: Vec<Risk>,
    /// What the undo destroys for good.
    pub data_loss: Vec<String>,
    #[serde(skip)]
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UndoRefusal {
    #[error("{class} ({path}) is irreversible: {why}; undo it by hand in a new migration")]
    Irreversible { path: String, class: String, why: String },
    #[error("the pull request has no schema migration to undo")]
    NothingToUndo,
}

/// One schema migration of the PR: its path and source.
pub struct PrMigration<'a> {
    pub path: &'a str,
    pub source: &'a str,
}

/// The migration undoing `migrations` (schema ones, any order). `newest` is the newest version
/// already in the repository: the new one must sort after it, whatever this machine's clock says.
pub fn undo_migration(
    pr: u64,
    title: &str,
    migrations: &[PrMigration],
    newest: Option<&str>,
    now: DateTime<Utc>,
) -> Result<UndoMigration, UndoRefusal> {
    let mut ordered: Vec<&PrMigration> = migrations.iter().collect();
    ordered.sort_by_key(|m| version_of(m.path));
    let first = ordered.first().ok_or(UndoRefusal::NothingToUndo)?;
    let mut classes = Vec::new();
    let mut inverse: Vec<Change> = Vec::new();
    for m in &ordered {
        let linted = lint::lint_schema_migration(m.source);
        let class = linted.class_name.clone().or_else(|| class_name_from_path(m.path)).unwrap_or_default();
        if linted.reversible == Some(false) {
            let why = linted.notes.first().cloned().unwrap_or_else(|| "Rails cannot invert it".into());
            return Err(UndoRefusal::Irreversible { path: m.path.to_string(), class, why });
        }
        inverse.splice(0..0, undo_of(m.source));
        classes.push(class);
    }
    let version = next_version(now, newest);
    let class_name = match classes.as_slice() {
        [one] => format!("Revert{one}"),
        _ => format!("RevertPullRequest{pr}Migrations"),
    };
    let dir = first.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("db/migrate");
    let path = format!("{dir}/{version}_{}.rb", snake(&class_name));
    let rails = ordered.iter().filter_map(|m| rails_version(m.source)).max().unwrap_or_else(|| "7.1".into());
    let statements: Vec<String> = inverse.iter().filter_map(ruby).collect();
    let content = render(pr, title, &ordered, &classes, &class_name, &rails, &statements);
    let revert_line = content.lines().position(|l| l.trim_start().starts_with("revert ")).map_or(1, |i| i + 1);
    let expanded =
        format!("class Undo < ActiveRecord::Migration[{rails}]\n  def up\n{}\n  end\nend\n", statements.join("\n"));
    let risks =
        lint::lint_schema_migration(&expanded).risks.into_iter().map(|r| Risk { line: revert_line, ..r }).collect();
    Ok(UndoMigration {
        path,
        class_name,
        reverts: classes,
        statements,
        risks,
        data_loss: inverse.iter().filter_map(loss).collect(),
        content,
    })
}

/// What Rails' `revert` runs for one migration: its `down`, or its `change` backwards.
fn undo_of(source: &str) -> Vec<Change> {
    let names = method_names(source);
    if names.iter().any(|n| n == "down") && !names.iter().any(|n| n == "change") {
        return effects_of(source, &["down"]).unwrap_or_default().into_iter().map(|e| e.change).collect();
    }
    let mut forward: Vec<Change> = effects(source).unwrap_or_default().into_iter().map(|e| e.change).collect();
    forward.reverse();
    forward.into_iter().filter_map(invert).collect()
}

fn invert(change: Change) -> Option<Change> {
    Some(match change {
        Change::CreateTable { table } => Change::DropTable { table },
        Change::DropTable { table } => Change::CreateTable { table },
        Change::AddColumn { table, column, .. } => Change::RemoveColumn { table, column },
        Change::RemoveColumn { table, column } => {
            Change::AddColumn { table, column, not_null: false, has_default: false }
        }
        Change::RenameColumn { table, from, to } => Change::RenameColumn { table, from: to, to: from },
        Change::RenameTable { from, to } => Change::RenameTable { from: to, to: from },
        Change::ChangeColumnNull { table, column, allows_null } => {
            Change::ChangeColumnNull { table, column, allows_null: !allows_null }
        }
        // Irreversible in `change` (the lint refuses those first) or invisible to older code.
        Change::ChangeColumnType { .. } | Change::Execute | Change::Neutral { .. } => return None,
    })
}

/// The Ruby statement a change stands for, for the lint and for people.
fn ruby(change: &Change) -> Option<String> {
    Some(match change {
        Change::CreateTable { table } => format!("create_table :{table}"),
        Change::DropTable { table } => format!("drop_table :{table}"),
        Change::AddColumn { table, column, .. } => format!("add_column :{table}, :{column}"),
        Change::RemoveColumn { table, column } => format!("remove_column :{table}, :{column}"),
        Change::RenameColumn { table, from, to } => format!("rename_column :{table}, :{from}, :{to}"),
        Change::RenameTable { from, to } => format!("rename_table :{from}, :{to}"),
        Change::ChangeColumnType { table, column, to } => format!("change_column :{table}, :{column}, :{to}"),
        Change::ChangeColumnNull { table, column, allows_null } => {
            format!("change_column_null :{table}, :{column}, {allows_null}")
        }
        Change::Execute | Change::Neutral { .. } => return None,
    })
}

fn loss(change: &Change) -> Option<String> {
    Some(match change {
        Change::DropTable { table } => format!("drops table {table}: every row in it is lost"),
        Change::RemoveColumn { table, column } => format!("drops {table}.{column}: the data in it is lost"),
        Change::AddColumn { table, column, .. } => {
            format!("re-adds {table}.{column} empty: what it held before is not restored")
        }
        _ => return None,
    })
}

fn render(
    pr: u64,
    title: &str,
    ordered: &[&PrMigration],
    classes: &[String],
    class_name: &str,
    rails: &str,
    statements: &[String],
) -> String {
    let title = crate::ui::sanitize::one_line(title).replace('"', "'");
    let mut out = format!(
        "# Undoes the schema migrations of #{pr} \"{title}\".\n# Written by `bpdeploy revert --undo-migrations`. Rails runs, in this order:\n"
    );
    for s in statements {
        out.push_str(&format!("#   {s}\n"));
    }
    for m in ordered {
        let file = m.path.rsplit('/').next().unwrap_or(m.path).trim_end_matches(".rb");
        out.push_str(&format!("require_relative \"{file}\"\n"));
    }
    out.push_str(&format!(
        "\nclass {class_name} < ActiveRecord::Migration[{rails}]\n  def change\n    revert {}\n  end\nend\n",
        classes.join(", ")
    ));
    out
}

/// `YYYYMMDDHHMMSS` of now, or one past the newest version when that is later.
fn next_version(now: DateTime<Utc>, newest: Option<&str>) -> String {
    let stamp = now.format("%Y%m%d%H%M%S").to_string();
    match newest.and_then(|n| n.parse::<u64>().ok()) {
        Some(n) if n >= stamp.parse::<u64>().unwrap_or(0) => (n + 1).to_string(),
        _ => stamp,
    }
}

fn snake(class: &str) -> String {
    let mut out = String::new();
    for (i, c) in class.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
#[path = "undo_tests.rs"]
mod tests;
