//! Index checks: CREATE/DROP INDEX without CONCURRENTLY, CONCURRENTLY inside a transaction,
//! wide non-unique indexes, and the index (and foreign key) that add_reference brings.

use super::SchemaState;
use crate::preflight::lint::advice::Hazard;
use crate::preflight::lint::syntax::{hash_pairs, is_off, literal_name};
use crate::preflight::lint::walk::Operation;
use tree_sitter::Node;

pub(super) fn check(op: &Operation, state: &SchemaState, source: &str, out: &mut Vec<Hazard>) {
    let existing = !state.on_new_table(op);
    match op.name.as_str() {
        // Indexes declared while creating a table are built on an empty table.
        "add_index" if !op.context.in_create_table => {
            if is_concurrent(op.args.option("algorithm"), source) {
                if !state.disables_ddl_transaction {
                    out.push(Hazard::AddIndexInTransaction);
                }
                let version = state.settings.postgres_version;
                if version.major == 14 && version.minor.is_some_and(|minor| minor < 4) {
                    out.push(Hazard::AddIndexCorruption);
                }
            } else if existing {
                out.push(Hazard::AddIndex);
            }
            if is_wide_non_unique(op) {
                out.push(Hazard::AddIndexColumns);
            }
        }
        "remove_index" => {
            if is_concurrent(op.args.option("algorithm"), source) {
                if !state.disables_ddl_transaction {
                    out.push(Hazard::RemoveIndexInTransaction);
                }
            } else if existing {
                out.push(Hazard::RemoveIndex);
            }
        }
        "add_reference" | "add_belongs_to" if !op.context.in_create_table => {
            match op.args.option("index") {
                // Rails indexes references by default.
                None => {
                    if existing {
                        out.push(Hazard::AddReference)
                    }
                }
                Some(index) if is_off(index) => {}
                Some(index) => {
                    let algorithm = option_in_hash(index, "algorithm", source);
                    if is_concurrent(algorithm, source) {
                        if !state.disables_ddl_transaction {
                            out.push(Hazard::AddReferenceInTransaction);
                        }
                    } else if existing {
                        out.push(Hazard::AddReference);
                    }
                }
            }
            if existing && adds_foreign_key(op) && !foreign_key_unvalidated(op, source) {
                out.push(Hazard::AddForeignKey);
            }
        }
        _ => {}
    }
}

/// `foreign_key: true` or `foreign_key: { … }` on add_reference.
pub(super) fn adds_foreign_key(op: &Operation) -> bool {
    op.args.option("foreign_key").is_some_and(|fk| !is_off(fk))
}

fn foreign_key_unvalidated(op: &Operation, source: &str) -> bool {
    let validate = op.args.option("foreign_key").and_then(|fk| option_in_hash(fk, "validate", source));
    validate.is_some_and(is_off)
}

fn is_concurrent(algorithm: Option<Node>, source: &str) -> bool {
    algorithm.and_then(|a| literal_name(a, source)).is_some_and(|a| a == "concurrently")
}

fn option_in_hash<'t>(hash: Node<'t>, key: &str, source: &str) -> Option<Node<'t>> {
    hash_pairs(hash, source).into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// More than three columns and not unique: strong_migrations' `add_index_columns`.
fn is_wide_non_unique(op: &Operation) -> bool {
    let Some(columns) = op.args.positional.first().filter(|c| c.kind() == "array") else { return false };
    let unique = op.args.option("unique").is_some_and(|u| !is_off(u));
    columns.named_child_count() > 3 && !unique
}
