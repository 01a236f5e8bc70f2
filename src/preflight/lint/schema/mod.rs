//! Schema migration checks (strong_migrations' ids), run over the flattened operations in
//! source order so that "a table created earlier", "a constraint validated earlier" and "the
//! column's type by now" are known. What the migration does not say comes from the app:
//! db/schema.rb at production's commit and the Rails config ([`AppFacts`]).

mod column_types;
mod columns;
mod constraints;
mod indexes;
mod statements;

use super::advice::Hazard;
use super::dump::{CheckConstraint, ColumnFacts};
use super::migration::{Direction, Migration};
use super::sql::{self, ConstraintSql};
use super::syntax::{is_off, literal_name};
use super::walk::Operation;
use super::{AppFacts, Findings, LintSettings, Risk};
use std::collections::{HashMap, HashSet};

/// What the migration has done so far, and what the app says about the rest.
pub(super) struct SchemaState<'a> {
    pub settings: &'a LintSettings,
    pub facts: &'a AppFacts<'a>,
    new_tables: HashSet<String>,
    /// Columns as this migration left them so far: (table, column).
    columns: HashMap<(String, String), ColumnFacts>,
    new_columns: HashSet<(String, String)>,
    /// Check constraints this migration added, by table.
    checks: HashMap<String, Vec<CheckConstraint>>,
    /// An earlier statement of the same transaction holds a lock that blocks writes (SHARE ROW
    /// EXCLUSIVE or ACCESS EXCLUSIVE): strong_migrations' `writes_blocked?`.
    pub writes_blocked: bool,
    /// `disable_ddl_transaction!`: each statement commits on its own.
    pub disables_ddl_transaction: bool,
}

/// Statements that take a write-blocking lock until their transaction ends. A subset of
/// `walk::TABLE_OPERATIONS`, kept apart: adding an index (SHARE), validating (SHARE UPDATE
/// EXCLUSIVE) or commenting leaves writes going.
const WRITE_BLOCKING: &[&str] = &[
    "add_column",
    "add_timestamps",
    "add_reference",
    "add_belongs_to",
    "add_foreign_key",
    "add_check_constraint",
    "add_unique_constraint",
    "add_exclusion_constraint",
    "change_column",
    "change_column_null",
    "change_column_default",
    "create_table",
    "drop_table",
    "rename_column",
    "rename_table",
    "remove_column",
    "remove_columns",
    "remove_reference",
    "remove_belongs_to",
    "remove_timestamps",
    "remove_index",
    "remove_foreign_key",
    "remove_check_constraint",
    "remove_unique_constraint",
    "remove_exclusion_constraint",
];

impl SchemaState<'_> {
    /// Operations on a table created in this migration are safe: it is empty and nothing uses it yet.
    pub fn on_new_table(&self, op: &Operation) -> bool {
        op.context.in_create_table || op.table.as_ref().is_some_and(|t| self.new_tables.contains(t))
    }

    /// The column as it stands before `op`: changed earlier in this migration, else as the dump says.
    pub fn column(&self, table: &str, column: &str) -> Option<ColumnFacts> {
        if let Some(c) = self.columns.get(&(table.to_string(), column.to_string())) {
            return Some(c.clone());
        }
        self.facts.schema?.table(table)?.columns.get(column).cloned()
    }

    pub fn is_new_column(&self, table: &str, column: &str) -> bool {
        self.new_tables.contains(table) || self.new_columns.contains(&(table.to_string(), column.to_string()))
    }

    pub fn indexed(&self, table: &str, column: &str) -> bool {
        self.facts.schema.and_then(|s| s.table(table)).is_some_and(|t| t.indexed.contains(column))
    }

    fn each_check(&self, table: &str, f: impl FnMut(&CheckConstraint) -> bool) -> bool {
        let dumped = self.facts.schema.and_then(|s| s.table(table));
        let dumped = dumped.iter().flat_map(|t| t.checks.iter());
        let added = self.checks.get(table).into_iter().flatten();
        dumped.chain(added).any(f)
    }

    /// A validated `CHECK (column IS NOT NULL)` exists: PostgreSQL 12+ then skips the scan of
    /// SET NOT NULL.
    pub fn validated_not_null(&self, table: &str, column: &str) -> bool {
        self.each_check(table, |c| c.validated && sql::not_null_column(&c.expression).as_deref() == Some(column))
    }

    /// Some check constraint of the table mentions the column.
    pub fn checked(&self, table: &str, column: &str) -> bool {
        self.each_check(table, |c| {
            c.expression.split(|ch: char| !(ch.is_alphanumeric() || ch == '_')).any(|word| word == column)
        })
    }

    fn record(&mut self, op: &Operation, source: &str) {
        if op.context.direction != Direction::Up {
            return;
        }
        if !self.disables_ddl_transaction && op.is_schema_call() && WRITE_BLOCKING.contains(&op.name.as_str()) {
            self.writes_blocked = true;
        }
        if op.name == "execute" {
            if let Some(sql) = op.args.positional.first().and_then(|n| literal_name(*n, source)) {
                self.record_sql(&sql);
            }
        }
        let Some(table) = op.table.clone() else { return };
        if !op.is_schema_call() {
            return;
        }
        let column = op.args.positional.first().and_then(|n| literal_name(*n, source));
        match (op.name.as_str(), column) {
            ("create_table", _) if !op.in_table_block => {
                self.new_tables.insert(table);
            }
            ("add_column", Some(column)) => {
                let facts = columns::target(op, source, None);
                if let Some(facts) = facts {
                    self.columns.insert((table.clone(), column.clone()), facts);
                }
                self.new_columns.insert((table, column));
            }
            ("change_column", Some(column)) => {
                let before = self.column(&table, &column);
                if let Some(facts) = columns::target(op, source, before.as_ref()) {
                    self.columns.insert((table, column), facts);
                }
            }
            ("add_check_constraint", Some(expression)) => {
                let name = op.args.option("name").and_then(|n| literal_name(n, source));
                let validated = !op.args.option("validate").is_some_and(is_off);
                self.checks.entry(table).or_default().push(CheckConstraint { name, expression, validated });
            }
            ("validate_check_constraint" | "validate_constraint", _) => {
                let name = op.args.option("name").and_then(|n| literal_name(n, source));
                let name = name.or_else(|| op.args.positional.first().and_then(|n| literal_name(*n, source)));
                self.validate(&table, name.as_deref());
            }
            _ => {}
        }
    }

    fn record_sql(&mut self, sql: &str) {
        match sql::constraint(sql) {
            Some(ConstraintSql::AddCheck { table, name, expression, validated }) => {
                self.checks.entry(table).or_default().push(CheckConstraint { name: Some(name), expression, validated });
            }
            Some(ConstraintSql::Validate { table, name }) => self.validate(&table, Some(&name)),
            None => {}
        }
    }

    fn validate(&mut self, table: &str, name: Option<&str>) {
        for check in self.checks.get_mut(table).into_iter().flatten() {
            if name.is_none() || check.name.as_deref() == name {
                check.validated = true;
            }
        }
    }
}

