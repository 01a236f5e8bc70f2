//! A `[migrations]` glob that matches no file at `to` leaves migrations unchecked: preflight
//! says so (a warning naming the glob and its line, a caution) instead of a silent go.
use super::fixture::*;
use super::preflight;
use crate::support::scratch;
use serde_json::Value;

/// Production, then one commit that adds a harmless migration the release command runs.
fn one_safe_migration(dir: &std::path::Path) {
    let mut f = Fixture::init(dir);
    f.write("Procfile", "web: bundle exec puma\nrelease: bin/rails db:migrate\n")
        .write("app/models/user.rb", "class User < ApplicationRecord\nend\n");
    let production = f.commit("Alice", "Initial app", &[]);
    f.write(
        "db/migrate/20240201000000_create_invoices.rb",
        "class CreateInvoices < ActiveRecord::Migration[7.1]\n  def change\n    create_table :invoices\n  end\nend\n",
    );
    let tip = f.commit("Bob", "Create invoices (#1)", &[production]);
    f.set_ref("refs/remotes/heroku/master", production);
    f.set_ref("refs/remotes/origin/master", tip);
}

fn codes(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect()
}

#[test]
fn a_glob_that_matches_no_file_at_the_tip_is_a_caution_naming_the_glob_and_its_line() {
    let (_tmp, dir) = scratch();
    one_safe_migration(&dir);
    // The right globs first: with them the range is a go.
    std::fs::write(dir.join("bpdeploy.toml"), "[migrations]\nschema = [\"db/migrate/*.rb\"]\n").unwrap();
    let report = preflight(&dir, &["--json"]).json();
    assert_eq!(report["verdict"]["level"], "go", "{}", report["verdict"]);
    assert_eq!(report["migrations"].as_array().unwrap().len(), 1);

    // `db/migrations` (a typo for db/migrate) matches nothing anywhere in the tree.
    let config = "[heroku]\napp = \"shop\"\n\n[migrations]\nschema = [\n  \"db/migrations/*.rb\",\n]\n";
    std::fs::write(dir.join("bpdeploy.toml"), config).unwrap();
    let run = preflight(&dir, &["--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(codes(&report["warnings"]), ["migration_glob_unmatched"], "{}", report["warnings"]);
    let message = report["warnings"][0]["message"].as_str().unwrap();
    for part in ["bpdeploy.toml:6", "migrations.schema", "\"db/migrations/*.rb\"", "unchecked"] {
        assert!(message.contains(part), "{part:?} in {message}");
    }
    assert_eq!(report["verdict"]["level"], "caution", "not a silent go: {}", report["verdict"]);
    assert_eq!(codes(&report["verdict"]["reasons"]), ["migration_glob_unmatched"]);

    let human = preflight(&dir, &[]);
    let warning =
        human.stderr.lines().find(|l| l.starts_with("warning: ")).unwrap_or_else(|| panic!("{}", human.stderr));
    assert!(warning.contains("\"db/migrations/*.rb\" matches no file"), "{warning}");
    assert!(human.stdout.contains("caution (migration_glob_unmatched)"), "{}", human.stdout);
}

#[test]
fn a_glob_is_judged_on_the_whole_tree_and_the_default_places_may_be_empty() {
    let (_tmp, dir) = scratch();
    one_safe_migration(&dir);
    // `app/models/*.rb` matches a file the range does not change: it matches, no warning. The
    // defaults written out by `bpdeploy init` (db/post_migrate, db/data) may be empty in an app.
    let config = "[migrations]\nschema = [\"db/migrate/*.rb\", \"db/post_migrate/*.rb\"]\n\
                  data = [\"db/data/*.rb\", \"app/models/*.rb\", \"lib/data_migrations/**/*.rb\"]\n";
    std::fs::write(dir.join("bpdeploy.toml"), config).unwrap();
    let report = preflight(&dir, &["--json"]).json();
    assert_eq!(codes(&report["warnings"]), ["migration_glob_unmatched"], "{}", report["warnings"]);
    let message = report["warnings"][0]["message"].as_str().unwrap();
    assert!(message.contains("bpdeploy.toml:3") && message.contains("migrations.data"), "{message}");
    assert!(message.contains("lib/data_migrations/**/*.rb"), "{message}");
}
