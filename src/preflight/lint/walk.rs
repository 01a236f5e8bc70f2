//! Flattens a migration's methods into the ordered list of calls they make, each with the
//! context that decides whether it is dangerous: inside `safety_assured`, inside `reversible`,
//! which direction it runs, which table a `change_table`/`create_table` block works on.

use super::migration::{Direction, Migration};
use super::syntax::{is_inert, literal_name, Arguments, Call};
use tree_sitter::TreeCursor;

/// Where a call sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Context {
    pub direction: Direction,
    /// Inside `def change`: Rails records the call and must be able to invert it.
    pub in_change: bool,
    pub safety_assured: bool,
    /// Inside `reversible { }` or `up_only { }`: the author wrote both directions by hand.
    pub hand_reversed: bool,
    /// Inside a `create_table` block: the table is being created.
    pub in_create_table: bool,
    /// Inside `revert { }` (or a reverted migration): each call runs as its inverse.
    pub reverted: bool,
}

/// One call made by the migration, normalized to the Rails schema method it amounts to.
pub(super) struct Operation<'t> {
    /// `add_index`, `remove_columns` (for `t.remove`), … or the plain method name of any call.
    pub name: String,
    pub call: Call<'t>,
    /// The table for table operations, when it is a literal.
    pub table: Option<String>,
    /// Arguments, the table excluded for table operations.
    pub args: Arguments<'t>,
    /// The column type implied by `t.string`, `t.json`… in a table block.
    pub implied_type: Option<String>,
    /// True for a `t.…` call in a `change_table`/`create_table` block.
    pub in_table_block: bool,
    pub context: Context,
}

impl Operation<'_> {
    /// A call Rails sends to the migration itself (no receiver) or to a table block's `t`.
    pub fn is_schema_call(&self) -> bool {
        self.in_table_block || self.call.receiver().is_none()
    }

    /// The column type of an `add_column`-like operation.
    pub fn column_type(&self, source: &str) -> Option<String> {
        self.implied_type.clone().or_else(|| self.args.positional.get(1).and_then(|n| literal_name(*n, source)))
    }
}

/// Receiver-less methods whose first argument is the table.
const TABLE_OPERATIONS: &[&str] = &[
    "add_column",
    "add_timestamps",
    "add_reference",
    "add_belongs_to",
    "add_index",
    "add_foreign_key",
    "add_check_constraint",
    "add_unique_constraint",
    "add_exclusion_constraint",
    "change_column",
    "change_column_null",
    "change_column_default",
    "change_column_comment",
    "change_table_comment",
    "change_table",
    "safe_change_table",
    "create_table",
    "drop_table",
    "rename_column",
    "rename_table",
    "rename_index",
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
    "validate_foreign_key",
    "validate_check_constraint",
    "validate_constraint",
];

/// `t.x` in a table block: the schema method it stands for. `None`: a column type (`t.string`).
fn table_block_operation(method: &str) -> Option<&'static str> {
    Some(match method {
        "remove" => "remove_columns",
        "remove_references" | "remove_reference" | "remove_belongs_to" => "remove_reference",
        "remove_timestamps" => "remove_timestamps",
        "timestamps" => "add_timestamps",
        "change" => "change_column",
        "change_default" => "change_column_default",
        "change_null" => "change_column_null",
        "rename" => "rename_column",
        "index" => "add_index",
        "remove_index" => "remove_index",
        "rename_index" => "rename_index",
        "references" | "belongs_to" => "add_reference",
        "foreign_key" => "add_foreign_key",
        "remove_foreign_key" => "remove_foreign_key",
        "check_constraint" => "add_check_constraint",
        "remove_check_constraint" => "remove_check_constraint",
        "unique_constraint" => "add_unique_constraint",
        "remove_unique_constraint" => "remove_unique_constraint",
        "exclusion_constraint" => "add_exclusion_constraint",
        "remove_exclusion_constraint" => "remove_exclusion_constraint",
        "column" => "add_column",
        // Questions, not operations.
        "column_exists?" | "index_exists?" | "foreign_key_exists?" | "check_constraint_exists?" => "query",
        _ => return None,
    })
}

/// The `t` of `change_table :users do |t|`.
#[derive(Clone)]
struct TableBlock<'s> {
    parameter: &'s str,
    table: Option<String>,
}

#[derive(Clone)]
struct Frame<'s> {
    context: Context,
    table_block: Option<TableBlock<'s>>,
}

/// Every call of the migration's methods in source order (pre-order: an outer call comes
/// before the calls in its receiver, arguments and block). `reverting`: the migration is run
/// backwards by another one's `revert`, so `change` runs inverted and `down` runs, not `up`.
pub(super) fn operations<'t>(migration: &Migration<'t>, source: &str, reverting: bool) -> Vec<Operation<'t>> {
    let mut operations = Vec::new();
    let base = Context {
        direction: Direction::Up,
        in_change: false,
        safety_assured: false,
        hand_reversed: false,
        in_create_table: false,
        reverted: false,
    };
    if migration.found_class() {
        for method in &migration.methods {
            let in_change = method.name == "change";
            let direction = match (reverting, method.direction()) {
                (false, d) => d,
                (true, Direction::Down) => Direction::Up,
                (true, Direction::Up) if in_change => Direction::Up,
                (true, Direction::Up) => Direction::Down,
            };
            let context = Context { direction, in_change, reverted: reverting && in_change, ..base };
            if let Some(body) = method.body {
                visit(&mut body.walk(), &Frame { context, table_block: None }, source, &mut operations);
            }
        }
    } else if let Some(program) = migration.scope {
        // No migration class (a script, a fragment): lint whatever code there is.
        visit(&mut program.walk(), &Frame { context: base, table_block: None }, source, &mut operations);
    }
    operations
}

