//! The repository a deploy test runs in, built with git2 by preflight's fixture builder (fixed
//! signatures and times: the shas are the same on every run). Preflight reads the range from it,
//! so the deploy ships real commits: production runs `old` (v41); master (`origin/master`) adds
//! PR #1 as a merge commit and PR #2 squashed, each bringing a migration the release phase runs.
use crate::preflight::fixture::Fixture;
use std::path::Path;

pub const GIFT_CARDS: &str = "db/migrate/20250101000001_add_gift_cards.rb";
pub const ORDERS_INDEX: &str = "db/migrate/20250101000002_add_index_to_orders.rb";

/// The fixture's commits, as the services name them (full hex shas).
pub struct Shipped {
    /// What production runs before the deploy.
    pub old: String,
    /// The merge commit of PR #1.
    pub pr1_merge: String,
    /// PR #2's squash commit: the tip of `origin/master`, what the deploy ships.
    pub tip: String,
}

pub fn create(dir: &Path) -> Shipped {
    let mut f = Fixture::init(dir);
    f.write("Procfile", "web: bundle exec puma -C config/puma.rb\nrelease: bin/rails db:migrate\n")
        .write("app/models/order.rb", "class Order < ApplicationRecord\nend\n")
        .write("config/routes.rb", "Rails.application.routes.draw do\nend\n");
    let old = f.commit("Alice", "Initial shop", &[]);

    // Plain, lint-clean migrations: the deploy tests are about the deploy, not the lint.
    f.write("app/models/gift_card.rb", "class GiftCard < ApplicationRecord\nend\n").write(
        GIFT_CARDS,
        "class AddGiftCards < ActiveRecord::Migration[7.1]\n  def change\n    create_table :gift_cards do |t|\n      \
         t.integer :cents, null: false\n      t.timestamps\n    end\n  end\nend\n",
    );
    let branch = f.commit("Bob", "Add gift cards", &[old]);
    let pr1_merge = f.commit("Carol", "Merge pull request #1 from acme/gift-cards\n\nAdd gift cards\n", &[old, branch]);

    f.write(
        ORDERS_INDEX,
        "class AddIndexToOrders < ActiveRecord::Migration[7.1]\n  disable_ddl_transaction!\n\n  def change\n    \
         add_index :orders, :customer_id, algorithm: :concurrently\n  end\nend\n",
    );
    let tip = f.commit("Dave", "Index orders by customer (#2)\n\n* Index orders by customer", &[pr1_merge]);

    f.set_ref("refs/heads/master", tip);
    f.set_ref("refs/remotes/origin/master", tip);
    Shipped { old: old.to_string(), pr1_merge: pr1_merge.to_string(), tip: tip.to_string() }
}
