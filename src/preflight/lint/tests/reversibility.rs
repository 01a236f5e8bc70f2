//! Can the migration be rolled back: `change` with calls Rails cannot invert, `up` without
//! `down`, `down` that raises or does nothing.

use crate::preflight::lint::lint_schema_migration;

fn with_change(code: &str) -> String {
    let body: String = code.lines().map(|l| format!("    {l}\n")).collect();
    format!("class ChangeThings < ActiveRecord::Migration[7.1]\n  def change\n{body}  end\nend\n")
}

fn with_up_down(up: &str, down: Option<&str>) -> String {
    let down = down.map_or(String::new(), |d| format!("\n  def down\n{d}\n  end\n"));
    format!("class UpThings < ActiveRecord::Migration[7.1]\n  def up\n    {up}\n  end\n{down}end\n")
}

#[test]
fn change_is_reversible_unless_it_calls_what_rails_cannot_invert() {
    let cases: &[(&str, bool, &str)] = &[
        ("add_column :users, :nickname, :string", true, ""),
        ("remove_column :users, :nickname, :string", true, ""),
        ("remove_column :users, :nickname", false, "remove_column without a column type"),
        ("remove_columns :users, :a, :b", false, "without `type:`"),
        ("remove_columns :users, :a, :b, type: :string", true, ""),
        ("change_column :users, :age, :bigint", false, "change_column"),
        ("execute \"CREATE EXTENSION citext\"", false, "execute"),
        ("remove_index :users, name: \"index_users_on_email\"", false, "remove_index without its columns"),
        ("remove_index :users, :email", true, ""),
        ("remove_index :users, column: :email", true, ""),
        ("drop_table :things", false, "drop_table without a block"),
        ("drop_table :things do |t|\n  t.string :name\nend", true, ""),
        ("change_column_default :users, :admin, false", false, "from:"),
        ("change_column_default :users, :admin, from: nil, to: false", true, ""),
        ("remove_foreign_key :orders, column: :buyer_id", false, "referenced table"),
        ("remove_foreign_key :orders, :users", true, ""),
        ("remove_check_constraint :users, name: \"age_positive\"", false, "expression"),
        ("change_table :users do |t|\n  t.remove :nickname\nend", false, "without `type:`"),
        ("change_table :users do |t|\n  t.change :age, :bigint\nend", false, "change_column"),
        ("change_table :users do |t|\n  t.rename :name, :full_name\nend", true, ""),
        ("reversible do |dir|\n  dir.up { execute \"SELECT 1\" }\n  dir.down { execute \"SELECT 2\" }\nend", true, ""),
        ("up_only { execute \"UPDATE users SET admin = false\" }", true, ""),
        ("safety_assured { remove_column :users, :nickname }", false, "remove_column"),
        ("# remove_column :users, :nickname\nadd_column :users, :x, :string", true, ""),
    ];
    for (code, reversible, note) in cases {
        let lint = lint_schema_migration(&with_change(code));
        assert_eq!(lint.reversible, Some(*reversible), "{code}");
        if *reversible {
            assert!(lint.notes.is_empty(), "{code}: {:?}", lint.notes);
        } else {
            assert!(lint.notes.iter().any(|n| n.contains(note) && n.starts_with("line ")), "{code}: {:?}", lint.notes);
        }
    }
}

#[test]
fn up_needs_a_down_that_does_something() {
    let raising = "    raise ActiveRecord::IrreversibleMigration";
    let conditional = "    if Rails.env.production?\n      raise ActiveRecord::IrreversibleMigration, \"no\"\n    end";
    let cases: &[(Option<&str>, Option<bool>, &str)] = &[
        (None, Some(false), "no down method"),
        (Some(raising), Some(false), "down raises"),
        (Some(conditional), Some(false), "down raises"),
        (Some("    fail \"cannot undo\""), Some(false), "down raises"),
        (Some("    # nothing to undo"), Some(false), "down is empty"),
        (Some("    remove_column :users, :nickname"), Some(true), ""),
    ];
    for (down, reversible, note) in cases {
        let lint = lint_schema_migration(&with_up_down("add_column :users, :nickname, :string", *down));
        assert_eq!(lint.reversible, *reversible, "{down:?}");
        if note.is_empty() {
            assert!(lint.notes.is_empty(), "{down:?}: {:?}", lint.notes);
        } else {
            assert!(lint.notes.iter().any(|n| n.contains(note)), "{down:?}: {:?}", lint.notes);
        }
    }
}

#[test]
fn old_style_class_methods_are_read_too() {
    let source = "class Old < ActiveRecord::Migration\n  def self.up\n    add_column :users, :x, :string\n  end\n\n  def self.down\n    raise ActiveRecord::IrreversibleMigration\n  end\nend\n";
    let lint = lint_schema_migration(source);
    assert_eq!(lint.class_name.as_deref(), Some("Old"));
    assert_eq!(lint.reversible, Some(false));
    assert_eq!(lint.risks.len(), 0, "adding a nullable column without default is safe");
}

#[test]
fn unknown_shapes_say_so() {
    let lint = lint_schema_migration("class Empty < ActiveRecord::Migration[7.1]\nend\n");
    assert_eq!(lint.reversible, None);
    assert!(lint.notes.iter().any(|n| n.contains("no change or up method")), "{:?}", lint.notes);

    let lint = lint_schema_migration("add_index :users, :email\n");
    assert_eq!(found_checks(&lint), vec!["add_index"]);
    assert!(lint.notes.iter().any(|n| n == "no migration class found"), "{:?}", lint.notes);

    let broken =
        "class Broken < ActiveRecord::Migration[7.1]\n  def change\n    add_index :users, [:email\n  end\nend\n";
    let lint = lint_schema_migration(broken);
    assert!(lint.notes.iter().any(|n| n.starts_with("Ruby syntax error near line")), "{:?}", lint.notes);
}

fn found_checks(lint: &crate::preflight::lint::MigrationLint) -> Vec<&str> {
    lint.risks.iter().map(|r| r.check.as_str()).collect()
}
