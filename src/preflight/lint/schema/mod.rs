//! Schema migration checks (strong_migrations' ids), run over the flattened operations in
//! source order so that "a table created earlier" and "a key added earlier" are known.

mod columns;
mod constraints;
mod indexes;
mod statements;

use super::advice::Hazard;
use super::migration::{Direction, Migration};
use super::walk::Operation;
use super::{Findings, Risk};
use std::collections::HashSet;

/// What the migration has done so far, as far as the checks care.
pub(super) struct SchemaState {
    new_tables: HashSet<String>,
    foreign_key_tables: HashSet<String>,
    check_constraint_tables: HashSet<String>,
    /// `disable_ddl_transaction!`: each statement commits on its own.
    pub disables_ddl_transaction: bool,
}

impl SchemaState {
    /// Operations on a table created in this migration are safe: it is empty and nothing uses it yet.
    pub fn on_new_table(&self, op: &Operation) -> bool {
        op.context.in_create_table || op.table.as_ref().is_some_and(|t| self.new_tables.contains(t))
    }

    /// A foreign key was added to this table earlier, in the same transaction.
    pub fn foreign_key_added_in_transaction(&self, op: &Operation) -> bool {
        !self.disables_ddl_transaction && op.table.as_ref().is_some_and(|t| self.foreign_key_tables.contains(t))
    }

    pub fn check_constraint_added_in_transaction(&self, op: &Operation) -> bool {
        !self.disables_ddl_transaction && op.table.as_ref().is_some_and(|t| self.check_constraint_tables.contains(t))
    }

    fn record(&mut self, op: &Operation) {
        let Some(table) = op.table.clone() else { return };
        if !op.is_schema_call() {
            return;
        }
        match op.name.as_str() {
            "create_table" if !op.in_table_block => {
                self.new_tables.insert(table);
            }
            "add_foreign_key" => {
                self.foreign_key_tables.insert(table);
            }
            "add_reference" | "add_belongs_to" if indexes::adds_foreign_key(op) => {
                self.foreign_key_tables.insert(table);
            }
            "add_check_constraint" => {
                self.check_constraint_tables.insert(table);
            }
            _ => {}
        }
    }
}

pub(super) fn lint(migration: &Migration, operations: &[Operation], source: &str) -> Vec<Risk> {
    let mut state = SchemaState {
        new_tables: HashSet::new(),
        foreign_key_tables: HashSet::new(),
        check_constraint_tables: HashSet::new(),
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
            let node = op.call.node;
            if node.start_byte() >= backfill_until && statements::is_backfill(op, source) {
                findings.report(Hazard::Backfill, node);
                backfill_until = node.end_byte();
            }
        }
        state.record(op);
    }
    findings.risks
}
