//! Hostile migrations through the real binary: deeply nested Ruby and huge files end in a JSON
//! report with an `unchecked` finding and exit 0 (a caution), never an abort.
use super::fixture::Fixture;
use super::{migration, preflight};
use crate::hostile_ruby::{nested_change_tables, nested_parens, padded};
use crate::support::scratch;
use serde_json::Value;

const DEEP: &str = "db/migrate/20240101000001_deep.rb";
const NESTED_TABLES: &str = "db/migrate/20240101000002_nested_tables.rb";
const HUGE: &str = "db/migrate/20240101000003_huge.rb";
const BIG: &str = "db/migrate/20240101000004_big.rb";

fn unchecked_message(report: &Value, path: &str) -> String {
    let risks = migration(report, path)["risks"].as_array().unwrap().clone();
    assert_eq!(risks.len(), 1, "{path}: {risks:?}");
    assert_eq!(risks[0]["check"], "unchecked", "{path}");
    risks[0]["message"].as_str().unwrap().to_string()
}

#[test]
fn deep_and_huge_migrations_are_unchecked_findings_not_crashes() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    let base = f.write("README", "app\n").commit("Alice", "Initial", &[]);
    f.set_ref("refs/tags/production", base);
    let parens = nested_parens("Deep", 20_000);
    let tables = nested_change_tables("users", "name", 1_000);
    let padded = |lines| padded("Padded", "users", "name", lines);
    let (huge, big) = (padded(480_000), padded(30_000));
    assert!(huge.len() > 32 * 1024 * 1024 && big.len() > 2 * 1024 * 1024);
    f.write(DEEP, &parens).write(NESTED_TABLES, &tables).write(HUGE, &huge).write(BIG, &big);
    let tip = f.commit("Bob", "Hostile migrations (#1)", &[base]);
    f.set_ref("refs/remotes/origin/master", tip);

    let run = preflight(&dir, &["--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert!(unchecked_message(&report, DEEP).contains("too deeply nested to check"));
    assert!(unchecked_message(&report, NESTED_TABLES).contains("too deeply nested to check"));
    let why = unchecked_message(&report, HUGE);
    assert!(why.contains("larger than the 1048576 bytes") && why.contains("max_size"), "{why}");
    assert!(unchecked_message(&report, BIG).contains("max_size"));
    assert_eq!(report["verdict"]["level"], "caution");

    // A larger limit in bpdeploy.toml lets the big file be checked.
    std::fs::write(dir.join("bpdeploy.toml"), "[migrations]\nmax_size = \"4m\"\n").unwrap();
    let report = preflight(&dir, &["--json"]).json();
    let checks: Vec<&Value> =
        migration(&report, BIG)["risks"].as_array().unwrap().iter().map(|r| &r["check"]).collect();
    assert_eq!(checks, ["remove_column"]);
    assert!(unchecked_message(&report, HUGE).contains("larger than the 4194304 bytes"));
}

#[test]
fn a_bad_lint_setting_is_a_config_error_naming_the_key() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    let base = f.write("README", "app\n").commit("Alice", "Initial", &[]);
    f.set_ref("refs/tags/production", base);
    f.set_ref("refs/remotes/origin/master", base);
    for (toml, key) in [
        ("[migrations]\npostgres_version = \"sixteen\"\n", "migrations.postgres_version"),
        ("[migrations]\nmax_size = \"1t\"\n", "migrations.max_size"),
    ] {
        std::fs::write(dir.join("bpdeploy.toml"), toml).unwrap();
        let run = preflight(&dir, &["--json"]);
        assert_eq!(run.code, 1, "{}", run.stdout);
        let error = &run.json()["error"];
        assert_eq!(error["code"], "config_invalid");
        assert!(error["message"].as_str().unwrap().contains(key), "{error}");
    }
}
