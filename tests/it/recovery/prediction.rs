//! The revert prediction over git2 fixture repositories: clean, conflicting (the later PR
//! named), squash, merge, rebase, migrations kept, an extra file; and the user's repository
//! is left untouched.
use crate::preflight::fixture::Fixture;
use bpdeploy::config::MigrationGlobs;
use bpdeploy::recovery::prediction::{pr_commits, predict, Prediction, RevertRequest};
use git2::Oid;

pub const CALC: &str = "app/services/points.rb";
pub const MIGRATION: &str = "db/migrate/20250101000001_add_points_to_orders.rb";
pub const REMOVE: &str = "db/migrate/20250102000001_remove_email_from_orders.rb";

pub fn calc(body: &str) -> String {
    format!("class Points\n  def initialize(order)\n    @order = order\n  end\n\n  def points\n{body}  end\nend\n")
}

pub fn schema(version: &str) -> String {
    format!("ActiveRecord::Schema[7.1].define(version: {version}) do\nend\n")
}

/// The history, oldest first: base (production), then on master PR #1 merged with a merge
/// commit (a migration, the calculator, the schema dump), PR #2 squashed (a README line),
/// PR #3 merged (rewrites #1's lines in the calculator), PR #4 rebase-merged as two commits
/// (a migration that removes a column, then the model).
pub struct History {
    pub pr1: Oid,
    pub pr2: Oid,
    pub pr4: [Oid; 2],
}

pub fn history(f: &mut Fixture) -> History {
    f.write("README.md", "# Shop\n")
        .write(CALC, &calc("    0\n"))
        .write(
            "app/models/order.rb",
            "class Order < ApplicationRecord\n  def email_domain\n    email.split(\"@\").last\n  end\nend\n",
        )
        .write("db/schema.rb", &schema("2024_01_01_000000"));
    let base = f.commit("Alice", "Initial app", &[]);

    f.write(CALC, &calc("    base = @order.total / 100\n    base * multiplier\n"))
        .write(MIGRATION, "class AddPointsToOrders < ActiveRecord::Migration[7.1]\n  def change\n    add_column :orders, :points, :integer\n  end\nend\n")
        .write("db/schema.rb", &schema("2025_01_01_000001"));
    let head1 = f.commit("Dave", "Award points", &[base]);
    let pr1 = f.commit("Dave", "Merge pull request #1 from acme/points\n\nAward points", &[base, head1]);

    f.write("README.md", "# Shop\n\nDeployed with bpdeploy.\n");
    let pr2 = f.commit("Erin", "Document deploys (#2)\n\n* Document deploys", &[pr1]);

    f.write(CALC, &calc("    base = @order.total / 100\n    [base * multiplier, 500].min\n"));
    let head3 = f.commit("Ivan", "Cap points", &[pr2]);
    let pr3 = f.commit("Ivan", "Merge pull request #3 from acme/cap\n\nCap points", &[pr2, head3]);

    f.write(REMOVE, "class RemoveEmailFromOrders < ActiveRecord::Migration[7.1]\n  def change\n    remove_column :orders, :email, :string\n  end\nend\n")
        .write("db/schema.rb", &schema("2025_01_02_000001"));
    let pr4a = f.commit("Frank", "Drop orders.email", &[pr3]);
    f.write("app/models/order.rb", "class Order < ApplicationRecord\nend\n");
    let pr4b = f.commit("Frank", "Stop using orders.email", &[pr4a]);
    f.set_ref("refs/remotes/origin/master", pr4b);
    History { pr1, pr2, pr4: [pr4a, pr4b] }
}

pub fn request(dir: &std::path::Path, tip: Oid, commits: Vec<Oid>, pr: u64, keep: bool) -> RevertRequest {
    RevertRequest {
        repo: dir.to_path_buf(),
        tip,
        commits,
        pull_request: pr,
        keep_migrations: keep,
        globs: MigrationGlobs {
            schema: vec!["db/migrate/*.rb".into()],
            data: vec!["db/data/*.rb".into()],
            ..Default::default()
        },
        extra_files: vec![],
    }
}

fn paths(p: &Prediction) -> Vec<(String, bool)> {
    p.changes.iter().map(|c| (c.path.clone(), c.sha.is_some())).collect()
}

/// What `git revert` makes of the same commit on the same tip (libgit2's own revert).
fn git_revert_tree(f: &Fixture, commit: Oid, tip: Oid) -> String {
    let c = f.repo.find_commit(commit).unwrap();
    let mainline = if c.parent_count() > 1 { 1 } else { 0 };
    let mut index = f.repo.revert_commit(&c, &f.repo.find_commit(tip).unwrap(), mainline, None).unwrap();
    assert!(!index.has_conflicts());
    index.write_tree_to(&f.repo).unwrap().to_string()
}

#[test]
fn a_squash_commit_reverts_cleanly_to_what_git_revert_makes() {
    let (_tmp, dir) = crate::support::scratch();
    let mut f = Fixture::init(&dir);
    let h = history(&mut f);
    let p = predict(&request(&dir, h.pr4[1], vec![h.pr2], 2, true)).unwrap();
    assert!(p.conflicts.is_empty(), "{:?}", p.conflicts);
    assert_eq!(paths(&p), [("README.md".to_string(), true)]);
    assert_eq!(p.changes[0].upload, None, "the old README is a blob GitHub already has");
    assert_eq!(p.tree.as_deref(), Some(git_revert_tree(&f, h.pr2, h.pr4[1]).as_str()));
    assert!(p.kept_paths.is_empty(), "the PR had no migration: {:?}", p.kept_paths);
}

