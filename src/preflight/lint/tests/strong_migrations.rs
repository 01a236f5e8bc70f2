//! The disagreements with strong_migrations found on the lint before it followed the PostgreSQL
//! adapter's rules, written with the plain entry point (no db/schema.rb, PostgreSQL 16).

use super::{found, migration, CODE_OFFSET};
use crate::preflight::lint::lint_schema_migration;

fn checks(code: &str) -> Vec<String> {
    let lint = lint_schema_migration(&migration("disable_ddl_transaction!", code));
    lint.risks.into_iter().map(|r| r.check).collect()
}

#[test]
fn raising_the_precision_of_times_or_cidr_to_inet_is_not_a_rewrite() {
    for (ty, key) in [
        ("datetime", "precision"),
        ("timestamp", "limit"),
        ("timestamptz", "limit"),
        ("time", "precision"),
        ("interval", "precision"),
    ] {
        let code = format!("add_column :users, :at, :{ty}, {key}: 0\nchange_column :users, :at, :{ty}, {key}: 3\nchange_column :users, :at, :{ty}");
        assert_eq!(checks(&code), Vec::<String>::new(), "{ty}");
        let lower = format!("add_column :users, :at, :{ty}\nchange_column :users, :at, :{ty}, {key}: 3");
        assert_eq!(checks(&lower), ["change_column"], "{ty} lowered");
    }
    assert_eq!(checks("add_column :users, :ip, :cidr\nchange_column :users, :ip, :inet"), Vec::<String>::new());
    assert_eq!(checks("add_column :users, :ip, :inet\nchange_column :users, :ip, :cidr"), ["change_column"]);
}

#[test]
fn set_not_null_after_a_validated_not_null_check_skips_the_scan() {
    let code = "safety_assured do\n  execute 'ALTER TABLE \"users\" ADD CONSTRAINT \"email_present\" CHECK (\"email\" IS NOT NULL) NOT VALID'\n  execute 'ALTER TABLE \"users\" VALIDATE CONSTRAINT \"email_present\"'\nend\nchange_column_null :users, :email, false";
    assert_eq!(checks(code), Vec::<String>::new());
    let unvalidated = code.replace("  execute 'ALTER TABLE \"users\" VALIDATE CONSTRAINT \"email_present\"'\n", "");
    assert_eq!(checks(&unvalidated), ["change_column_null"]);
}

#[test]
fn a_uuid_function_default_and_create_join_table_force_are_flagged() {
    let lint = lint_schema_migration(&migration(
        "",
        "add_column :users, :token, :uuid, default: \"gen_random_uuid()\", null: false",
    ));
    assert_eq!(found(&lint), [("add_column_default", CODE_OFFSET + 1)]);
    assert_eq!(checks("add_column :users, :token, :uuid, default: \"gen_random_uuid()\""), ["add_column_default"]);
    assert_eq!(
        checks("add_column :users, :label, :string, default: \"gen_random_uuid()\""),
        Vec::<String>::new(),
        "a plain string"
    );
    assert_eq!(checks("create_join_table :users, :roles, force: :cascade"), ["create_table"]);
    assert_eq!(checks("create_join_table :users, :roles"), Vec::<String>::new());
}
