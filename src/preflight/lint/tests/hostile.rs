//! Hostile input: deeply nested Ruby and huge files give an `unchecked` finding, never a crash.
//! These run on the test harness's threads (2 MiB stacks), smaller than a real main thread.

use crate::preflight::lint::{lint_schema_migration, lint_schema_migration_with, LintSettings};

fn nested_change_tables(depth: usize) -> String {
    let mut s = String::from("class Deep < ActiveRecord::Migration[7.1]\n  def change\n");
    for _ in 0..depth {
        s.push_str("change_table :users do |t|\n");
    }
    s.push_str("t.remove :name\n");
    for _ in 0..depth {
        s.push_str("end\n");
    }
    s.push_str("  end\nend\n");
    s
}

fn nested_ifs(depth: usize) -> String {
    let mut s = String::from("class Deep < ActiveRecord::Migration[7.1]\n  def up\n");
    for i in 0..depth {
        s.push_str(&format!("if x{i}\n"));
    }
    s.push_str("remove_column :users, :name\n");
    for _ in 0..depth {
        s.push_str("end\n");
    }
    s.push_str("  end\nend\n");
    s
}

fn nested(open: &str, close: &str, depth: usize) -> String {
    format!(
        "class Deep < ActiveRecord::Migration[7.1]\n  def up\n    execute {}1{}\n  end\nend\n",
        open.repeat(depth),
        close.repeat(depth)
    )
}

fn assert_unchecked(source: &str, why: &str) {
    let lint = lint_schema_migration(source);
    let checks: Vec<&str> = lint.risks.iter().map(|r| r.check.as_str()).collect();
    assert_eq!(checks, ["unchecked"], "{why}");
    assert!(lint.risks[0].message.contains(why), "{}", lint.risks[0].message);
}

#[test]
fn deeply_nested_code_is_reported_as_unchecked_not_a_crash() {
    assert_unchecked(&nested_change_tables(1_000), "too deeply nested to check");
    assert_unchecked(&nested_ifs(2_000), "too deeply nested to check");
    assert_unchecked(&nested("(", ")", 5_000), "too deeply nested to check");
    assert_unchecked(&nested("[", "]", 5_000), "too deeply nested to check");
    // Deeper still: this much overflowed the stack of the walk before there was a limit.
    assert_unchecked(&nested("(", ")", 20_000), "too deeply nested to check");
    assert_unchecked(&nested("[", "]", 20_000), "too deeply nested to check");
}

#[test]
fn ordinary_nesting_is_still_checked() {
    let lint = lint_schema_migration(&nested_change_tables(20));
    let checks: Vec<&str> = lint.risks.iter().map(|r| r.check.as_str()).collect();
    assert_eq!(checks, ["remove_column"]);
    let lint = lint_schema_migration(&nested_ifs(50));
    assert_eq!(lint.risks.iter().map(|r| r.check.as_str()).collect::<Vec<_>>(), ["remove_column"]);
}

#[test]
fn a_migration_over_the_size_limit_is_unchecked_with_why() {
    let mut source =
        String::from("class Big < ActiveRecord::Migration[7.1]\n  def up\n    remove_column :users, :name\n");
    while source.len() < 3 * 1024 * 1024 {
        source.push_str("    # padding padding padding padding padding padding padding padding padding\n");
    }
    source.push_str("  end\nend\n");
    assert_unchecked(&source, "larger than");
    assert!(lint_schema_migration(&source).risks[0].message.contains("max_size"), "names the setting");

    let roomy = LintSettings { max_size: 8 * 1024 * 1024, ..LintSettings::default() };
    let lint = lint_schema_migration_with(&source, &roomy);
    assert_eq!(lint.risks.iter().map(|r| r.check.as_str()).collect::<Vec<_>>(), ["remove_column"]);
}