/// `revert OtherMigration`: the other migration's findings when run backwards, reported on the
/// `revert` line; one whose source cannot be read is unchecked.
fn reverted_migrations(op: &Operation, source: &str, settings: &LintSettings, facts: &AppFacts) -> Vec<Risk> {
    let (line, statement) = (super::syntax::line(op.call.node), super::syntax::statement(op.call.node, source));
    let mut risks = Vec::new();
    for class in op.args.positional.iter().filter_map(|n| super::syntax::constant_path(*n, source)) {
        let other = facts.migration_source.and_then(|find| find(&class));
        let found = match other {
            // One level only: a revert inside the reverted migration is not followed again.
            Some(other) => super::lint_reverted(&other, settings, facts.schema, facts.partial_inserts),
            None => vec![super::guard::unchecked(format!(
                "This reverts {class}, whose source bpdeploy could not find in the schema migration \
                 directories: what the revert undoes was not checked."
            ))],
        };
        risks.extend(found.into_iter().map(|risk| Risk { line, statement: statement.clone(), ..risk }));
    }
    risks
}

pub(super) fn lint(
    migration: &Migration,
    operations: &[Operation],
    source: &str,
    settings: &LintSettings,
    facts: &AppFacts,
) -> Vec<Risk> {
    let mut state = SchemaState {
        settings,
        facts,
        new_tables: HashSet::new(),
        columns: HashMap::new(),
        new_columns: HashSet::new(),
        checks: HashMap::new(),
        writes_blocked: false,
        disables_ddl_transaction: migration.disables_ddl_transaction,
    };
    let mut findings = Findings::new(source);
    // End of the last reported backfill: the calls nested in it (its receiver chain, its block)
    // are part of the same statement and are not reported again.
    let mut backfill_until = 0;
    for op in operations.iter().filter(|op| op.context.direction == Direction::Up) {
        if !op.context.safety_assured {
            let mut hazards: Vec<Hazard> = Vec::new();
            if op.is_schema_call() {
                columns::check(op, &state, source, &mut hazards);
                indexes::check(op, &state, source, &mut hazards);
                constraints::check(op, &state, source, &mut hazards);
            }
            statements::check(op, source, &mut hazards);
            for hazard in hazards {
                findings.report(hazard, op.call.node);
            }
            if op.name == "revert" && op.call.receiver().is_none() && op.call.block().is_none() {
                findings.risks.extend(reverted_migrations(op, source, settings, facts));
            }
            let node = op.call.node;
            if node.start_byte() >= backfill_until && statements::is_backfill(op, source) {
                findings.report(Hazard::Backfill, node);
                backfill_until = node.end_byte();
            }
        }
        state.record(op, source);
    }
    findings.risks
}
