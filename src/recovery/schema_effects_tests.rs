use super::*;

fn migration(methods: &str) -> String {
    format!("class AddThings < ActiveRecord::Migration[7.1]\n{methods}\nend\n")
}

fn changes(methods: &str) -> Vec<Change> {
    effects(&migration(methods)).expect("grammar loads").into_iter().map(|e| e.change).collect()
}

#[test]
fn reads_columns_tables_and_their_options() {
    let found = changes(
        "  def change\n    add_column :orders, :points, :integer, default: 0, null: false\n    add_column \"orders\", \"note\", :text\n    remove_column :orders, :email, :string\n    rename_table :carts, :baskets\n  end",
    );
    assert_eq!(
        found,
        vec![
            Change::AddColumn { table: "orders".into(), column: "points".into(), not_null: true, has_default: true },
            Change::AddColumn { table: "orders".into(), column: "note".into(), not_null: false, has_default: false },
            Change::RemoveColumn { table: "orders".into(), column: "email".into() },
            Change::RenameTable { from: "carts".into(), to: "baskets".into() },
        ]
    );
}

#[test]
fn only_code_that_runs_on_migrate_counts() {
    let found = changes(
        "  def up\n    change_column :orders, :status, :integer\n  end\n\n  def down\n    drop_table :orders\n  end",
    );
    assert_eq!(
        found,
        vec![Change::ChangeColumnType { table: "orders".into(), column: "status".into(), to: "integer".into() }]
    );
    let heredoc = changes("  def change\n    execute <<~SQL\n      -- remove_column :orders, :email\n    SQL\n  end");
    assert_eq!(heredoc, vec![Change::Execute], "words inside SQL are not statements");
}

#[test]
fn table_blocks_speak_for_their_table_and_new_tables_are_new() {
    let found = changes(
        "  def change\n    create_table :coupons do |t|\n      t.string :code, null: false\n    end\n    change_table :orders do |t|\n      t.remove :email, :phone\n      t.integer :points, null: false\n      t.change_null :total, false\n    end\n  end",
    );
    assert_eq!(
        found,
        vec![
            Change::CreateTable { table: "coupons".into() },
            Change::RemoveColumn { table: "orders".into(), column: "email, phone".into() },
            Change::AddColumn { table: "orders".into(), column: "points".into(), not_null: true, has_default: false },
            Change::ChangeColumnNull { table: "orders".into(), column: "total".into(), allows_null: false },
        ]
    );
}

#[test]
fn the_rails_version_comes_from_the_superclass() {
    assert_eq!(rails_version(&migration("")).as_deref(), Some("7.1"));
    assert_eq!(rails_version("class A < ActiveRecord::Migration\nend\n"), None);
    assert_eq!(rails_version("puts 1"), None);
}
