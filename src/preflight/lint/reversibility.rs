//! Can a rollback undo this migration? It matters when a release must be rolled back fast.
//!
//! `change` is reversed by Rails' command recorder, which cannot invert some calls (it raises
//! ActiveRecord::IrreversibleMigration on rollback). With `up`, Rails runs `down` as written:
//! a missing `down` silently does nothing, and one that raises blocks the rollback.

use super::migration::{Direction, Migration};
use super::syntax::{constant_path, is_inert, line, statement, text, Call};
use super::walk::Operation;
use tree_sitter::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MigrationKind {
    Schema,
    Data,
}

/// How the migration is rolled back, with the nodes data checks report on.
pub(super) enum Rollback<'t> {
    /// `change` whose recorded calls Rails can all invert.
    Recorded,
    /// `change` with calls Rails cannot invert (or, in a data migration, data code in `change`).
    Unrecordable(Vec<Node<'t>>),
    /// `up` without `down`.
    NoDown(Node<'t>),
    /// `down` raises (ActiveRecord::IrreversibleMigration or anything else).
    DownRaises(Node<'t>),
    /// `def down; end`.
    DownEmpty(Node<'t>),
    /// `up` and a `down` with code in it.
    Written,
    /// Neither `change` nor `up`.
    Unknown,
}

pub(super) struct Reversibility<'t> {
    pub reversible: Option<bool>,
    pub notes: Vec<String>,
    pub rollback: Rollback<'t>,
}

pub(super) fn assess<'t>(
    migration: &Migration<'t>,
    operations: &[Operation<'t>],
    source: &str,
    kind: MigrationKind,
) -> Reversibility<'t> {
    let mut notes = Vec::new();
    let (change, up, down) = (migration.method("change"), migration.method("up"), migration.method("down"));
    if change.is_some() && (up.is_some() || down.is_some()) {
        notes.push("both change and up/down are defined: Rails runs change and ignores up/down".to_string());
    }
    let rollback = if let Some(change) = change {
        let mut unrecordable = Vec::new();
        for op in operations.iter().filter(|op| op.context.in_change && op.context.direction == Direction::Up) {
            if op.context.hand_reversed {
                continue;
            }
            if let Some(reason) = irreversible_reason(op) {
                notes.push(format!(
                    "line {}: `{}`: {reason}; rolling back raises ActiveRecord::IrreversibleMigration",
                    line(op.call.node),
                    statement(op.call.node, source)
                ));
                unrecordable.push(op.call.node);
            }
        }
        if kind == MigrationKind::Data && change.body.is_some() && unrecordable.is_empty() {
            notes.push("data code in change is not reversed: a rollback runs it again".to_string());
            unrecordable.push(change.node);
        }
        if unrecordable.is_empty() {
            Rollback::Recorded
        } else {
            Rollback::Unrecordable(unrecordable)
        }
    } else if let Some(up) = up {
        match down {
            None => {
                notes.push("no down method: a rollback does nothing and leaves the changes of up in place".to_string());
                Rollback::NoDown(up.node)
            }
            Some(down) => match down.body.and_then(|body| raise_in(body, source)) {
                Some(raise) => {
                    notes.push(format!("line {}: down raises: this migration cannot be rolled back", line(raise)));
                    Rollback::DownRaises(raise)
                }
                None if down.is_empty() => {
                    notes.push("down is empty: a rollback leaves the changes of up in place".to_string());
                    Rollback::DownEmpty(down.node)
                }
                None => Rollback::Written,
            },
        }
    } else {
        notes.push("no change or up method: reversibility unknown".to_string());
        Rollback::Unknown
    };
    let reversible = match rollback {
        Rollback::Recorded | Rollback::Written => Some(true),
        Rollback::Unknown => None,
        _ => Some(false),
    };
    Reversibility { reversible, notes, rollback }
}

/// Why Rails' command recorder cannot invert this call, if it cannot.
fn irreversible_reason(op: &Operation) -> Option<&'static str> {
    if !op.is_schema_call() {
        return None;
    }
    let args = &op.args;
    let has = |key: &str| args.option(key).is_some();
    let positional = args.positional.len();
    Some(match op.name.as_str() {
        "remove_column" if positional < 2 => "remove_column without a column type",
        "remove_columns" if !has("type") => "removing columns without `type:`",
        "change_column" => "change_column does not record the previous type",
        "execute" if op.call.receiver().is_none() => "execute runs SQL Rails cannot invert",
        "remove_index" if positional == 0 && !has("column") => "remove_index without its columns",
        "drop_table" if op.call.block().is_none() => "drop_table without a block describing the table",
        "change_column_default" | "change_column_comment" | "change_table_comment" if !(has("from") && has("to")) => {
            "no `from:`/`to:` to restore the previous value"
        }
        "remove_foreign_key" if positional == 0 && !has("to_table") => {
            "remove_foreign_key without the referenced table"
        }
        "remove_check_constraint" | "remove_exclusion_constraint" if positional == 0 => {
            "removing a constraint without its expression"
        }
        "remove_unique_constraint" if positional == 0 => "remove_unique_constraint without its columns",
        _ => return None,
    })
}

/// A statement of `down` that raises, or a raise of IrreversibleMigration anywhere in it.
fn raise_in<'t>(body: Node<'t>, source: &str) -> Option<Node<'t>> {
    let mut cursor = body.walk();
    if let Some(direct) = body.named_children(&mut cursor).find(|n| is_raise(*n, source)) {
        return Some(direct);
    }
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        if is_raise(node, source) && mentions_irreversible(node, source) {
            return Some(node);
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor).filter(|c| !is_inert(c.kind())));
    }
    None
}

/// `raise …`, `fail …`, or a bare `raise`.
fn is_raise(node: Node, source: &str) -> bool {
    let name = match Call::of(node) {
        Some(call) if call.receiver().is_none() => call.method(source),
        Some(_) => return false,
        None if node.kind() == "identifier" => text(node, source),
        None => return false,
    };
    matches!(name, "raise" | "fail")
}

fn mentions_irreversible(raise: Node, source: &str) -> bool {
    let Some(call) = Call::of(raise) else { return false };
    call.arguments(source)
        .positional
        .iter()
        .filter_map(|arg| constant_path(arg.child_by_field_name("receiver").unwrap_or(*arg), source))
        .any(|path| path.ends_with("IrreversibleMigration"))
}
