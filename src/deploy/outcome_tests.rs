use super::*;
use crate::deploy::migrations::{MigrationProgress, ReleaseFailure};
use crate::deploy::steps::{LockHolder, LockReport};
use crate::deploy::watch::{NewIssue, Reason, ReasonKind, Verdict};

fn commands(steps: &[NextStep]) -> Vec<&str> {
    steps.iter().map(|s| s.command.as_str()).collect()
}

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

/// Issue 15: "nothing changed … the database was not touched" was said twice, in the headline
/// and in the `Production:` line. It is said once; the log keeps its gutter.
#[test]
fn build_failure_says_nothing_changed_once_and_shows_the_log() {
    let mut o = base(Ending::BuildFailed);
    o.build_failure = Some(BuildFailure { build_id: "b1".into(), output_tail: vec!["SyntaxError".into()] });
    let text = o.conclude().human(&Ui::plain());
    assert!(text.starts_with("The build of 0123456 failed.\n"), "{text}");
    assert!(text.contains("Build log (last 1 line):\n  | SyntaxError"), "{text}");
    assert!(text.contains("Production: shop still serves v41; nothing changed, the database was not touched."));
    assert_eq!(text.matches("not touched").count(), 1, "said once: {text}");
    assert_eq!(text.matches("nothing changed").count(), 1, "said once: {text}");
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
    assert!(
        text.contains("Production: shop still serves v41: it did not switch to v42; migrations that ran stay applied.")
    );
    assert_eq!(text.matches("serves").count(), 1, "said once: {text}");
    assert!(text.contains("Next: bpdeploy deploy — once migration 20250101000002 AddIndexToOrders is fixed"), "{text}");
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
    assert_eq!(commands(&o.next), ["bpdeploy triage 77", "bpdeploy rollback"]);
    assert!(text.contains("Next: bpdeploy triage 77 — find the PR behind the top new issue"), "{text}");
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
    o.lock = Some(LockReport::held(lock, false));
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
            o.again = "bpdeploy deploy --watch".into();
            o.error = (ending == Ending::Error).then(|| Failure::new(Exit::Failure, "x", "lost").with_hint("h"));
            let o = o.conclude();
            let text = o.human(&Ui::plain());
            let json = o.to_json();
            let production = json["production"].as_str().unwrap();
            assert!(text.contains(&format!("Production: {production}.")), "{ending:?}: {text}");
            for step in json["next"].as_array().unwrap() {
                let line = format!("Next: {} — {}", step["command"].as_str().unwrap(), step["why"].as_str().unwrap());
                assert!(text.contains(&line), "{ending:?}: {step} in {text}");
            }
            if let Some(resume) = json["resume"].as_str() {
                assert_eq!(json["next"][0]["command"], resume, "{ending:?}: the resume comes first: {json}");
            }
            if account.as_ref().is_some_and(|a| a.current_release.is_none()) {
                assert!(production.contains("unknown") && json["resume"].is_string(), "{ending:?}: {json}");
            }
        }
    }
}

/// Issue 15: a rejected Sentry token during `watch` printed "Deploy stopped on an error", and
/// the error's hint was a `Next:` line although it names no command.
#[test]
fn a_watch_that_stops_on_an_error_says_watch_and_its_hint_is_a_hint() {
    let mut o = base(Ending::Error);
    o.watch_only = true;
    o.error = Some(Failure::new(Exit::Credentials, "sentry_unauthorized", "Sentry answered 401").with_hint("set it"));
    let o = o.conclude();
    let text = o.human(&Ui::plain());
    assert!(text.starts_with("Watch stopped on an error: Sentry answered 401\nhint: set it\n"), "{text}");
    assert!(!text.contains("Deploy"), "{text}");
    assert!(
        o.next.iter().all(|s| s.command.starts_with("bpdeploy") || s.command.starts_with("heroku")),
        "{:?}",
        o.next
    );
}

/// Issue 15: the result said `lock: null` after a `lock` event; it carries the event's facts.
#[test]
fn the_result_carries_the_last_look_at_the_lock() {
    let mut o = base(Ending::Live);
    o.lock = Some(LockReport::free());
    let json = o.conclude().to_json();
    assert_eq!(json["lock"], serde_json::json!({"held": false, "holder": null, "forced": false}));
}

/// Every ending's next steps are commands with a reason; none is prose pretending to be one.
#[test]
fn next_steps_are_commands_with_a_reason() {
    for ending in Ending::ALL {
        let mut o = base(ending);
        o.release = Some(42);
        o.again = "bpdeploy deploy --watch".into();
        for step in o.conclude().next {
            assert!(
                step.command.starts_with("bpdeploy ") || step.command.starts_with("heroku "),
                "{ending:?}: {step:?}"
            );
            assert!(!step.why.is_empty(), "{ending:?}: {step:?}");
        }
    }
    let mut o = base(Ending::ConfirmationRequired);
    o.again = "bpdeploy deploy --watch".into();
    let o = o.conclude();
    assert_eq!(o.exit(), Exit::Usage);
    assert_eq!(commands(&o.next), ["bpdeploy deploy --watch --yes", "bpdeploy deploy --watch --dry-run"]);
}

#[test]
fn nothing_to_deploy_says_so_once() {
    let text = base(Ending::NothingToDeploy).conclude().human(&Ui::plain());
    assert!(
        text.starts_with("Nothing to deploy: shop already runs 0123456 (v41).\nProduction: shop serves v41.\n"),
        "{text}"
    );
    assert_eq!(text.matches("already runs").count(), 1, "{text}");
}

