//! Static safety lint of Rails migrations for PostgreSQL (Heroku's database).
//!
//! The source is parsed with tree-sitter-ruby and only the syntax tree is inspected: a comment,
//! a string or a heredoc that mentions `remove_column` never triggers anything. Schema checks
//! carry strong_migrations' ids; data migrations (data_migrate's `db/data`) get `data_*` ids.
//! The lint never fails: a file it cannot read gets notes instead of risks.
//!
//! Check ids: remove_column, change_column, change_column_with_not_null, change_column_constraint,
//! change_column_default, rename_column, rename_table, create_table, add_column_auto_incrementing,
//! add_column_generated_stored, add_column_json, add_column_default, change_column_null,
//! add_foreign_key, validate_foreign_key, add_check_constraint, validate_check_constraint,
//! add_unique_constraint, add_exclusion_constraint, add_index, add_index_corruption, remove_index,
//! add_index_columns, add_reference, execute, rename_enum_value, rename_schema, backfill; for data
//! migrations data_no_down, data_irreversible, data_unbatched_loop, data_external_call; and
//! `unchecked` for a migration the lint could not check (too large, too deep, an unreadable
//! `revert`). Operations in `change_table` blocks are reported under their own ids (`t.remove` as
//! remove_column, `t.index` as add_index…). What a check needs beyond the file ([`AppFacts`]:
//! db/schema.rb, partial inserts, other migrations) and the server version ([`LintSettings`]) are
//! passed in; without them the checks assume the worst. Code that runs only on rollback
//! (`down`, `dir.down`) is not linted in schema migrations, like strong_migrations.

mod advice;
mod app_config;
mod data;
mod dump;
mod guard;
mod migration;
mod rails;
mod reversibility;
mod schema;
mod sql;
mod syntax;
mod walk;

pub use app_config::partial_inserts;
pub use dump::{CheckConstraint, ColumnFacts, SchemaDump, TableFacts};
pub use guard::too_deeply_nested;
/// Ruby source to its syntax tree, with this thread's one parser (recovery and triage read Ruby too).
pub(crate) use syntax::parse as parse_ruby;

#[cfg(test)]
mod tests;

use advice::Hazard;
use migration::Migration;
use reversibility::MigrationKind;
use tree_sitter::Node;

/// One dangerous statement in a migration.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Risk {
    /// strong_migrations' check id (`add_index`, `remove_column`, …) or `data_*`.
    pub check: String,
    /// 1-based line of the statement.
    pub line: usize,
    /// The statement's first line, trimmed and shortened.
    pub statement: String,
    /// Why it is dangerous: which lock, which rewrite, which errors in running code.
    pub message: String,
    /// The safe way, in a line or two.
    pub recipe: String,
}

/// What the lint found in one migration file.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct MigrationLint {
    pub class_name: Option<String>,
    /// `Some(false)` irreversible, `Some(true)` clearly reversible, `None` unknown.
    pub reversible: Option<bool>,
    /// Ordered by line.
    pub risks: Vec<Risk>,
    /// Warnings for people ("no down method", parse errors).
    pub notes: Vec<String>,
}

/// How far the lint goes and which PostgreSQL it judges for (`[migrations]` in bpdeploy.toml).
#[derive(Debug, Clone, PartialEq)]
pub struct LintSettings {
    /// `[migrations] postgres_version`: the server's major version (and minor, when given).
    pub postgres_version: PostgresVersion,
    /// `[migrations] max_size`: a migration larger than this many bytes is not parsed.
    pub max_size: usize,
}

/// A PostgreSQL server version as far as the checks care: major, and minor when known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostgresVersion {
    pub major: u32,
    pub minor: Option<u32>,
}

impl Default for LintSettings {
    fn default() -> Self {
        LintSettings { postgres_version: PostgresVersion { major: 16, minor: None }, max_size: DEFAULT_MAX_SIZE }
    }
}

/// What the lint knows about the app beyond the migration's own text. Each fact is optional:
/// without it the checks that need it assume the worst and say so in their message.
#[derive(Clone, Copy, Default)]
pub struct AppFacts<'a> {
    /// db/schema.rb at production's commit: current column types, indexes, check constraints.
    pub schema: Option<&'a SchemaDump>,
    /// `config.active_record.partial_inserts` as the app's config sets it ([`partial_inserts`]).
    pub partial_inserts: Option<bool>,
    /// The source of another schema migration by class name, for `revert OtherMigration`.
    pub migration_source: Option<&'a MigrationSource<'a>>,
}

/// Finds another schema migration's source by its class name.
pub type MigrationSource<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// 1 MiB: hundreds of times the largest hand-written migration, small enough to parse quickly.
pub const DEFAULT_MAX_SIZE: usize = 1024 * 1024;

