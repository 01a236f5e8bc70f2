//! Which schema change each Rails migration statement stands for: receiver-less calls
//! (`add_column :orders, :x`) and the `t.x` calls of a `change_table` block.
use tree_sitter::Node;

/// One change to the schema, with the 1-based line of the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effect {
    pub line: usize,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    CreateTable {
        table: String,
    },
    DropTable {
        table: String,
    },
    AddColumn {
        table: String,
        column: String,
        not_null: bool,
        has_default: bool,
    },
    RemoveColumn {
        table: String,
        column: String,
    },
    RenameColumn {
        table: String,
        from: String,
        to: String,
    },
    RenameTable {
        from: String,
        to: String,
    },
    ChangeColumnType {
        table: String,
        column: String,
        to: String,
    },
    /// `change_column_null :t, :c, false` (NOT NULL) or `true`.
    ChangeColumnNull {
        table: String,
        column: String,
        allows_null: bool,
    },
    /// Raw SQL: nobody can tell what it does without reading it.
    Execute,
    /// Indexes, constraints, defaults, comments: older code does not notice them.
    Neutral {
        what: String,
    },
}

/// A name the source does not spell out literally (a variable, an interpolation).
pub(super) const UNKNOWN: &str = "?";

/// A call's arguments: literal names (symbols, strings) in order, and `key: value` options.
pub(super) struct Args<'s> {
    pub names: Vec<&'s str>,
    pub options: Vec<(&'s str, Node<'s>)>,
}

impl<'s> Args<'s> {
    pub fn name(&self, i: usize) -> &'s str {
        self.names.get(i).copied().unwrap_or(UNKNOWN)
    }
    fn option(&self, key: &str) -> Option<&'s str> {
        self.options.iter().find(|(k, _)| *k == key).map(|(_, v)| v.kind())
    }
    fn not_null(&self) -> bool {
        self.option("null") == Some("false")
    }
    fn has_default(&self) -> bool {
        self.option("default").is_some_and(|k| k != "nil")
    }
}

fn owned(s: &str) -> String {
    s.to_string()
}

/// A receiver-less schema statement.
pub(super) fn schema_call(method: &str, a: &Args) -> Option<Change> {
    let (t, c) = (owned(a.name(0)), owned(a.name(1)));
    Some(match method {
        "create_table" | "create_join_table" => Change::CreateTable { table: t },
        "drop_table" | "drop_join_table" => Change::DropTable { table: t },
        "add_column" => Change::AddColumn { table: t, column: c, not_null: a.not_null(), has_default: a.has_default() },
        "add_reference" | "add_belongs_to" => {
            Change::AddColumn { table: t, column: format!("{c}_id"), not_null: a.not_null(), has_default: false }
        }
        "remove_column" => Change::RemoveColumn { table: t, column: c },
        // `remove_columns :t, :a, :b` removes several; the first names the effect.
        "remove_columns" => Change::RemoveColumn { table: t, column: a.names.get(1..).unwrap_or_default().join(", ") },
        "remove_reference" | "remove_belongs_to" => Change::RemoveColumn { table: t, column: format!("{c}_id") },
        "remove_timestamps" => Change::RemoveColumn { table: t, column: "created_at, updated_at".into() },
        "rename_column" => Change::RenameColumn { table: t, from: c, to: owned(a.name(2)) },
        "rename_table" => Change::RenameTable { from: t, to: c },
        "change_column" => Change::ChangeColumnType { table: t, column: c, to: owned(a.name(2)) },
        "change_column_null" => Change::ChangeColumnNull {
            table: t,
            column: c,
            allows_null: a.names.get(2).map_or(true, |v| *v != "false"),
        },
        "execute" => Change::Execute,
        "add_index"
        | "remove_index"
        | "add_foreign_key"
        | "remove_foreign_key"
        | "add_check_constraint"
        | "remove_check_constraint"
        | "change_column_default"
        | "change_column_comment"
        | "change_table_comment"
        | "add_timestamps"
        | "validate_foreign_key"
        | "validate_check_constraint"
        | "rename_index"
        | "add_unique_constraint"
        | "add_exclusion_constraint"
        | "enable_extension"
        | "create_enum" => Change::Neutral { what: method.to_string() },
        _ => return None,
    })
}

/// `t.x` inside `change_table`.
pub(super) fn table_call(method: &str, table: &str, a: &Args) -> Option<Change> {
    let (t, c) = (owned(table), owned(a.name(0)));
    Some(match method {
        "remove" => Change::RemoveColumn { table: t, column: a.names.join(", ") },
        "remove_references" | "remove_reference" | "remove_belongs_to" => {
            Change::RemoveColumn { table: t, column: format!("{c}_id") }
        }
        "remove_timestamps" => Change::RemoveColumn { table: t, column: "created_at, updated_at".into() },
        "rename" => Change::RenameColumn { table: t, from: c, to: owned(a.name(1)) },
        "change" => Change::ChangeColumnType { table: t, column: c, to: owned(a.name(1)) },
        "change_null" => Change::ChangeColumnNull {
            table: t,
            column: c,
            allows_null: a.names.get(1).map_or(true, |v| *v != "false"),
        },
        "references" | "belongs_to" => {
            Change::AddColumn { table: t, column: format!("{c}_id"), not_null: a.not_null(), has_default: false }
        }
        "column" => Change::AddColumn { table: t, column: c, not_null: a.not_null(), has_default: a.has_default() },
        "index"
        | "remove_index"
        | "rename_index"
        | "foreign_key"
        | "remove_foreign_key"
        | "check_constraint"
        | "remove_check_constraint"
        | "change_default"
        | "timestamps"
        | "comment" => Change::Neutral { what: format!("t.{method}") },
        // `t.string :name`, `t.integer :n, null: false`: a column of that type.
        _ => Change::AddColumn { table: t, column: c, not_null: a.not_null(), has_default: a.has_default() },
    })
}
