//! Column and table checks: removing, renaming, retyping, adding columns that rewrite the
//! table or break running queries, NOT NULL, `create_table force:`.

use super::SchemaState;
use crate::preflight::lint::advice::Hazard;
use crate::preflight::lint::syntax::{is_off, literal_name};
use crate::preflight::lint::walk::Operation;
use tree_sitter::Node;

pub(super) fn check(op: &Operation, state: &SchemaState, source: &str, out: &mut Vec<Hazard>) {
    let existing = !state.on_new_table(op);
    match op.name.as_str() {
        "remove_column" | "remove_columns" | "remove_reference" | "remove_belongs_to" | "remove_timestamps"
            if existing =>
        {
            out.push(Hazard::RemoveColumn)
        }
        "change_column" if existing => out.push(Hazard::ChangeColumn),
        "rename_column" if existing => out.push(Hazard::RenameColumn),
        "rename_table" if existing => out.push(Hazard::RenameTable),
        "create_table" if op.args.option("force").is_some_and(|force| !is_off(force)) => {
            out.push(Hazard::CreateTableForce)
        }
        "add_column" if existing => added_column(op, source, out),
        "add_timestamps" if existing && op.args.option("default").is_some_and(|d| is_volatile(d, source)) => {
            out.push(Hazard::AddColumnDefault)
        }
        "change_column_null" if existing && op.args.positional.get(1).is_some_and(|n| n.kind() == "false") => {
            out.push(Hazard::ChangeColumnNull)
        }
        _ => {}
    }
}

fn added_column(op: &Operation, source: &str, out: &mut Vec<Hazard>) {
    let column_type = op.column_type(source).unwrap_or_default();
    match column_type.as_str() {
        "serial" | "bigserial" | "primary_key" => out.push(Hazard::AddColumnAutoIncrementing),
        "virtual" if op.args.option("stored").is_some_and(|s| s.kind() == "true") => {
            out.push(Hazard::AddColumnGeneratedStored)
        }
        "json" => out.push(Hazard::AddColumnJson),
        _ => {}
    }
    if op.args.option("default").is_some_and(|d| is_volatile(d, source)) {
        out.push(Hazard::AddColumnDefault);
    }
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

/// A default Rails sends as raw SQL (a lambda) that PostgreSQL must evaluate per row:
/// `-> { "gen_random_uuid()" }`, `-> { "clock_timestamp()" }`. A lambda we cannot read counts as
/// volatile; a literal default never is.
fn is_volatile(default: Node, source: &str) -> bool {
    if default.kind() != "lambda" {
        return false;
    }
    match lambda_sql(default, source) {
        Some(sql) => !STABLE_SQL_DEFAULTS.contains(&sql.trim().to_ascii_lowercase().as_str()),
        None => true,
    }
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
