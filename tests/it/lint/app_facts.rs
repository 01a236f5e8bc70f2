//! Preflight feeds the lint what the repository says: db/schema.rb at production's commit (the
//! column types before the range's migrations), the Rails config at the new tip, and the
//! other migration files (`revert OtherMigration`).
use crate::preflight::fixture::Fixture;
use crate::support::{scratch, Cmd};
use serde_json::Value;

const SCHEMA: &str = "ActiveRecord::Schema[7.1].define(version: 2024_01_01_000000) do\n  create_table \"users\", force: :cascade do |t|\n    t.string \"name\"\n    t.string \"country\", limit: 20\n  end\nend\n";

fn migration(class: &str, body: &str) -> String {
    format!("class {class} < ActiveRecord::Migration[7.1]\n  def up\n    {body}\n  end\n\n  def down\n  end\nend\n")
}

fn checks(report: &Value, path: &str) -> Vec<String> {
    let m = report["migrations"].as_array().unwrap().iter().find(|m| m["path"] == path).expect(path);
    m["risks"].as_array().unwrap().iter().map(|r| r["check"].as_str().unwrap().to_string()).collect()
}

#[test]
fn preflight_judges_type_changes_defaults_and_reverts_with_the_apps_own_facts() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    f.write("db/schema.rb", SCHEMA)
        .write("config/application.rb", "module App\n  class Application < Rails::Application\n    config.load_defaults 6.1\n  end\nend\n")
        .write("db/migrate/20230101000000_add_plan_to_users.rb", "class AddPlanToUsers < ActiveRecord::Migration[7.1]\n  def change\n    add_reference :users, :plan, index: false\n  end\nend\n");
    let production = f.commit("Alice", "Initial", &[]);
    f.set_ref("refs/tags/production", production);
    let (widen, shorten, default, undo) = (
        "db/migrate/20240101000001_widen_name.rb",
        "db/migrate/20240101000002_shorten_country.rb",
        "db/migrate/20240101000003_default_name.rb",
        "db/migrate/20240101000004_undo_plan.rb",
    );
    f.write(widen, &migration("WidenName", "change_column :users, :name, :text"))
        .write(shorten, &migration("ShortenCountry", "change_column :users, :country, :string, limit: 10"))
        .write(default, &migration("DefaultName", "change_column_default :users, :name, from: nil, to: \"x\""))
        .write(
            undo,
            "class UndoPlan < ActiveRecord::Migration[7.1]\n  def change\n    revert AddPlanToUsers\n  end\nend\n",
        );
    let tip = f.commit("Bob", "Schema changes (#1)", &[production]);
    f.set_ref("refs/remotes/origin/master", tip);

    let run = Cmd::new(&dir, &dir).args(["preflight", "--offline", "--json"]).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(checks(&report, widen), Vec::<String>::new(), "varchar to text is in place");
    assert_eq!(checks(&report, shorten), ["change_column"]);
    assert_eq!(checks(&report, default), ["change_column_default"], "Rails 6.1 defaults keep partial inserts on");
    assert_eq!(checks(&report, undo), ["remove_column"], "reverting add_reference removes the column");

    // Rails 7 defaults turn partial inserts off: the default change is then safe.
    f.checkout(tip).write(
        "config/application.rb",
        "module App\n  class Application < Rails::Application\n    config.load_defaults 7.1\n  end\nend\n",
    );
    let tip = f.commit("Bob", "Rails 7 defaults (#2)", &[tip]);
    f.set_ref("refs/remotes/origin/master", tip);
    let report = Cmd::new(&dir, &dir).args(["preflight", "--offline", "--json"]).run().json();
    assert_eq!(checks(&report, default), Vec::<String>::new());
}

#[test]
fn a_reverted_migration_is_found_under_any_schema_glob() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    // The first glob's directory does not exist; the reverted migration sits in a subdirectory
    // that only the second glob's `**` reaches.
    let config = "[migrations]\nschema = [\"db/post_migrate/*.rb\", \"db/migrate/**/*.rb\"]\n";
    std::fs::write(dir.join("bpdeploy.toml"), config).unwrap();
    f.write("db/migrate/old/20230101000000_add_plan_to_users.rb", "class AddPlanToUsers < ActiveRecord::Migration[7.1]\n  def change\n    add_reference :users, :plan, index: false\n  end\nend\n");
    let production = f.commit("Alice", "Initial", &[]);
    f.set_ref("refs/tags/production", production);
    let undo = "db/migrate/20240101000004_undo_plan.rb";
    f.write(
        undo,
        "class UndoPlan < ActiveRecord::Migration[7.1]\n  def change\n    revert AddPlanToUsers\n  end\nend\n",
    );
    let tip = f.commit("Bob", "Undo plan (#1)", &[production]);
    f.set_ref("refs/remotes/origin/master", tip);

    let run = Cmd::new(&dir, &dir).args(["preflight", "--offline", "--json"]).run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(checks(&run.json(), undo), ["remove_column"], "reverting add_reference removes the column");
}