/// Lints a schema migration (`db/migrate`).
pub fn lint_schema_migration(source: &str) -> MigrationLint {
    lint_schema_migration_with(source, &LintSettings::default())
}

/// Lints a schema migration with explicit settings.
pub fn lint_schema_migration_with(source: &str, settings: &LintSettings) -> MigrationLint {
    lint(source, MigrationKind::Schema, settings, &AppFacts::default(), false)
}

/// Lints a schema migration with explicit settings and what the app says about itself.
pub fn lint_schema_migration_in(source: &str, settings: &LintSettings, facts: &AppFacts) -> MigrationLint {
    lint(source, MigrationKind::Schema, settings, facts, false)
}

/// Lints a data migration with explicit settings.
pub fn lint_data_migration_with(source: &str, settings: &LintSettings) -> MigrationLint {
    lint(source, MigrationKind::Data, settings, &AppFacts::default(), false)
}

/// The findings of another migration run backwards (`revert OtherMigration`).
fn lint_reverted(
    source: &str,
    settings: &LintSettings,
    schema: Option<&SchemaDump>,
    partial_inserts: Option<bool>,
) -> Vec<Risk> {
    let facts = AppFacts { schema, partial_inserts, migration_source: None };
    lint(source, MigrationKind::Schema, settings, &facts, true).risks
}

/// Lints a data migration (`db/data`, the data_migrate gem).
pub fn lint_data_migration(source: &str) -> MigrationLint {
    lint_data_migration_with(source, &LintSettings::default())
}

/// The finding for a migration of `size` bytes that is over `settings.max_size`, for callers
/// that know the size before reading the file (so that a huge blob is never loaded).
pub fn oversized_migration(size: usize, settings: &LintSettings) -> MigrationLint {
    unchecked(guard::too_large(size, settings.max_size))
}

fn unchecked(risk: Risk) -> MigrationLint {
    MigrationLint { class_name: None, reversible: None, risks: vec![risk], notes: Vec::new() }
}

fn lint(
    source: &str,
    kind: MigrationKind,
    settings: &LintSettings,
    facts: &AppFacts,
    reverting: bool,
) -> MigrationLint {
    if source.len() > settings.max_size {
        return oversized_migration(source.len(), settings);
    }
    let Some(tree) = syntax::parse(source) else {
        return MigrationLint {
            class_name: None,
            reversible: None,
            risks: Vec::new(),
            notes: vec!["the Ruby parser could not be loaded: this migration was not linted".to_string()],
        };
    };
    let root = tree.root_node();
    if guard::too_deeply_nested(root) {
        return unchecked(guard::too_deep());
    }
    let migration = Migration::read(root, source);
    if migration.schema_definition {
        let note = "a schema definition (ActiveRecord::Schema), loaded into an empty database: not checked";
        return MigrationLint {
            class_name: migration.class_name,
            reversible: None,
            risks: Vec::new(),
            notes: vec![note.into()],
        };
    }
    let operations = walk::operations(&migration, source, reverting);
    let mut notes = structure_notes(root, &migration);
    let rollback = reversibility::assess(&migration, &operations, source, kind);
    notes.extend(rollback.notes.iter().cloned());
    let mut risks = match kind {
        MigrationKind::Schema => schema::lint(&migration, &operations, source, settings, facts),
        MigrationKind::Data => data::lint(&operations, &rollback, source),
    };
    risks.sort_by_key(|r| r.line);
    MigrationLint { class_name: migration.class_name, reversible: rollback.reversible, risks, notes }
}

/// Warnings about the file itself: parse errors, no migration class.
fn structure_notes(root: Node, migration: &Migration) -> Vec<String> {
    let mut notes = Vec::new();
    if root.has_error() {
        let line = first_error(root).map_or(1, syntax::line);
        notes.push(format!("Ruby syntax error near line {line}: findings may be incomplete"));
    }
    if !migration.found_class() {
        notes.push("no migration class found".to_string());
    }
    notes
}

fn first_error(node: Node) -> Option<Node> {
    if node.is_error() || node.is_missing() {
        return Some(node);
    }
    let mut cursor = node.walk();
    let children: Vec<Node> = node.children(&mut cursor).filter(|c| c.has_error() || c.is_missing()).collect();
    children.into_iter().find_map(first_error)
}

/// Collects findings in statement order, building each risk's text from its hazard.
struct Findings<'s> {
    source: &'s str,
    risks: Vec<Risk>,
}

impl<'s> Findings<'s> {
    fn new(source: &'s str) -> Self {
        Findings { source, risks: Vec::new() }
    }

    fn report(&mut self, hazard: Hazard, node: Node) {
        self.risks.push(Risk {
            check: hazard.check().to_string(),
            line: syntax::line(node),
            statement: syntax::statement(node, self.source),
            message: hazard.message().to_string(),
            recipe: hazard.recipe().to_string(),
        });
    }
}
