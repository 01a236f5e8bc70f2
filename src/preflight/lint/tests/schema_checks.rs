//! Every schema check id fires, on the right line, and nothing else fires with it.

use super::{found, migration, Case, CODE_OFFSET};
use crate::preflight::lint::{lint_schema_migration, Risk};

const fn case(check: &'static str, code: &'static str, line: usize, table: Option<&'static str>) -> Case {
    Case { check, code, line, table }
}

/// One dangerous statement per check id (several for ids with several spellings).
pub(super) const CASES: &[Case] = &[
    case("remove_column", "remove_column :users, :nickname, :string", 1, Some("users")),
    case("remove_column", "remove_columns :users, :a, :b, type: :string", 1, Some("users")),
    case("remove_column", "remove_reference :users, :account, index: true", 1, Some("users")),
    case("remove_column", "remove_belongs_to :users, :account", 1, Some("users")),
    case("remove_column", "remove_timestamps :users", 1, Some("users")),
    case("remove_column", "change_table :users do |t|\n  t.remove :nickname, type: :string\nend", 2, Some("users")),
    case("change_column", "change_column :users, :age, :bigint", 1, Some("users")),
    case("change_column", "change_table :users do |t|\n  t.change :age, :bigint\nend", 2, Some("users")),
    case("rename_column", "rename_column :users, :name, :full_name", 1, Some("users")),
    case("rename_column", "change_table :users do |t|\n  t.rename :name, :full_name\nend", 2, Some("users")),
    case("rename_table", "rename_table :users, :accounts", 1, Some("users")),
    case("create_table", "create_table :users, force: :cascade do |t|\n  t.string :name\nend", 1, None),
    case("add_column_auto_incrementing", "add_column :users, :number, :bigserial", 1, Some("users")),
    case("add_column_auto_incrementing", "change_table :users do |t|\n  t.serial :number\nend", 2, Some("users")),
    case(
        "add_column_generated_stored",
        "add_column :users, :full, :virtual, type: :string, as: \"first || last\", stored: true",
        1,
        Some("users"),
    ),
    case("add_column_json", "add_column :users, :settings, :json", 1, Some("users")),
    case("add_column_json", "change_table :users do |t|\n  t.json :settings\nend", 2, Some("users")),
    case("add_column_default", "add_column :users, :token, :uuid, default: -> { \"gen_random_uuid()\" }", 1, Some("users")),
    case("add_column_default", "add_column :users, :seen, :datetime, default: -> { 'clock_timestamp()' }", 1, Some("users")),
    case(
        "add_column_default",
        "change_table :users do |t|\n  t.float :luck, default: -> { \"random()\" }\nend",
        2,
        Some("users"),
    ),
    case("change_column_null", "change_column_null :users, :email, false", 1, Some("users")),
    case("change_column_null", "change_table :users do |t|\n  t.change_null :email, false\nend", 2, Some("users")),
    case("add_foreign_key", "add_foreign_key :orders, :users", 1, Some("orders")),
    case("add_foreign_key", "add_reference :orders, :user, index: false, foreign_key: true", 1, Some("orders")),
    case("add_foreign_key", "change_table :orders do |t|\n  t.foreign_key :users\nend", 2, Some("orders")),
    case(
        "validate_foreign_key",
        "add_foreign_key :orders, :users, validate: false\nvalidate_foreign_key :orders, :users",
        2,
        Some("orders"),
    ),
    case("add_check_constraint", "add_check_constraint :users, \"age > 0\", name: \"age_positive\"", 1, Some("users")),
    case(
        "validate_check_constraint",
        "add_check_constraint :users, \"age > 0\", name: \"age_positive\", validate: false\nvalidate_check_constraint :users, name: \"age_positive\"",
        2,
        Some("users"),
    ),
    case("execute", "execute \"UPDATE users SET admin = false\"", 1, None),
    case("execute", "ActiveRecord::Base.connection.execute(\"VACUUM ANALYZE users\")", 1, None),
    case("execute", "execute <<~SQL\n  ALTER TABLE users ADD COLUMN x int;\nSQL", 1, None),
    case("add_index", "add_index :users, :email", 1, Some("users")),
    case("add_index", "change_table :users do |t|\n  t.index :email\nend", 2, Some("users")),
    case("remove_index", "remove_index :users, :email", 1, Some("users")),
    case("remove_index", "remove_index :users, column: :email, name: \"users_email\"", 1, Some("users")),
    case("add_reference", "add_reference :orders, :user", 1, Some("orders")),
    case("add_reference", "add_belongs_to :orders, :user, index: true", 1, Some("orders")),
    case("add_reference", "change_table :orders do |t|\n  t.references :user\nend", 2, Some("orders")),
    case("add_unique_constraint", "add_unique_constraint :users, [:email], deferrable: :deferred", 1, Some("users")),
    case(
        "add_exclusion_constraint",
        "add_exclusion_constraint :bookings, \"tsrange(starts_at, ends_at) WITH &&\", using: :gist",
        1,
        Some("bookings"),
    ),
    case("rename_enum_value", "rename_enum_value :mood, from: \"sad\", to: \"blue\"", 1, None),
    case("rename_schema", "rename_schema :legacy, :archive", 1, None),
    case("backfill", "User.update_all(admin: false)", 1, None),
    case("backfill", "User.where(admin: nil).update_all(admin: false)", 1, None),
    case("backfill", "User.find_each do |user|\n  user.update!(admin: false)\nend", 1, None),
    case("backfill", "Account.reset_column_information\nAccount.create!(name: \"default\")", 2, None),
    case("backfill", "update \"UPDATE users SET admin = false\"", 1, None),
];

