//! Column and table checks: removing, renaming, retyping, adding columns that rewrite the
//! table or break running queries, NOT NULL, defaults, `create_table force:`.

use super::column_types::{self, TypeChange};
use super::SchemaState;
use crate::preflight::lint::advice::Hazard;
use crate::preflight::lint::dump::ColumnFacts;
use crate::preflight::lint::syntax::{integer, is_off, literal_name};
use crate::preflight::lint::walk::Operation;
use tree_sitter::Node;

pub(super) fn check(op: &Operation, state: &SchemaState, source: &str, out: &mut Vec<Hazard>) {
    let existing = !state.on_new_table(op);
    let table = op.table.as_deref().unwrap_or_default();
    let column = op.args.positional.first().and_then(|n| literal_name(*n, source));
    match op.name.as_str() {
        "remove_column" | "remove_columns" | "remove_reference" | "remove_belongs_to" | "remove_timestamps"
            if existing =>
        {
            out.push(Hazard::RemoveColumn)
        }
        "change_column" if existing => changed_column(op, state, table, column.as_deref(), source, out),
        "rename_column" if existing => out.push(Hazard::RenameColumn),
        "rename_table" if existing => out.push(Hazard::RenameTable),
        "create_table" | "create_join_table" if op.args.option("force").is_some_and(|force| !is_off(force)) => {
            out.push(Hazard::CreateTableForce)
        }
        "add_column" if existing => added_column(op, state, source, out),
        "add_timestamps" if existing => {
            if let Some(hazard) = default_hazard(op.args.option("default"), None, state, source) {
                out.push(hazard);
            }
        }
        "change_column_null" if existing => null_change(op, state, table, column.as_deref(), out),
        "change_column_default"
            if existing
                && state.facts.partial_inserts != Some(false)
                && !column.is_some_and(|c| state.is_new_column(table, &c)) =>
        {
            out.push(Hazard::ChangeColumnDefault)
        }
        _ => {}
    }
}

fn added_column(op: &Operation, state: &SchemaState, source: &str, out: &mut Vec<Hazard>) {
    let column_type = op.column_type(source).unwrap_or_default();
    match column_type.as_str() {
        "serial" | "bigserial" | "primary_key" => out.push(Hazard::AddColumnAutoIncrementing),
        "virtual" if op.args.option("stored").is_some_and(|s| s.kind() == "true") => {
            out.push(Hazard::AddColumnGeneratedStored)
        }
        "json" => out.push(Hazard::AddColumnJson),
        _ => {}
    }
    if let Some(hazard) = default_hazard(op.args.option("default"), Some(&column_type), state, source) {
        out.push(hazard);
    }
}

/// The danger of adding a column with `default`: before PostgreSQL 11 any default rewrites the
/// table; from 11 only a volatile one does.
fn default_hazard(
    default: Option<Node>,
    column_type: Option<&str>,
    state: &SchemaState,
    source: &str,
) -> Option<Hazard> {
    let default = default.filter(|d| d.kind() != "nil")?;
    if state.settings.postgres_version.major < 11 {
        return Some(Hazard::AddColumnDefaultBefore11);
    }
    let volatile = match default.kind() {
        // A lambda we cannot read counts as volatile.
        "lambda" => !lambda_sql(default, source).is_some_and(|sql| is_stable(&sql)),
        // Active Record passes a uuid column's `"fn()"` default to PostgreSQL as a function call.
        _ if column_type == Some("uuid") => {
            literal_name(default, source).is_some_and(|sql| sql.contains("()") && !is_stable(&sql))
        }
        _ => false,
    };
    volatile.then_some(Hazard::AddColumnDefault)
}

fn null_change(op: &Operation, state: &SchemaState, table: &str, column: Option<&str>, out: &mut Vec<Hazard>) {
    // Inside `revert`, `change_column_null … true` is what sets NOT NULL.
    let sets_not_null = if op.context.reverted { "true" } else { "false" };
    if !op.args.positional.get(1).is_some_and(|n| n.kind() == sets_not_null) {
        return;
    }
    let by_constraint =
        state.settings.postgres_version.major >= 12 && column.is_some_and(|c| state.validated_not_null(table, c));
    if !by_constraint {
        out.push(Hazard::ChangeColumnNull);
    } else if op.args.positional.get(2).is_some_and(|d| d.kind() != "nil") {
        out.push(Hazard::ChangeColumnNullDefault);
    }
}

fn changed_column(
    op: &Operation,
    state: &SchemaState,
    table: &str,
    column: Option<&str>,
    source: &str,
    out: &mut Vec<Hazard>,
) {
    let Some(column) = column else { return out.push(Hazard::ChangeColumn) };
    let Some(existing) = state.column(table, column) else { return out.push(Hazard::ChangeColumn) };
    let Some(target) = target(op, source, Some(&existing)) else { return out.push(Hazard::ChangeColumn) };
    match column_types::change(&existing, &target, state.indexed(table, column)) {
        TypeChange::Rewrite => out.push(Hazard::ChangeColumn),
        TypeChange::InPlaceIfUtc if state.settings.postgres_version.major >= 12 => {
            out.push(Hazard::ChangeColumnTimeZone)
        }
        TypeChange::InPlaceIfUtc => out.push(Hazard::ChangeColumn),
        TypeChange::InPlace if existing.null && !target.null => out.push(Hazard::ChangeColumnWithNotNull),
        TypeChange::InPlace if state.checked(table, column) => out.push(Hazard::ChangeColumnConstraint),
        TypeChange::InPlace => {}
    }
}

/// The column an `add_column`/`change_column` describes, from its type and options; `before`
/// supplies the nullability `change_column` keeps when it says nothing.
pub(super) fn target(op: &Operation, source: &str, before: Option<&ColumnFacts>) -> Option<ColumnFacts> {
    let rails_type = op.column_type(source)?;
    let number = |key: &str| op.args.option(key).and_then(|n| integer(n, source));
    let null = match op.args.option("null").map(|n| n.kind()) {
        Some("false") => false,
        Some(_) => true,
        None => before.map_or(true, |c| c.null),
    };
    Some(ColumnFacts {
        rails_type,
        limit: number("limit"),
        precision: number("precision"),
        scale: number("scale"),
        null,
    })
}

/// SQL defaults that PostgreSQL 11+ evaluates once for the whole table (STABLE functions and
/// SQL value functions), so adding a column with them does not rewrite the table.
const STABLE_SQL_DEFAULTS: &[&str] = &[
    "now()",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "transaction_timestamp()",
    "statement_timestamp()",
];

fn is_stable(sql: &str) -> bool {
    STABLE_SQL_DEFAULTS.contains(&sql.trim().to_ascii_lowercase().as_str())
}

/// The SQL of `-> { "…" }` when the body is a single plain string.
fn lambda_sql(lambda: Node, source: &str) -> Option<String> {
    let body = lambda.child_by_field_name("body")?.child_by_field_name("body")?;
    let mut cursor = body.walk();
    let statements: Vec<Node> = body.named_children(&mut cursor).filter(|n| n.kind() != "comment").collect();
    match statements.as_slice() {
        [only] => literal_name(*only, source),
        _ => None,
    }
}