/// A build POST refused with a long Retry-After: nothing was created, and the wait is in `next`.
#[test]
fn a_refused_request_says_when_to_run_it_again() {
    let mut o = base(Ending::Error);
    o.error = Some(
        Failure::new(Exit::Failure, "heroku_rate_limited", "Heroku answered 429")
            .with_hint("rate limited: wait 120s and try again"),
    );
    let o = o.conclude();
    assert_eq!(commands(&o.next), ["bpdeploy deploy"]);
    assert_eq!(o.next[0].why, "rate limited: wait 120s and try again");
    let mut o = base(Ending::Error);
    o.error = Some(Failure::new(Exit::Failure, "github_not_found", "no branch nosuch").with_hint("check --branch"));
    assert!(o.conclude().next.is_empty(), "running it again as it was is no advice");
}

/// A cut release-phase log leaves migrations unknown: the report says how to find out, with a
/// command that runs as printed (the app named, not `<app>`), whether the release went live or
/// its release phase failed.
#[test]
fn unknown_migrations_come_with_the_command_that_shows_the_whole_log() {
    use crate::deploy::migrations::ExpectedMigration;
    let backfill = ExpectedMigration {
        version: "20250101000003".into(),
        name: Some("BackfillOrderTotals".into()),
        kind: crate::deploy::migrations::MigrationKind::Data,
    };
    let p = MigrationProgress::new(vec![backfill]);
    let mut live = base(Ending::Live);
    live.release = Some(42);
    live.migrations = Some(p.report(crate::deploy::migrations::PhaseEnd::Succeeded));
    let live = live.conclude();
    assert_eq!(commands(&live.next), ["bpdeploy watch --release v42", "heroku releases:output v42 -a shop"]);

    let mut failed = base(Ending::ReleaseFailed);
    failed.release = Some(42);
    let report = p.report(crate::deploy::migrations::PhaseEnd::Failed);
    failed.release_failure = Some(ReleaseFailure::new(42, Some(41), "shop", report, vec![]));
    let failed = failed.conclude();
    assert_eq!(commands(&failed.next)[0], "heroku releases:output v42 -a shop", "read first: {:?}", failed.next);
    let text = failed.release_failure.as_ref().unwrap().explanation().join("\n");
    assert!(text.contains("unknown") && !text.contains("<app>"), "{text}");
}

/// `watch --release v42` of a release whose release phase failed: production never switched to
/// it, so it is not "no longer current" and watching v41 instead is no next step; the log that
/// says why it failed is.
#[test]
fn a_watched_release_whose_release_phase_failed_leads_to_its_log_not_to_another_watch() {
    use crate::deploy::account::{Account, ReleaseAccount, WorkStatus};
    let mut o = base(Ending::Failing);
    o.release = Some(42);
    o.account = Some(Account {
        current_release: Some(41),
        release: Some(ReleaseAccount { version: Some(42), status: WorkStatus::Failed }),
        watch_only: true,
        ..Account::default()
    });
    let o = o.conclude();
    assert_eq!(commands(&o.next), ["heroku releases:output v42 -a shop"], "{:?}", o.next);
    assert!(o.next[0].why.contains("never went live"), "{:?}", o.next);
}

/// `watch --build ID` of a build that failed: watching the same failed build again is no next
/// step; a deploy once the build is fixed is.
#[test]
fn a_watched_build_that_failed_leads_to_a_deploy_not_to_the_same_watch() {
    let mut o = base(Ending::BuildFailed);
    o.watch_only = true;
    o.branch = "master".into();
    o.again = "bpdeploy watch --build b1".into();
    let o = o.conclude();
    assert_eq!(commands(&o.next), ["bpdeploy deploy"], "{:?}", o.next);
    assert_eq!(o.next[0].why, "once the build is fixed on master");
}

/// Answering "n" to `watch --auto-rollback`'s question ended the watch with exit 1, as if
/// declining were an error. The watch goes on without the rollback: a failing verdict stays
/// failing (exit 3), says nothing was rolled back, and leads with the rollback to run by hand.
#[test]
fn a_failing_watch_whose_rollback_was_declined_stays_failing_and_leads_with_the_rollback() {
    let mut o = base(Ending::Failing);
    o.release = Some(42);
    o.watch_only = true;
    o.rollback_declined = true;
    o.watch = Some(WatchReport { triage_command: Some("bpdeploy triage 77".into()), ..failing_report() });
    let o = o.conclude();
    assert_eq!(o.exit(), Exit::Unsafe, "exit 3, as a failing watch");
    assert_eq!(o.to_json()["status"], "failing");
    assert!(o.production.contains("the automatic rollback was declined: nothing was rolled back"), "{}", o.production);
    assert_eq!(commands(&o.next), ["bpdeploy rollback", "bpdeploy triage 77"], "{:?}", o.next);
    assert!(o.next[0].why.contains("declined"), "{:?}", o.next);
    let text = o.human(&Ui::plain());
    assert!(text.contains("nothing was rolled back") && text.contains("Next: bpdeploy rollback"), "{text}");

    let mut healthy = base(Ending::Healthy);
    healthy.rollback_declined = true;
    let healthy = healthy.conclude();
    assert_eq!(healthy.exit(), Exit::Success);
    assert!(!healthy.production.contains("declined"), "nothing to roll back: {}", healthy.production);
}

fn failing_report() -> WatchReport {
    WatchReport {
        verdict: Verdict::Failing,
        reasons: vec![Reason::failing(ReasonKind::NewIssues, "1 new issue".into())],
        top_issues: vec![],
        transient_issues: vec![],
        regressions: vec![],
        error_rate: Some(3.0),
        error_rate_ratio: None,
        triage_command: None,
        still_current: true,
    }
}
