use super::*;
use chrono::TimeZone;

const ADD: &str = "db/migrate/20250101000001_add_loyalty_points_to_orders.rb";
const ADD_SRC: &str = "class AddLoyaltyPointsToOrders < ActiveRecord::Migration[7.1]\n  def change\n    add_column :orders, :loyalty_points, :integer, default: 0, null: false\n    add_index :orders, :loyalty_points\n  end\nend\n";

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 2, 3, 12, 0, 0).unwrap()
}

#[test]
fn reverts_a_change_migration_with_rails_revert_and_says_the_column_data_is_lost() {
    let m = [PrMigration { path: ADD, source: ADD_SRC }];
    let undo = undo_migration(4, "Award loyalty points", &m, Some("20250101000004"), noon()).unwrap();
    assert_eq!(undo.path, "db/migrate/20250203120000_revert_add_loyalty_points_to_orders.rb");
    assert_eq!(undo.class_name, "RevertAddLoyaltyPointsToOrders");
    assert!(undo.content.contains("require_relative \"20250101000001_add_loyalty_points_to_orders\"\n"));
    assert!(undo.content.contains(
        "class RevertAddLoyaltyPointsToOrders < ActiveRecord::Migration[7.1]\n  def change\n    revert AddLoyaltyPointsToOrders\n  end\nend\n"
    ));
    assert_eq!(undo.statements, ["remove_column :orders, :loyalty_points"], "the index goes with the column");
    assert_eq!(undo.data_loss, ["drops orders.loyalty_points: the data in it is lost"]);
    // Linted like any migration: remove_column is dangerous while old code caches the column.
    assert_eq!(undo.risks.iter().map(|r| r.check.as_str()).collect::<Vec<_>>(), ["remove_column"]);
    let revert_line = undo.content.lines().position(|l| l.contains("revert AddLoyalty")).unwrap() + 1;
    assert_eq!(undo.risks[0].line, revert_line);
    // The file itself is a well-formed migration for the lint too.
    let itself = lint::lint_schema_migration(&undo.content);
    assert_eq!(itself.class_name.as_deref(), Some("RevertAddLoyaltyPointsToOrders"));
}

#[test]
fn an_up_down_migration_is_undone_by_its_down_and_several_are_reverted_together() {
    let up_down = "class ChangeStatus < ActiveRecord::Migration[7.0]\n  def up\n    change_column :orders, :status, :integer\n  end\n\n  def down\n    change_column :orders, :status, :string\n  end\nend\n";
    let m = [
        PrMigration { path: "db/migrate/20250101000009_change_status.rb", source: up_down },
        PrMigration { path: ADD, source: ADD_SRC },
    ];
    let undo = undo_migration(9, "Two", &m, None, noon()).unwrap();
    assert_eq!(undo.reverts, ["AddLoyaltyPointsToOrders", "ChangeStatus"], "oldest first");
    assert_eq!(undo.class_name, "RevertPullRequest9Migrations");
    assert!(undo.content.contains("    revert AddLoyaltyPointsToOrders, ChangeStatus\n"));
    assert!(undo.content.contains("Migration[7.1]"), "the newest Rails version of the two");
    assert_eq!(
        undo.statements,
        ["change_column :orders, :status, :string", "remove_column :orders, :loyalty_points"],
        "newest undone first"
    );
    assert!(undo.risks.iter().any(|r| r.check == "change_column"), "{:?}", undo.risks);
}

#[test]
fn irreversible_migrations_are_refused_and_the_version_always_sorts_last() {
    let raising = "class DropCoupons < ActiveRecord::Migration[7.1]\n  def up\n    drop_table :coupons\n  end\n\n  def down\n    raise ActiveRecord::IrreversibleMigration\n  end\nend\n";
    let m = [PrMigration { path: "db/migrate/20250101000002_drop_coupons.rb", source: raising }];
    let refused = undo_migration(5, "Drop coupons", &m, None, noon()).unwrap_err();
    assert!(matches!(&refused, UndoRefusal::Irreversible { class, .. } if class == "DropCoupons"), "{refused:?}");
    assert_eq!(undo_migration(5, "x", &[], None, noon()).unwrap_err(), UndoRefusal::NothingToUndo);
    assert_eq!(next_version(noon(), Some("20990101000000")), "20990101000001", "a clock behind the repository");
    assert_eq!(next_version(noon(), Some("20240101000000")), "20250203120000");
}