/// Pre-order walk with one shared cursor: creating a cursor per node allocates, and the walk
/// visits every node of the file.
fn visit<'t, 's>(cursor: &mut TreeCursor<'t>, frame: &Frame<'s>, source: &'s str, out: &mut Vec<Operation<'t>>) {
    let node = cursor.node();
    if is_inert(node.kind()) {
        return;
    }
    let block_frame = Call::of(node).map(|call| {
        let operation = operation(call, frame, source);
        let inner = call.block().map(|_| block_frame(call, &operation, frame, source));
        out.push(operation);
        inner
    });
    if !cursor.goto_first_child() {
        return;
    }
    loop {
        if cursor.node().is_named() {
            let in_block = cursor.field_name() == Some("block");
            let child_frame = match &block_frame {
                Some(Some(inner)) if in_block => inner,
                _ => frame,
            };
            visit(cursor, child_frame, source, out);
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
    cursor.goto_parent();
}

fn operation<'t>(call: Call<'t>, frame: &Frame, source: &str) -> Operation<'t> {
    let method = call.method(source);
    let mut args = call.arguments(source);
    let mut operation = Operation {
        name: method.to_string(),
        call,
        table: None,
        args: Arguments { positional: Vec::new(), options: Vec::new(), block_argument: false },
        implied_type: None,
        in_table_block: false,
        context: frame.context,
    };
    match (call.receiver(), &frame.table_block) {
        (None, _) if TABLE_OPERATIONS.contains(&method) && !args.positional.is_empty() => {
            let table = args.positional.remove(0);
            operation.table = literal_name(table, source);
            if method == "safe_change_table" {
                operation.name = "change_table".to_string();
            }
        }
        (Some(receiver), Some(block))
            if receiver.kind() == "identifier"
                && receiver.utf8_text(source.as_bytes()).ok() == Some(block.parameter) =>
        {
            operation.in_table_block = true;
            operation.table.clone_from(&block.table);
            match table_block_operation(method) {
                Some(name) => operation.name = name.to_string(),
                None => {
                    operation.name = "add_column".to_string();
                    operation.implied_type = Some(method.to_string());
                }
            }
        }
        _ => {}
    }
    operation.args = args;
    if frame.context.reverted && operation.is_schema_call() {
        if let Some(inverse) = inverse(&operation.name) {
            operation.name = inverse.to_string();
        }
    }
    operation
}

/// What Rails' command recorder runs for a call inside `revert`: its inverse. Renames invert
/// into renames, `change_column_null` into itself with the flag flipped (see `Context::reverted`).
fn inverse(name: &str) -> Option<&'static str> {
    Some(match name {
        "add_column" => "remove_column",
        "remove_column" => "add_column",
        "add_reference" | "add_belongs_to" => "remove_reference",
        "remove_reference" | "remove_belongs_to" => "add_reference",
        "add_timestamps" => "remove_timestamps",
        "remove_timestamps" => "add_timestamps",
        "add_index" => "remove_index",
        "remove_index" => "add_index",
        "add_foreign_key" => "remove_foreign_key",
        "remove_foreign_key" => "add_foreign_key",
        "add_check_constraint" => "remove_check_constraint",
        "remove_check_constraint" => "add_check_constraint",
        "add_unique_constraint" => "remove_unique_constraint",
        "add_exclusion_constraint" => "remove_exclusion_constraint",
        "create_table" => "drop_table",
        "drop_table" => "create_table",
        "create_join_table" => "drop_join_table",
        "drop_join_table" => "create_join_table",
        "enable_extension" => "disable_extension",
        "disable_extension" => "enable_extension",
        _ => return None,
    })
}

/// The frame for the code inside a call's block.
fn block_frame<'s>(call: Call, operation: &Operation, frame: &Frame<'s>, source: &'s str) -> Frame<'s> {
    let mut inner = frame.clone();
    if call.receiver().is_none() {
        // The method as written: inside `revert`, `create_table`'s block still describes a table.
        match call.method(source) {
            "safety_assured" => inner.context.safety_assured = true,
            "reversible" | "up_only" => inner.context.hand_reversed = true,
            "revert" => inner.context.reverted = !frame.context.reverted,
            "change_table" | "safe_change_table" | "create_table" => {
                inner.context.in_create_table = call.method(source) == "create_table";
                inner.table_block = call
                    .block_parameter(source)
                    .map(|parameter| TableBlock { parameter, table: operation.table.clone() });
            }
            _ => {}
        }
    } else if frame.context.hand_reversed && operation.name == "down" {
        // `dir.down { … }` inside `reversible do |dir|`: runs only on rollback.
        inner.context.direction = Direction::Down;
    }
    inner
}
