use super::*;
use crate::deploy::migrations::{MigrationProgress, ReleaseFailure};
use crate::deploy::watch::{NewIssue, Reason, ReasonKind, Verdict};

fn base(status: Ending) -> DeployOutcome {
    let mut o = DeployOutcome::new(status, "shop");
    o.sha = Some("0123456789abcdef".into());
    o.previous_release = Some(41);
    o
}

#[test]
fn exit_codes_follow_the_ending_and_errors_keep_their_own() {
    assert_eq!(base(Ending::Healthy).exit(), Exit::Success);
    assert_eq!(base(Ending::BuildFailed).exit(), Exit::Unsafe);
    assert_eq!(base(Ending::ReleaseFailed).exit(), Exit::Unsafe);
    assert_eq!(base(Ending::Locked).exit(), Exit::Locked);
    assert_eq!(base(Ending::Interrupted).exit().code(), 130);
    let mut e = base(Ending::Error);
    e.error = Some(Failure::new(Exit::Credentials, "heroku_unauthorized", "401"));
    assert_eq!(e.exit(), Exit::Credentials);
    assert!(base(Ending::Live).is_event_stream());
}

#[test]
fn build_failure_says_nothing_changed_and_shows_the_tail() {
    let mut o = base(Ending::BuildFailed);
    o.build_failure = Some(BuildFailure { build_id: "b1".into(), output_tail: vec!["SyntaxError".into()] });
    let text = o.conclude().human(&Ui::plain());
    assert!(
        text.starts_with("The build of 0123456 failed: nothing changed in production; the database was not touched.")
    );
    assert!(text.contains("Last 1 lines of output:\n  SyntaxError"));
    assert!(text.contains("Production: shop still serves v41"));
}

#[test]
fn release_failure_names_the_migration_and_what_production_serves() {
    let mut p = MigrationProgress::new(vec![]);
    p.observe("== 20250101000002 AddIndexToOrders: migrating");
    p.log_complete();
    let mut o = base(Ending::ReleaseFailed);
    o.release = Some(42);
    o.release_failure = Some(ReleaseFailure::new(
        42,
        Some(41),
        "shop",
        p.report(crate::deploy::migrations::PhaseEnd::Failed),
        vec!["PG::LockNotAvailable".into()],
    ));
    let o = o.conclude();
    let text = o.human(&Ui::plain());
    assert!(
        text.contains("Deploy failed: the release phase of v42 failed in migration 20250101000002 AddIndexToOrders.")
    );
    assert!(text.contains("production still serves v41"));
    assert!(text.contains("Next: fix migration 20250101000002"));
    let json = o.to_json();
    assert_eq!(json["status"], "release_failed");
    assert_eq!(json["release_failure"]["migrations"]["failed"][0]["version"], "20250101000002");
}

#[test]
fn failing_watch_lists_top_issues_and_the_triage_command() {
    let mut o = base(Ending::Failing);
    o.release = Some(42);
    o.watch = Some(WatchReport {
        verdict: Verdict::Failing,
        reasons: vec![Reason::failing(ReasonKind::NewIssues, "1 new issue".into())],
        top_issues: vec![NewIssue {
            id: "77".into(),
            short_id: Some("RAILS-2B".into()),
            title: "NoMethodError".into(),
            culprit: None,
            events: 12,
            users: 4,
            permalink: None,
        }],
        transient_issues: vec![],
        regressions: vec![],
        error_rate: Some(3.0),
        error_rate_ratio: None,
        triage_command: Some("bpdeploy triage 77".into()),
        still_current: true,
    });
    let o = o.conclude();
    let text = o.human(&Ui::plain());
    assert!(text.contains(
        "v42 of shop is failing.\n  - sentry: 1 new issue\nTop new issues:\n  RAILS-2B NoMethodError: 12 events, 4 users"
    ));
    assert_eq!(o.next, ["bpdeploy triage 77", "bpdeploy rollback"]);
}

#[test]
fn every_ending_states_production_and_result_json_has_the_status() {
    for ending in Ending::ALL {
        let o = base(ending).conclude();
        assert!(o.production.starts_with("shop "), "{ending:?}: {}", o.production);
        let text = o.human(&Ui::plain());
        assert!(text.contains("Production: shop"), "{ending:?}: {text}");
        assert_eq!(o.to_json()["status"], ending.name());
    }
    let lock = LockHolder { what: "a pending build".into(), who: "bob".into(), since: "2025-01-01T00:00:00Z".into() };
    let mut o = base(Ending::Locked);
    o.lock = Some(lock);
    assert!(o
        .conclude()
        .human(&Ui::plain())
        .starts_with("Not deploying: a pending build by bob since 2025-01-01T00:00:00Z"));
}

/// The human report and the JSON are one outcome rendered twice: for every ending, the human
/// text carries the `production` sentence and every `next` step, whatever the account says.
#[test]
fn the_human_report_carries_the_same_account() {
    use crate::deploy::account::{Account, BuildAccount, ReleaseAccount, WorkStatus};
    let accounts = [
        None,
        Some(Account {
            current_release: Some(42),
            build: Some(BuildAccount { id: Some("b1".into()), status: WorkStatus::Succeeded }),
            release: Some(ReleaseAccount { version: Some(42), status: WorkStatus::Succeeded }),
            ..Account::default()
        }),
        Some(Account {
            current_release: None,
            build: Some(BuildAccount { id: Some("b1".into()), status: WorkStatus::Unknown }),
            ..Account::default()
        }),
    ];
    for ending in Ending::ALL {
        for account in &accounts {
            let mut o = base(ending);
            o.account = account.clone();
            o.resume = account.as_ref().and_then(Account::resume);
            o.error = (ending == Ending::Error).then(|| Failure::new(Exit::Failure, "x", "lost").with_hint("h"));
            let o = o.conclude();
            let text = o.human(&Ui::plain());
            let json = o.to_json();
            let production = json["production"].as_str().unwrap();
            assert!(text.contains(&format!("Production: {production}.")), "{ending:?}: {text}");
            for step in json["next"].as_array().unwrap() {
                assert!(text.contains(&format!("Next: {}", step.as_str().unwrap())), "{ending:?}: {step} in {text}");
            }
            if account.as_ref().is_some_and(|a| a.current_release.is_none()) {
                assert!(production.contains("unknown") && json["resume"].is_string(), "{ending:?}: {json}");
            }
        }
    }
}
