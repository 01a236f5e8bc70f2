//! Constraint checks: foreign keys and check constraints added validated (or validated in the
//! same transaction), unique and exclusion constraints built under an ACCESS EXCLUSIVE lock.

use super::SchemaState;
use crate::preflight::lint::advice::Hazard;
use crate::preflight::lint::syntax::is_off;
use crate::preflight::lint::walk::Operation;

pub(super) fn check(op: &Operation, state: &SchemaState, _source: &str, out: &mut Vec<Hazard>) {
    if state.on_new_table(op) {
        // Constraints on an empty table validate instantly and nothing is waiting on it.
        return;
    }
    // `validate:` absent or not false: PostgreSQL checks every existing row now.
    let validated = !op.args.option("validate").is_some_and(is_off);
    match op.name.as_str() {
        "add_foreign_key" if validated => out.push(Hazard::AddForeignKey),
        // Validation itself takes only SHARE UPDATE EXCLUSIVE, unless the transaction already
        // holds a lock that blocks writes (strong_migrations' writes_blocked?).
        "validate_foreign_key" if state.writes_blocked => out.push(Hazard::ValidateForeignKey),
        "add_check_constraint" if validated => out.push(Hazard::AddCheckConstraint),
        "validate_check_constraint" if state.writes_blocked => out.push(Hazard::ValidateCheckConstraint),
        "add_unique_constraint" if op.args.option("using_index").is_none() => out.push(Hazard::AddUniqueConstraint),
        "add_exclusion_constraint" => out.push(Hazard::AddExclusionConstraint),
        _ => {}
    }
}
