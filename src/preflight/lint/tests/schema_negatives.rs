//! The same dangerous statements where they are safe or inert: nothing is reported.

use super::schema_checks::CASES;
use super::{commented, found, heredoc, migration, stringified, CODE_OFFSET};
use crate::preflight::lint::lint_schema_migration;

/// Index operations written concurrently: safe with `disable_ddl_transaction!`, a failure without.
/// `(check, line within code, code)`
pub(super) const CONCURRENT_CASES: &[(&str, usize, &str)] = &[
    ("add_index", 1, "add_index :users, :email, algorithm: :concurrently"),
    ("remove_index", 1, "remove_index :users, :email, algorithm: :concurrently"),
    ("add_reference", 1, "add_reference :orders, :user, index: { algorithm: :concurrently }"),
    ("add_index", 2, "change_table :users do |t|\n  t.index :email, algorithm: \"concurrently\"\nend"),
];

fn assert_quiet(code: &str, class_level: &str, why: &str) {
    let lint = lint_schema_migration(&migration(class_level, code));
    assert_eq!(found(&lint), vec![], "{why}:\n{code}");
}

#[test]
fn nothing_inside_safety_assured_is_reported() {
    for case in CASES {
        assert_quiet(&format!("safety_assured do\n{}\nend", case.code), "", "safety_assured");
        if !case.code.contains("<<~") {
            let one_line = case.code.replace('\n', "; ");
            assert_quiet(&format!("safety_assured {{ {one_line} }}"), "", "safety_assured braces");
        }
    }
}

#[test]
fn statements_in_comments_strings_and_heredocs_are_inert() {
    for case in CASES.iter().map(|c| c.code).chain(CONCURRENT_CASES.iter().map(|c| c.2)) {
        assert_quiet(&commented(case), "", "comment");
        assert_quiet(&stringified(case), "", "string");
        assert_quiet(&heredoc(case), "", "heredoc");
    }
}

#[test]
fn operations_on_a_table_created_earlier_in_the_migration_are_safe() {
    for case in CASES {
        let Some(table) = case.table else { continue };
        let code = format!("create_table :{table} do |t|\n  t.string :name\nend\n{}", case.code);
        assert_quiet(&code, "", "new table");
    }
}

#[test]
fn the_table_must_be_created_before_the_operation() {
    let code = "add_index :users, :email\ncreate_table :users do |t|\n  t.string :email\nend";
    let lint = lint_schema_migration(&migration("", code));
    assert_eq!(found(&lint), vec![("add_index", CODE_OFFSET + 1)]);
}

#[test]
fn concurrent_index_operations_with_disable_ddl_transaction_are_safe() {
    for (_, _, code) in CONCURRENT_CASES {
        assert_quiet(code, "disable_ddl_transaction!", "concurrently");
    }
    let conditional = "disable_ddl_transaction! if concurrent_index_creation_supported?";
    assert_quiet("add_index :users, :email, algorithm: :concurrently", conditional, "conditional disable");
    let wide_unique = "add_index :users, [:a, :b, :c, :d], unique: true, algorithm: :concurrently";
    assert_quiet(wide_unique, "disable_ddl_transaction!", "unique wide index");
}

#[test]
fn a_new_table_block_may_declare_anything() {
    let code = "create_table :events do |t|\n  t.references :user, foreign_key: true\n  t.json :payload\n  t.uuid :key, default: -> { \"gen_random_uuid()\" }\n  t.index [:a, :b, :c, :d]\n  t.check_constraint \"a > 0\"\nend\nadd_index :events, :key\nadd_column :events, :n, :bigserial";
    assert_quiet(code, "", "create_table block");
}

#[test]
fn rollback_code_is_not_linted() {
    // `down` of the fixture drops a table; `dir.down` runs only on rollback.
    let code =
        "reversible do |dir|\n  dir.up { add_index :users, :email }\n  dir.down { remove_index :users, :email }\nend";
    let lint = lint_schema_migration(&migration("", code));
    assert_eq!(found(&lint), vec![("add_index", CODE_OFFSET + 2)]);
    let source = "class A < ActiveRecord::Migration[7.1]\n  def up\n  end\n\n  def down\n    remove_column :users, :name\n  end\nend\n";
    assert_eq!(found(&lint_schema_migration(source)), vec![]);
}

#[test]
fn validation_in_its_own_transaction_is_safe() {
    assert_quiet("validate_foreign_key :orders, :users", "", "validate alone");
    assert_quiet("validate_check_constraint :users, name: \"age_positive\"", "", "validate alone");
    let both = "add_foreign_key :orders, :users, validate: false\nvalidate_foreign_key :orders, :users";
    assert_quiet(both, "disable_ddl_transaction!", "no transaction");
}

#[test]
fn unvalidated_constraints_and_harmless_defaults_are_safe() {
    for code in [
        "add_foreign_key :orders, :users, validate: false",
        "add_check_constraint :users, \"age > 0\", name: \"age_positive\", validate: false",
        "add_reference :orders, :user, index: false",
        "add_reference :orders, :user, index: false, foreign_key: { validate: false }",
        "add_unique_constraint :users, using_index: \"index_users_on_email\"",
        "change_column_null :users, :email, true",
        "add_column :users, :settings, :jsonb, default: {}",
        "add_column :users, :active, :boolean, default: true, null: false",
        // now() is STABLE: PostgreSQL 11+ stores one value for all rows without a rewrite.
        "add_column :users, :imported_at, :datetime, default: -> { \"now()\" }",
        "add_column :users, :created_on, :date, default: -> { 'CURRENT_DATE' }",
        "create_table :things do |t|\n  t.string :name\nend",
        "create_table :things, force: false",
        "logger.execute(\"not SQL\")",
    ] {
        assert_quiet(code, "", "safe");
    }
}