#[test]
fn every_case_reports_exactly_its_check_on_its_line() {
    for case in CASES {
        let lint = lint_schema_migration(&migration("", case.code));
        assert_eq!(found(&lint), vec![(case.check, CODE_OFFSET + case.line)], "{}", case.code);
    }
}

#[test]
fn every_check_id_has_a_positive_case() {
    let ids = [
        "remove_column",
        "change_column",
        "rename_column",
        "rename_table",
        "create_table",
        "add_column_auto_incrementing",
        "add_column_generated_stored",
        "add_foreign_key",
        "validate_foreign_key",
        "add_check_constraint",
        "validate_check_constraint",
        "execute",
        "add_index",
        "remove_index",
        "add_index_columns",
        "add_reference",
        "add_unique_constraint",
        "add_exclusion_constraint",
        "add_column_json",
        "add_column_default",
        "change_column_null",
        "rename_enum_value",
        "rename_schema",
        "backfill",
    ];
    let covered: Vec<&str> =
        CASES.iter().map(|c| c.check).chain(super::schema_negatives::CONCURRENT_CASES.iter().map(|c| c.0)).collect();
    for id in ids.iter().filter(|id| **id != "add_index_columns") {
        assert!(covered.contains(id), "no positive case for {id}");
    }
    let wide = lint_schema_migration(&migration(
        "disable_ddl_transaction!",
        "add_index :users, [:a, :b, :c, :d], algorithm: :concurrently",
    ));
    assert_eq!(found(&wide), vec![("add_index_columns", CODE_OFFSET + 1)]);
}

#[test]
fn a_risk_carries_the_statement_and_says_why_and_what_to_do() {
    let lint = lint_schema_migration(&migration("", "  add_index :users, :email, unique: true   # fast lookup"));
    let Risk { check, line, statement, message, recipe } = &lint.risks[0];
    assert_eq!((check.as_str(), *line), ("add_index", CODE_OFFSET + 1));
    assert_eq!(statement, "add_index :users, :email, unique: true");
    assert!(message.contains("SHARE lock"), "{message}");
    assert!(recipe.contains("algorithm: :concurrently"), "{recipe}");
}

#[test]
fn long_statements_are_shortened_to_one_line() {
    let columns: Vec<String> = (0..40).map(|i| format!(":column_{i}")).collect();
    let code = format!("add_index :users, [{}],\n  unique: true", columns.join(", "));
    let lint = lint_schema_migration(&migration("", &code));
    let statement = &lint.risks[0].statement;
    assert!(statement.chars().count() <= 120 && statement.ends_with('…'), "{statement}");
}

#[test]
fn risks_come_in_line_order_with_the_class_name() {
    let code = "add_index :users, :email\nremove_column :users, :nickname, :string\nrename_table :users, :people";
    let lint = lint_schema_migration(&migration("", code));
    assert_eq!(lint.class_name.as_deref(), Some("AddThings"));
    let lines: Vec<usize> = lint.risks.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![4, 5, 6]);
    assert!(lint.risks.iter().all(|r| !r.message.is_empty() && !r.recipe.is_empty()));
}

#[test]
fn a_concurrent_index_inside_the_transaction_is_reported_as_a_failure_to_come() {
    for (check, line, code) in super::schema_negatives::CONCURRENT_CASES {
        let lint = lint_schema_migration(&migration("", code));
        assert_eq!(found(&lint), vec![(*check, CODE_OFFSET + line)], "{code}");
        assert!(lint.risks[0].message.contains("inside a transaction block"), "{code}");
    }
}

/// DROP INDEX (without CONCURRENTLY) and ALTER TABLE … DROP CONSTRAINT take an ACCESS EXCLUSIVE
/// lock, so a validation later in the same transaction blocks writes (strong_migrations'
/// `writes_blocked?` reads the locks the transaction holds).
#[test]
fn dropping_an_index_or_a_constraint_blocks_writes_for_a_later_validation() {
    let validate = "validate_check_constraint :users, name: \"age_positive\"";
    for (first, its_own) in [
        ("remove_index :users, :email", vec![("remove_index", CODE_OFFSET + 1)]),
        ("remove_unique_constraint :users, name: \"email_unique\"", vec![]),
        ("remove_exclusion_constraint :users, name: \"no_overlap\"", vec![]),
        ("remove_check_constraint :users, name: \"age_old\"", vec![]),
    ] {
        let lint = lint_schema_migration(&migration("", &format!("{first}\n{validate}")));
        let mut expected = its_own.clone();
        expected.push(("validate_check_constraint", CODE_OFFSET + 2));
        assert_eq!(found(&lint), expected, "after {first}");
    }
}