#[test]
fn a_merge_commit_reverts_against_its_first_parent_and_may_drop_migrations_not_in_production() {
    let (_tmp, dir) = crate::support::scratch();
    let mut f = Fixture::init(&dir);
    let h = history(&mut f);
    // On PR #2's tip nothing later touched #1's lines: a clean revert that also removes the
    // migration (production never ran it: keep_migrations is false).
    let p = predict(&request(&dir, h.pr2, vec![h.pr1], 1, false)).unwrap();
    assert!(p.conflicts.is_empty(), "{:?}", p.conflicts);
    assert_eq!(p.tree.as_deref(), Some(git_revert_tree(&f, h.pr1, h.pr2).as_str()));
    let mut changed = paths(&p);
    changed.sort();
    assert_eq!(changed, [(CALC.to_string(), true), (MIGRATION.to_string(), false), ("db/schema.rb".to_string(), true)]);
    assert_eq!(p.pr_migrations.len(), 1);
    assert!(p.pr_migrations[0].1.as_deref().unwrap().contains("add_column :orders, :points"));
}

#[test]
fn a_conflicting_revert_names_the_file_the_tip_lines_and_the_later_pr() {
    let (_tmp, dir) = crate::support::scratch();
    let mut f = Fixture::init(&dir);
    let h = history(&mut f);
    let p = predict(&request(&dir, h.pr4[1], vec![h.pr1], 1, true)).unwrap();
    assert_eq!(p.tree, None, "nothing to create from a conflicting revert");
    assert_eq!(p.conflicts.len(), 1, "{:?}", p.conflicts);
    let c = &p.conflicts[0];
    assert_eq!(c.path, CALC);
    // Lines 7-8 of the tip's calculator: PR #1's `base = …` and PR #3's `[base * multiplier, 500].min`.
    // PR #1's own line is no later PR's doing: only #3 is named.
    assert_eq!(c.lines, Some([7, 8]), "{c:?}");
    assert_eq!(c.pull_requests, [3], "{c:?}");
    assert!(c.commits.is_empty());
}

#[test]
fn a_rebase_merge_is_reverted_commit_by_commit_and_keeps_its_migration_in_production() {
    let (_tmp, dir) = crate::support::scratch();
    let mut f = Fixture::init(&dir);
    let h = history(&mut f);
    let subjects = vec!["Drop orders.email".to_string(), "Stop using orders.email".to_string()];
    let commits = pr_commits(&dir, &h.pr4[1].to_string(), &subjects).unwrap();
    assert_eq!(commits, h.pr4.to_vec(), "both rebased commits, oldest first");
    let other = pr_commits(&dir, &h.pr4[1].to_string(), &["Something else".into(), "x".into()]).unwrap();
    assert_eq!(other, [h.pr4[1]], "subjects that differ mean a squash of one commit");

    let p = predict(&request(&dir, h.pr4[1], commits.clone(), 4, true)).unwrap();
    assert!(p.conflicts.is_empty(), "{:?}", p.conflicts);
    assert_eq!(paths(&p), [("app/models/order.rb".to_string(), true)], "only the code comes back");
    let mut kept = p.kept_paths.clone();
    kept.sort();
    assert_eq!(kept, ["db/migrate/20250102000001_remove_email_from_orders.rb", "db/schema.rb"]);

    // Not in production: the plain revert, migration and dump included.
    let plain = predict(&request(&dir, h.pr4[1], commits, 4, false)).unwrap();
    let mut changed = paths(&plain);
    changed.sort();
    assert_eq!(
        changed,
        [("app/models/order.rb".to_string(), true), (REMOVE.to_string(), false), ("db/schema.rb".to_string(), true)]
    );
    assert!(plain.kept_paths.is_empty());
}

#[test]
fn an_extra_file_is_added_and_uploaded_and_the_repository_is_untouched() {
    let (_tmp, dir) = crate::support::scratch();
    let mut f = Fixture::init(&dir);
    let h = history(&mut f);
    let mut req = request(&dir, h.pr4[1], vec![h.pr4[1]], 4, true);
    let undo = "db/migrate/20990101000000_revert_remove_email_from_orders.rb".to_string();
    req.extra_files = vec![(undo.clone(), "class RevertX < ActiveRecord::Migration[7.1]\nend\n".into())];
    let p = predict(&req).unwrap();
    let added = p.changes.iter().find(|c| c.path == undo).expect("the extra file is in the commit");
    assert_eq!(added.upload.as_deref(), Some("class RevertX < ActiveRecord::Migration[7.1]\nend\n".as_bytes()));
    assert_eq!(added.mode, "100644");
    // Everything the prediction wrote stayed in memory.
    let fresh = git2::Repository::open(&dir).unwrap();
    let tree = Oid::from_str(p.tree.as_deref().unwrap()).unwrap();
    assert!(fresh.find_tree(tree).is_err(), "the predicted tree was not written to the repository");
    assert!(fresh.find_blob(Oid::from_str(added.sha.as_deref().unwrap()).unwrap()).is_err());
}
