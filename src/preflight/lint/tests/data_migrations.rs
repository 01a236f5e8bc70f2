//! Data migrations: rollback, whole-table loops, external calls.

use super::{commented, found, heredoc, stringified};
use crate::preflight::lint::lint_data_migration;

/// A data migration whose `up` holds `code` (from line 3) and whose `down` restores nothing
/// harmful, so only the checks under test fire.
fn data_migration(code: &str) -> String {
    let body: String = code.lines().map(|l| format!("    {l}\n")).collect();
    format!("class BackfillThings < ActiveRecord::Migration[7.1]\n  def up\n{body}  end\n\n  def down\n    User.where(admin: false).update_all(admin: nil)\n  end\nend\n")
}

/// `(check, line within code, code)`
const CASES: &[(&str, usize, &str)] = &[
    ("data_unbatched_loop", 1, "User.all.each do |user|\n  user.update!(admin: false)\nend"),
    ("data_unbatched_loop", 1, "User.where(admin: nil).each { |user| user.touch }"),
    ("data_unbatched_loop", 1, "ids = Admin::Account.all.map(&:id)"),
    ("data_unbatched_loop", 1, "User.pluck(:id).each { |id| User.find(id).touch }"),
    ("data_unbatched_loop", 2, "# users\nfor user in User.where(admin: nil)\n  user.touch\nend"),
    ("data_external_call", 1, "Net::HTTP.get(URI(\"https://example.com/sync\"))"),
    ("data_external_call", 1, "HTTParty.post(\"https://example.com\", body: {})"),
    ("data_external_call", 1, "Faraday.new(url: \"https://example.com\").get(\"/users\")"),
    ("data_external_call", 1, "RestClient.get(\"https://example.com\")"),
    ("data_external_call", 1, "Stripe::Customer.retrieve(\"cus_123\")"),
    ("data_external_call", 1, "GithubClient.new(token).sync_teams"),
    ("data_external_call", 1, "UserMailer.with(user: u).welcome.deliver_later"),
    ("data_external_call", 1, "SyncUserJob.perform_now(42)"),
    ("data_external_call", 1, "URI.open(\"https://example.com/data.csv\")"),
];

#[test]
fn each_case_reports_its_check_on_its_line() {
    for (check, line, code) in CASES {
        let lint = lint_data_migration(&data_migration(code));
        assert_eq!(found(&lint), vec![(*check, 2 + line)], "{code}");
        assert_eq!(lint.reversible, Some(true), "{code}");
    }
}

#[test]
fn the_same_code_in_comments_strings_and_heredocs_is_inert() {
    for (_, _, code) in CASES {
        for wrapped in [commented(code), stringified(code), heredoc(code)] {
            assert_eq!(found(&lint_data_migration(&data_migration(&wrapped))), vec![], "{wrapped}");
        }
    }
}

#[test]
fn batched_bounded_and_assured_loops_are_fine() {
    for code in [
        "User.find_each { |user| user.touch }",
        "User.where(admin: nil).find_each(batch_size: 500) { |user| user.touch }",
        "User.in_batches(of: 1000) { |batch| batch.update_all(admin: false) }",
        "User.in_batches.each_record { |user| user.touch }",
        "User.where(admin: nil).limit(100).each { |user| user.touch }",
        "User.order(:id).first(10).each { |user| user.touch }",
        "%w[a b].each { |role| Role.find_or_create_by!(name: role) }",
        "STATUSES.each { |status| Status.create!(name: status) }",
        "User.where(admin: nil).update_all(admin: false)",
        "safety_assured { User.all.each(&:touch) }",
    ] {
        assert_eq!(found(&lint_data_migration(&data_migration(code))), vec![], "{code}");
    }
}

#[test]
fn a_loop_nested_in_a_reported_loop_is_one_finding() {
    let code = "User.all.map(&:id).each do |id|\n  Order.where(user_id: id).each(&:touch)\nend";
    assert_eq!(found(&lint_data_migration(&data_migration(code))), vec![("data_unbatched_loop", 3)]);
}

/// `(check, line)` pairs.
type Findings = Vec<(&'static str, usize)>;

#[test]
fn rollback_findings() {
    let header =
        "class BackfillThings < ActiveRecord::Migration[7.1]\n  def up\n    User.update_all(admin: false)\n  end\n";
    let cases: &[(&str, Findings, Option<bool>)] = &[
        ("", vec![("data_no_down", 2)], Some(false)),
        (
            "\n  def down\n    raise ActiveRecord::IrreversibleMigration\n  end\n",
            vec![("data_irreversible", 7)],
            Some(false),
        ),
        ("\n  def down\n  end\n", vec![("data_irreversible", 6)], Some(false)),
        ("\n  def down\n    User.update_all(admin: nil)\n  end\n", vec![], Some(true)),
    ];
    for (down, expected, reversible) in cases {
        let lint = lint_data_migration(&format!("{header}{down}end\n"));
        assert_eq!(&found(&lint), expected, "{down}");
        assert_eq!(lint.reversible, *reversible, "{down}");
        assert_eq!(lint.class_name.as_deref(), Some("BackfillThings"));
    }
}

#[test]
fn data_code_in_change_runs_again_on_rollback() {
    let source = "class BackfillThings < ActiveRecord::Migration[7.1]\n  def change\n    User.update_all(admin: false)\n  end\nend\n";
    let lint = lint_data_migration(source);
    assert_eq!(found(&lint), vec![("data_irreversible", 2)]);
    assert_eq!(lint.reversible, Some(false));
}

#[test]
fn schema_checks_do_not_apply_to_data_migrations() {
    let lint = lint_data_migration(&data_migration("User.where(admin: nil).update_all(admin: false)"));
    assert!(lint.risks.iter().all(|r| r.check != "backfill"));
}
