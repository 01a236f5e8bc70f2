//! Hostile migrations past preflight: once a deeply nested or huge migration is in production,
//! the commands that read it again to judge what older code can live with (the rollback
//! preview, triage's previews) report it as unknown, in bounded time, and never abort.
use super::Echoing;
use crate::hostile_ruby::{nested_change_tables, nested_parens, padded};
use bpdeploy::cli::Scenario;
use serde_json::Value;

const NESTED_TABLES: &str = "db/migrate/20990101000011_nested_tables.rb";
const PARENS: &str = "db/migrate/20990101000012_parens.rb";
const HUGE: &str = "db/migrate/20990101000013_huge.rb";

fn hostile_migrations() -> Vec<(String, String)> {
    vec![
        (NESTED_TABLES.into(), nested_change_tables("orders", "total", 3_000)),
        (PARENS.into(), nested_parens("Parens", 20_000)),
        (HUGE.into(), padded("Huge", "orders", "total", 40_000)),
    ]
}

/// The `old_code` verdict of `path` in a rollback or revert document.
fn old_code<'a>(doc: &'a Value, path: &str) -> &'a Value {
    let found = doc["migrations"].as_array().and_then(|ms| ms.iter().find(|m| m["path"] == path));
    &found.unwrap_or_else(|| panic!("{path} in {doc}"))["old_code"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollback_and_triage_judge_deep_and_huge_migrations_as_unknown_without_crashing() {
    let e = Echoing::start(Scenario::ErrorSpike).await;
    e.push_to_master(&hostile_migrations(), "Mallory", "Hostile migrations");
    let deploy = e.run(&[], &["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", deploy.stderr);

    let rollback = e.run(&[], &["--json", "rollback", "--dry-run"]).await;
    assert_eq!(rollback.code, 0, "the preview, not an abort: {}", rollback.stderr);
    let preview = rollback.json();
    for path in [NESTED_TABLES, PARENS, HUGE] {
        assert_eq!(old_code(&preview, path), "unknown", "{path}: {preview}");
    }

    let triage = e.run(&[], &["--json", "triage"]).await;
    assert!(matches!(triage.code, 0 | 3), "triage ends with its report: {}{}", triage.code, triage.stderr);
    assert!(triage.json()["issues"].is_array(), "{}", triage.stdout);
}

/// Every caller of recovery's reading of a migration (the revert's undo migration too) gets
/// "cannot tell" for hostile input, never a walk that exhausts the stack.
#[test]
fn what_a_hostile_migration_does_is_unknown_not_a_crash() {
    for (path, source) in hostile_migrations() {
        assert_eq!(bpdeploy::recovery::schema_effects::effects(&source), None, "{path}");
    }
    let plain = "class A < ActiveRecord::Migration[7.1]\n  def change\n    remove_column :orders, :total\n  end\nend\n";
    assert_eq!(bpdeploy::recovery::schema_effects::effects(plain).map(|e| e.len()), Some(1));
}
