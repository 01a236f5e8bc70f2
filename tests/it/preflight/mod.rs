//! Tests of the preflight area: the real binary over git2-built fixture repositories.
pub mod fixture;
mod globs;
mod hostile;
mod online;
mod release_versions;
mod report;

use crate::support::{scratch, Cmd};
use fixture::*;
use serde_json::{json, Value};

fn preflight(dir: &std::path::Path, args: &[&str]) -> crate::support::Run {
    Cmd::new(dir, dir).args(["preflight", "--offline"]).args(args).run()
}

fn migration<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["migrations"].as_array().unwrap().iter().find(|m| m["path"] == path).unwrap_or_else(|| panic!("no {path}"))
}

#[test]
fn offline_json_reports_the_range_prs_direct_pushes_and_migrations() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    let r = release(&mut f);
    let run = preflight(&dir, &["--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();

    assert_eq!(
        report["range"],
        json!({"from": r.production.to_string(), "to": r.pr3_squash.to_string(), "from_ref": "heroku/master",
               "to_ref": "origin/master", "commits": 5, "first_parent_commits": 4, "from_is_ancestor": true})
    );
    let prs = report["pull_requests"].as_array().unwrap();
    let numbers: Vec<u64> = prs.iter().map(|p| p["number"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [3, 2, 1], "newest first");
    let pr1 = &prs[2];
    assert_eq!(pr1["title"], "Create invoices");
    assert_eq!(pr1["merge_commit"], r.pr1_merge.to_string());
    assert_eq!(pr1["git_author"], "Bob", "a merge is credited to the merged branch's author");
    assert_eq!(pr1["author"], Value::Null, "the GitHub login is unknown offline");
    assert_eq!(pr1["url"], Value::Null);
    assert_eq!(pr1["files"], json!(["app/models/invoice.rb", CREATE_INVOICES]));
    assert_eq!(pr1["migrations"], json!([CREATE_INVOICES]));
    assert_eq!(pr1["areas"], json!(["app/models", "db/migrate"]));
    assert_eq!(prs[1]["title"], "Require emails");
    assert_eq!(prs[1]["merge_commit"], r.pr2_squash.to_string());
    assert_eq!(prs[0]["migrations"], json!([BACKFILL, ADD_NAME_NEW]));

    assert_eq!(
        report["direct_commits"],
        json!([{"sha": r.direct.to_string(), "subject": "Fix the root route", "author": "Erin",
                "files": ["config/routes.rb", OLD_THING]}])
    );

    let added = migration(&report, CREATE_INVOICES);
    assert_eq!(added["kind"], "schema");
    assert_eq!(added["change"], "added");
    assert_eq!(added["version"], "20240201000000");
    assert_eq!(added["class_name"], "CreateInvoices");
    assert_eq!(added["pull_request"], 1);
    assert_eq!(added["commit"], r.pr1_merge.to_string(), "the first-parent commit that brought it");
    assert_eq!(added["run_order"], 1);
    assert!(added["risks"].is_array());
    assert!(added.as_object().unwrap().contains_key("reversible"));

    let modified = migration(&report, ADD_EMAIL);
    assert_eq!(
        (&modified["change"], &modified["pull_request"], &modified["run_order"]),
        (&json!("modified"), &json!(2), &Value::Null)
    );
    let deleted = migration(&report, OLD_THING);
    assert_eq!(
        (&deleted["change"], &deleted["pull_request"], &deleted["commit"]),
        (&json!("deleted"), &Value::Null, &json!(r.direct.to_string()))
    );
    let renamed = migration(&report, ADD_NAME_NEW);
    assert_eq!(renamed["change"], "renamed");
    assert_eq!(renamed["previous_path"], ADD_NAME_OLD);
    assert_eq!(renamed["version"], "20240301000000");
    assert_eq!(renamed["run_order"], 2, "a new version runs again, after the older added one");
    let data = migration(&report, BACKFILL);
    assert_eq!(
        (&data["kind"], &data["change"], &data["run_order"], &data["pull_request"]),
        (&json!("data"), &json!("added"), &json!(3), &json!(3))
    );

    assert_eq!(report["release_command"], "bin/rails db:migrate && bin/rails data:migrate");
    assert_eq!(report["release_tasks"], json!(["db:migrate", "data:migrate"]));
    for unknown in ["ci", "production", "sentry_baseline"] {
        assert_eq!(report[unknown], Value::Null, "{unknown} is unknown offline");
    }
    assert_eq!(report["offline"], true);
    assert_eq!(report["verdict"]["level"], "caution");
    let codes: Vec<&str> =
        report["verdict"]["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
    let data = migration(&report, BACKFILL);
    assert_eq!(data["reversible"], false, "the lint reads the source: no down method");
    for code in ["migration_modified", "migration_deleted", "migration_renamed", "migration_irreversible"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
}

#[test]
fn ownership_credits_pr_authors_and_direct_pushers_by_area() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    release(&mut f);
    let report = preflight(&dir, &["--json"]).json();
    let area =
        |name: &str| report["ownership"].as_array().unwrap().iter().find(|a| a["area"] == name).cloned().unwrap();
    let db = area("db/migrate");
    let people: Vec<&str> = db["people"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(people, ["Dave", "Bob", "Erin"], "most files first");
    assert_eq!(area("config")["people"][0]["direct_commits"].as_array().unwrap().len(), 1);
}

#[test]
fn a_from_that_is_not_an_ancestor_is_a_caution_and_its_migrations_show_as_deleted() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    let r = release(&mut f);
    let report = preflight(&dir, &["--json", "--from", "hotfix"]).json();
    assert_eq!(report["range"]["from"], r.hotfix.to_string());
    assert_eq!(report["range"]["from_ref"], "hotfix", "the revision given");
    assert_eq!(report["range"]["from_is_ancestor"], false);
    assert_eq!(report["range"]["commits"], 5, "as `git rev-list --count hotfix..origin/master`");
    assert_eq!(report["warnings"][0]["code"], "not_ancestor");
    assert_eq!(migration(&report, HOTFIX_INDEX)["change"], "deleted");
    assert_eq!(report["verdict"]["level"], "caution");
}

#[test]
fn an_empty_range_is_go() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    release(&mut f);
    let report = preflight(&dir, &["--json", "--from", "origin/master", "--strict"]).json();
    assert_eq!(report["range"]["commits"], 0);
    assert_eq!(report["pull_requests"], json!([]));
    assert_eq!(report["verdict"]["level"], "go");
    assert_eq!(report["verdict"]["reasons"][0]["code"], "nothing_to_deploy");
}

#[test]
fn without_a_production_ref_offline_asks_for_from() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    release(&mut f);
    f.repo.find_reference("refs/tags/production").unwrap().delete().unwrap();
    f.repo.find_reference("refs/remotes/heroku/master").unwrap().delete().unwrap();
    let run = preflight(&dir, &["--json"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["error"]["code"], "unknown_revision");
    assert!(run.json()["error"]["hint"].as_str().unwrap().contains("--from"));
}

#[test]
fn human_output_has_every_section_and_plain_tables_off_a_terminal() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    release(&mut f);
    let run = preflight(&dir, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for section in [
        "Range",
        "Pull requests (3)",
        "Ownership",
        "Migrations (5)",
        "CI",
        "Production now",
        "Sentry baseline",
        "Verdict",
    ] {
        assert!(run.stdout.lines().any(|l| l == section), "section {section:?} in:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("  #1\tBob\t2\t1\tCreate invoices\n"), "{}", run.stdout);
    assert!(run.stdout.contains("CAUTION"));
    assert!(!run.stdout.contains('\u{1b}'), "no colour off a terminal");
}

#[test]
fn a_risky_migration_is_a_caution_with_its_finding_and_line() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    let r = release(&mut f);
    f.checkout(r.pr3_squash).write(
        RISKY,
        "class IndexEmails < ActiveRecord::Migration[7.1]\n  def change\n    # add_index in a comment is fine\n    add_index :users, :email\n  end\nend\n",
    );
    let tip = f.commit("Frank", "Index emails (#4)", &[r.pr3_squash]);
    f.set_ref("refs/remotes/origin/master", tip);

    // A lint finding is a caution (its cost depends on the table), so --strict still exits 0.
    let run = preflight(&dir, &["--json", "--strict"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["verdict"]["level"], "caution");
    let risks = &migration(&report, RISKY)["risks"];
    assert_eq!(risks.as_array().unwrap().len(), 1, "{risks}");
    assert_eq!((&risks[0]["check"], &risks[0]["line"]), (&json!("add_index"), &json!(4)));
    let reason =
        report["verdict"]["reasons"].as_array().unwrap().iter().find(|r| r["code"] == "migration_risk").cloned();
    assert_eq!(reason.unwrap()["level"], "caution");
}
