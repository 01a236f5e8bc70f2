//! What `db/schema.rb` (Rails' schema dump) says about the tables a migration touches: column
//! types, limits, precision, nullability, indexed columns and check constraints. The lint reads
//! it at production's commit, so "the column's current type" is the repository's account of
//! production, not a guess. Only the tables a check asks about are parsed: a big app's dump
//! runs to thousands of lines, and most migrations never need it.

use super::syntax::{self, literal_name, Call};
use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use tree_sitter::Node;

/// A column as the lint compares types: Rails' type name and its size options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnFacts {
    /// Rails' type as written in a migration or the dump: `string`, `decimal`, `datetime`, …
    pub rails_type: String,
    pub limit: Option<u32>,
    pub precision: Option<u32>,
    pub scale: Option<u32>,
    /// Whether NULL is allowed.
    pub null: bool,
}

/// A check constraint on a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckConstraint {
    pub name: Option<String>,
    pub expression: String,
    pub validated: bool,
}

/// One table of the dump.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableFacts {
    pub columns: HashMap<String, ColumnFacts>,
    /// Columns that appear in some index.
    pub indexed: HashSet<String>,
    pub checks: Vec<CheckConstraint>,
}

/// `db/schema.rb`, read table by table on demand.
pub struct SchemaDump {
    text: String,
    /// Where each table's block is in `text`: found in one pass on first use.
    blocks: OnceCell<HashMap<String, std::ops::Range<usize>>>,
    tables: RefCell<HashMap<String, Option<Rc<TableFacts>>>>,
}

impl SchemaDump {
    pub fn new(text: String) -> SchemaDump {
        SchemaDump { text, blocks: OnceCell::new(), tables: RefCell::new(HashMap::new()) }
    }

    /// The table named `name`, if the dump creates it.
    pub fn table(&self, name: &str) -> Option<Rc<TableFacts>> {
        if let Some(found) = self.tables.borrow().get(name) {
            return found.clone();
        }
        let blocks = self.blocks.get_or_init(|| table_blocks(&self.text));
        let found = blocks.get(name).and_then(|range| read_table(&self.text[range.clone()])).map(Rc::new);
        self.tables.borrow_mut().insert(name.to_string(), found.clone());
        found
    }
}

/// Every `create_table "name" … do |t| … end` block of a dump, by its lines: the dumper writes
/// each at the same indentation, `end` included.
fn table_blocks(text: &str) -> HashMap<String, std::ops::Range<usize>> {
    let mut blocks = HashMap::new();
    let mut offset = 0;
    let mut open: Option<(String, usize, usize)> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &open {
            None => open = table_name(trimmed).map(|name| (name, offset, indent)),
            Some((_, _, at)) if indent == *at && trimmed.trim_end() == "end" => {
                let (name, begin, _) = open.take().expect("open block");
                blocks.insert(name, begin..offset + line.len());
            }
            Some(_) => {}
        }
        offset += line.len();
    }
    blocks
}

/// `create_table "users", force: :cascade do |t|` -> `users`.
fn table_name(line: &str) -> Option<String> {
    let rest = line.strip_prefix("create_table ")?;
    let (name, after) = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split_once('"')?,
        None => {
            let symbol = rest.strip_prefix(':')?;
            let end = symbol.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(symbol.len());
            (&symbol[..end], &symbol[end..])
        }
    };
    (after.is_empty() || after.starts_with([',', ' ', '\n'])).then(|| name.to_string())
}

fn read_table(block: &str) -> Option<TableFacts> {
    let tree = syntax::parse(block)?;
    let call = Call::of(tree.root_node().named_child(0)?)?;
    let parameter = call.block_parameter(block)?;
    let body = call.block()?.child_by_field_name("body")?;
    let mut table = TableFacts::default();
    let mut cursor = body.walk();
    for statement in body.named_children(&mut cursor) {
        let Some(call) = Call::of(statement) else { continue };
        let on_table = call.receiver().is_some_and(|r| syntax::text(r, block) == parameter);
        if on_table {
            read_statement(&mut table, call, block);
        }
    }
    Some(table)
}

fn read_statement(table: &mut TableFacts, call: Call, source: &str) {
    let args = call.arguments(source);
    let first = args.positional.first().copied();
    match call.method(source) {
        "index" => {
            if let Some(columns) = first {
                table.indexed.extend(names(columns, source));
            }
        }
        "check_constraint" => {
            if let Some(expression) = first.and_then(|e| literal_name(e, source)) {
                let name = args.option("name").and_then(|n| literal_name(n, source));
                let validated = !args.option("validate").is_some_and(syntax::is_off);
                table.checks.push(CheckConstraint { name, expression, validated });
            }
        }
        "timestamps" | "foreign_key" | "exclusion_constraint" | "unique_constraint" => {}
        rails_type => {
            let Some(name) = first.and_then(|n| literal_name(n, source)) else { return };
            let option = |key: &str| args.option(key);
            let number = |key: &str| option(key).and_then(|n| syntax::integer(n, source));
            let column = ColumnFacts {
                rails_type: rails_type.to_string(),
                limit: number("limit"),
                precision: number("precision"),
                scale: number("scale"),
                null: !option("null").is_some_and(|n| n.kind() == "false"),
            };
            if option("index").is_some_and(|i| !syntax::is_off(i)) {
                table.indexed.insert(name.clone());
            }
            table.columns.insert(name, column);
        }
    }
}

/// The column names of an index: `"name"` or `["a", "b"]`.
fn names(node: Node, source: &str) -> Vec<String> {
    if node.kind() == "array" {
        let mut cursor = node.walk();
        let items: Vec<Node> = node.named_children(&mut cursor).collect();
        return items.into_iter().filter_map(|n| literal_name(n, source)).collect();
    }
    literal_name(node, source).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = r#"ActiveRecord::Schema[7.1].define(version: 2024_01_01_000000) do
  enable_extension "plpgsql"

  create_table "users_archive", force: :cascade do |t|
    t.string "name"
  end

  create_table "users", force: :cascade do |t|
    t.string "name"
    t.string "country", limit: 20
    t.decimal "credit_score", precision: 10, scale: 5
    t.datetime "deleted_at", precision: nil
    t.text "description", null: false
    t.bigint "order_id"
    t.index ["order_id"], name: "index_users_on_order_id"
    t.check_constraint "credit_score > 0", name: "positive"
    t.check_constraint "name IS NOT NULL", name: "name_present", validate: false
  end
end
"#;

    #[test]
    fn reads_columns_indexes_and_check_constraints_of_one_table() {
        let dump = SchemaDump::new(DUMP.to_string());
        let users = dump.table("users").expect("users");
        let country = &users.columns["country"];
        assert_eq!((country.rails_type.as_str(), country.limit, country.null), ("string", Some(20), true));
        let score = &users.columns["credit_score"];
        assert_eq!((score.precision, score.scale), (Some(10), Some(5)));
        assert!(!users.columns["description"].null);
        assert_eq!(users.columns["deleted_at"].precision, None);
        assert!(users.indexed.contains("order_id") && !users.indexed.contains("name"));
        assert_eq!(users.checks.len(), 2);
        assert!(users.checks[0].validated && !users.checks[1].validated);
        assert_eq!(dump.table("users_archive").unwrap().columns.len(), 1, "a name prefix is another table");
        assert!(dump.table("orders").is_none());
    }
}
