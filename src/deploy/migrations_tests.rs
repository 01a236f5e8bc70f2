use super::*;

#[test]
fn recognises_rails_progress_lines_only() {
    let l = parse_line("== 20250101000001 AddGiftCards: migrating =================").unwrap();
    assert_eq!(
        (l.version.as_str(), l.name.as_str(), l.state),
        ("20250101000001", "AddGiftCards", MigrationState::Migrating)
    );
    let l = parse_line("  == 20250101000001 AddGiftCards: migrated (0.0123s) ======").unwrap();
    assert_eq!(l.state, MigrationState::Migrated);
    assert_eq!(parse_line("== 20250101000003 Billing::Backfill: migrating").unwrap().name, "Billing::Backfill");
    for other in [
        "-- add_column(:users, :x, :string)",
        "   -> 0.0012s",
        "== 20250101000001 AddGiftCards: reverting ====",
        "== abc AddGiftCards: migrating",
        "== 20250101000001 add_gift_cards: migrating",
        "== Running release command",
        "",
    ] {
        assert_eq!(parse_line(other), None, "{other:?}");
    }
}

fn expected() -> Vec<ExpectedMigration> {
    vec![
        ExpectedMigration {
            version: "20250101000001".into(),
            name: Some("AddGiftCards".into()),
            kind: MigrationKind::Schema,
        },
        ExpectedMigration {
            version: "20250101000002".into(),
            name: Some("AddIndexToOrders".into()),
            kind: MigrationKind::Schema,
        },
        ExpectedMigration { version: "20250101000003".into(), name: None, kind: MigrationKind::Data },
    ]
}

#[test]
fn a_failure_halfway_names_what_ran_what_failed_and_what_did_not_run() {
    let mut p = MigrationProgress::new(expected());
    for line in [
        "Running release command...",
        "== 20250101000001 AddGiftCards: migrating ====",
        "-- create_table(:gift_cards)",
        "== 20250101000001 AddGiftCards: migrated (0.0100s) ====",
        "== 20250101000002 AddIndexToOrders: migrating ====",
        "rake aborted!",
        "StandardError: An error has occurred, this and all later migrations canceled:",
    ] {
        p.observe(line);
    }
    p.log_complete();
    let r = p.report(PhaseEnd::Failed);
    assert_eq!(r.ran.iter().map(MigrationRef::label).collect::<Vec<_>>(), ["20250101000001 AddGiftCards"]);
    assert_eq!(r.failed.iter().map(MigrationRef::label).collect::<Vec<_>>(), ["20250101000002 AddIndexToOrders"]);
    assert!(r.unknown.is_empty());
    assert_eq!(
        r.not_run,
        vec![MigrationRef { version: "20250101000003".into(), name: None, kind: Some(MigrationKind::Data) }]
    );

    let failure = ReleaseFailure::new(42, Some(41), "shop", r, vec!["rake aborted!".into()]);
    assert_eq!(failure.headline(), "the release phase of v42 failed in migration 20250101000002 AddIndexToOrders");
    let text = failure.explanation().join("\n");
    assert!(text.contains("production still serves v41: the app did not switch to v42"));
    assert!(text.contains("ran and stay applied: 20250101000001 AddGiftCards"));
    assert!(text.contains("did not run: 20250101000003"));
    assert!(failure.next_steps[0].contains("fix migration 20250101000002 AddIndexToOrders"));
    assert!(failure.next_steps.last().unwrap().contains("heroku releases:retry -a shop"));
}

#[test]
fn a_successful_release_phase_reports_every_expected_migration_as_ran() {
    let mut p = MigrationProgress::new(expected());
    for v in ["20250101000001 AddGiftCards", "20250101000002 AddIndexToOrders", "20250101000003 BackfillCards"] {
        assert!(p.observe(&format!("== {v}: migrating")).is_some());
        p.observe(&format!("== {v}: migrated (0.1s)"));
    }
    p.log_complete();
    let r = p.report(PhaseEnd::Succeeded);
    assert_eq!(r.ran.len(), 3);
    assert!(r.failed.is_empty() && r.not_run.is_empty() && r.unknown.is_empty());
    assert_eq!(r.ran[2].kind, Some(MigrationKind::Data));
}

#[test]
fn a_failing_data_migration_warns_about_partly_migrated_data() {
    let mut p = MigrationProgress::new(expected());
    p.observe("== 20250101000003 BackfillCards: migrating");
    p.log_complete();
    let f = ReleaseFailure::new(42, None, "shop", p.report(PhaseEnd::Failed), vec![]);
    assert!(f.next_steps.iter().any(|s| s.contains("partly migrated")));
    assert!(f.explanation()[0].contains("production still serves the previous release"));
}

/// The slow-stream drill's stream drops after `AddLoyaltyPointsToOrders: migrating`: a release
/// phase that succeeded finished it, and what the cut log never showed is unknown, not "did not
/// run"; a cut log of a failed release names no culprit it did not see fail.
#[test]
fn a_cut_log_says_unknown_rather_than_guessing() {
    let mut p = MigrationProgress::new(expected());
    p.observe("== 20250101000001 AddGiftCards: migrating");
    p.observe("== 20250101000001 AddGiftCards: migrated (0.1s)");
    p.observe("== 20250101000002 AddIndexToOrders: migrating");
    let labels = |ms: &[MigrationRef]| ms.iter().map(|m| m.version.clone()).collect::<Vec<_>>();
    let ok = p.report(PhaseEnd::Succeeded);
    assert_eq!(labels(&ok.ran), ["20250101000001", "20250101000002"]);
    assert_eq!((labels(&ok.unknown), ok.failed.len(), ok.not_run.len()), (vec!["20250101000003".to_string()], 0, 0));
    let failed = p.report(PhaseEnd::Failed);
    assert_eq!(labels(&failed.unknown), ["20250101000002", "20250101000003"]);
    assert!(failed.failed.is_empty() && failed.not_run.is_empty());
    let gone = p.report(PhaseEnd::Unknown);
    assert_eq!((labels(&gone.ran), labels(&gone.unknown).len()), (vec!["20250101000001".to_string()], 2));
}
