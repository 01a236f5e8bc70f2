//! Checks whose answer depends on the server version or on what db/schema.rb says.

use crate::preflight::lint::{lint_schema_migration_in, AppFacts, LintSettings, PostgresVersion, SchemaDump};

fn checks(code: &str, version: PostgresVersion, dump: Option<&SchemaDump>) -> Vec<String> {
    let source = format!(
        "class Change < ActiveRecord::Migration[7.1]\n  disable_ddl_transaction!\n\n  def up\n    {code}\n  end\nend\n"
    );
    let settings = LintSettings { postgres_version: version, ..LintSettings::default() };
    let facts = AppFacts { schema: dump, ..AppFacts::default() };
    lint_schema_migration_in(&source, &settings, &facts).risks.into_iter().map(|r| r.check).collect()
}

const fn pg(major: u32, minor: Option<u32>) -> PostgresVersion {
    PostgresVersion { major, minor }
}

#[test]
fn concurrent_indexes_are_a_risk_only_on_postgres_14_0_to_14_3() {
    let code = "add_index :users, :email, algorithm: :concurrently";
    assert_eq!(checks(code, pg(14, Some(3)), None), ["add_index_corruption"]);
    assert_eq!(checks(code, pg(14, Some(4)), None), Vec::<String>::new());
    assert_eq!(checks(code, pg(14, None), None), Vec::<String>::new(), "a bare major means its current minor");
}

#[test]
fn a_safe_type_change_still_rechecks_the_columns_check_constraints() {
    let dump = SchemaDump::new(
        "  create_table \"users\", force: :cascade do |t|\n    t.string \"code\", limit: 5\n    t.string \"name\"\n    t.check_constraint \"char_length(code) > 1\", name: \"code_long\"\n  end\n"
            .to_string(),
    );
    let code = "change_column :users, :code, :string, limit: 10";
    assert_eq!(checks(code, pg(16, None), Some(&dump)), ["change_column_constraint"]);
    let other = "change_column :users, :name, :text";
    assert_eq!(checks(other, pg(16, None), Some(&dump)), Vec::<String>::new());
    assert_eq!(checks(other, pg(16, None), None), ["change_column"], "without the dump the type is unknown");
}

#[test]
fn a_validated_not_null_check_in_the_dump_spares_the_scan_from_postgres_12() {
    let dump = SchemaDump::new(
        "  create_table \"users\", force: :cascade do |t|\n    t.string \"email\"\n    t.check_constraint \"email IS NOT NULL\", name: \"email_present\"\n  end\n"
            .to_string(),
    );
    let code = "change_column_null :users, :email, false";
    assert_eq!(checks(code, pg(12, None), Some(&dump)), Vec::<String>::new());
    assert_eq!(checks(code, pg(11, None), Some(&dump)), ["change_column_null"]);
    let with_default = "change_column_null :users, :email, false, \"none@example.com\"";
    assert_eq!(checks(with_default, pg(16, None), Some(&dump)), ["change_column_null"], "the UPDATE still runs");
}
