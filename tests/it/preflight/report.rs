//! How the offline report reads: the ends as given, each finding once, warnings on stderr.
use super::fixture::*;
use super::{migration, preflight};
use crate::support::scratch;

#[test]
fn the_range_holds_the_revisions_given() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    let r = release(&mut f);
    let report = preflight(&dir, &["--json", "--from", "production", "--to", &r.pr2_squash.to_string()]).json();
    assert_eq!(report["range"]["from_ref"], "production");
    assert_eq!(report["range"]["to_ref"], r.pr2_squash.to_string());
    let human = preflight(&dir, &["--from", "production", "--to", "origin/master"]);
    assert!(human.stdout.contains("(production)") && human.stdout.contains("(origin/master)"), "{}", human.stdout);
}

#[test]
fn a_data_migrations_rollback_finding_is_shown_once() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    let r = release(&mut f);
    let source = "class BackfillNames < ActiveRecord::Migration[7.1]\n  def up\n    User.update_all(name: \"x\")\n  end\n\n  def down\n    raise ActiveRecord::IrreversibleMigration\n  end\nend\n";
    f.checkout(r.pr3_squash).write(BACKFILL, source);
    let tip = f.commit("Carol", "Backfill names for real (#4)", &[r.pr3_squash]);
    f.set_ref("refs/remotes/origin/master", tip);

    let report = preflight(&dir, &["--json"]).json();
    let data = migration(&report, BACKFILL);
    let checks: Vec<&str> = data["risks"].as_array().unwrap().iter().map(|r| r["check"].as_str().unwrap()).collect();
    assert_eq!(checks, ["data_irreversible"], "{data}");
    assert_eq!(data["notes"], serde_json::json!([]), "the finding says it; no note repeats it");

    let human = preflight(&dir, &[]).stdout;
    let about: Vec<&str> = human.lines().filter(|l| l.trim_start().starts_with(BACKFILL)).collect();
    assert_eq!(about.len(), 1, "one line about the data migration's way back:\n{}", about.join("\n"));
    assert!(about[0].contains(":7 data_irreversible"), "{}", about[0]);
}

#[test]
fn range_warnings_go_to_stderr_and_the_verdict_not_into_the_range_section() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    release(&mut f);
    let run = preflight(&dir, &["--from", "hotfix"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("warning:"), "stdout carries the result only:\n{}", run.stdout);
    let warning = run.stderr.lines().find(|l| l.starts_with("warning: ")).unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(warning.contains("is not an ancestor"), "{warning}");
    assert!(run.stdout.contains("(not_ancestor)"), "the verdict still gives the reason:\n{}", run.stdout);
}

/// Nothing to ship: each empty section says "none" instead of a table header with no rows.
#[test]
fn an_empty_range_says_none_instead_of_bare_table_headers() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    release(&mut f);
    let run = preflight(&dir, &["--from", "origin/master", "--to", "origin/master"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for header in ["PR\tAUTHOR", "AREA\tFILES", "RUN\tCHANGE"] {
        assert!(!run.stdout.contains(header), "no rows, no header {header:?}:\n{}", run.stdout);
    }
    for section in ["Pull requests (0)\n  none\n", "Ownership\n  none\n", "Migrations (0)\n"] {
        assert!(run.stdout.contains(section), "{section:?}:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("nothing_to_deploy"), "{}", run.stdout);
    // A range with PRs still has its tables.
    let full = preflight(&dir, &[]);
    assert!(full.stdout.contains("PR\tAUTHOR") && full.stdout.contains("RUN\tCHANGE"), "{}", full.stdout);
}

/// A failed `--fetch` says what git said first (its `fatal:` line), not the tail of its advice.
#[test]
fn a_failed_fetch_says_what_git_said_first() {
    let (_tmp, dir) = scratch();
    let mut f = Fixture::init(&dir);
    release(&mut f);
    let run = preflight(&dir, &["--json", "--fetch"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let err = &run.json()["error"];
    assert_eq!(err["code"], "git_fetch_failed");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("'origin' does not appear to be a git repository"), "{message}");
    assert!(!message.contains("fatal:"), "{message}");
}
