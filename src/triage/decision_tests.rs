//! Every branch of the tree, from evidence built by hand: each test changes one fact of a
//! revert-shaped case and checks the step that fact decides.
use super::*;
use crate::triage::blame::{ChangeKey, FrameFindings, Person};
use crate::triage::frames::StackFrame;
use crate::triage::suspects::Confidence;
use chrono::Duration;

const RELEASE: &str = "83eea336c1b5f0f2a4d1e2f3a4b5c6d7e8f90123";

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-01-06T12:00:00Z").unwrap().with_timezone(&Utc) + Duration::minutes(minutes)
}

fn release() -> TriagedRelease {
    TriagedRelease {
        version: 7,
        name: RELEASE.into(),
        commit: RELEASE.into(),
        created_at: Some(at(-5)),
        live_at: Some(at(0)),
        replaced: None,
        previous: Some((6, Some("e6edcb4".into()))),
    }
}

/// Began in v7 a minute after it went live, still firing, 40 events a minute, 30 users.
fn issue() -> IssueFacts {
    IssueFacts {
        id: "4501000100".into(),
        short_id: "STOREFRONT-4F".into(),
        title: "NoMethodError: undefined method 'multiplier' for nil".into(),
        level: Some("error".into()),
        events: 400,
        users: 30,
        first_seen: Some(at(1)),
        last_seen: Some(at(10)),
        first_release: Some(RELEASE.into()),
        transaction: Some("OrdersController#create".into()),
        message: Some("undefined method 'multiplier' for nil".into()),
        events_per_minute: Some(40.0),
        ..IssueFacts::default()
    }
}

fn frame(file: &str, line: u32, function: &str) -> FrameFindings {
    FrameFindings {
        frame: StackFrame { file: file.into(), line, function: function.into(), in_repo: true },
        line_change: None,
        line_author: Some(Person { name: "Alice Moreau".into(), email: "alice@acme.test".into() }),
        method: Some((line - 1, line + 1)),
        method_changes: vec![],
        file_changes: vec![],
    }
}

fn suspect(number: u64, confidence: Confidence, lines: usize) -> Suspect {
    Suspect {
        pull_request: Some(number),
        title: format!("PR {number}"),
        authors: vec![format!("author{number}")],
        confidence,
        evidence: vec!["wrote it".into()],
        key: ChangeKey::Pull(number),
        people: vec![Person { name: format!("Author {number}"), email: format!("a{number}@acme.test") }],
        url: None,
        first_frame: 0,
        lines_in_frame_file: lines,
        migrations: vec![],
    }
}

fn clean_revert(number: u64) -> RevertOutlook {
    RevertOutlook {
        pull_request: number,
        state: RevertState::Clean,
        estimate: Some(Estimate::new(vec![])),
        breaking: vec![],
    }
}

fn rollback() -> RollbackOutlook {
    RollbackOutlook { target: Some(6), estimate: Some(Estimate::new(vec![])), breaking: vec![], refusal: None }
}

/// The facts of one case, owned, so each test changes what it is about.
struct Facts {
    issue: IssueFacts,
    release: TriagedRelease,
    config: TriageConfig,
    frames: Vec<FrameFindings>,
    range_known: bool,
    suspects: Vec<Suspect>,
    experiment: Option<ExperimentFinding>,
    revert: Option<RevertOutlook>,
    rollback: RollbackOutlook,
    now: DateTime<Utc>,
}

/// One PR (#4) wrote the frame's line with 17 lines, its revert is clean: a revert.
fn revert_shaped() -> Facts {
    Facts {
        issue: issue(),
        release: release(),
        config: TriageConfig::default(),
        frames: vec![frame("app/services/loyalty/points_calculator.rb", 14, "multiplier")],
        range_known: true,
        suspects: vec![suspect(4, Confidence::High, 17), suspect(5, Confidence::Low, 2)],
        experiment: None,
        revert: Some(clean_revert(4)),
        rollback: rollback(),
        now: at(10),
    }
}

fn decide_on(f: &Facts) -> Decision {
    decide(&Case {
        issue: &f.issue,
        release: &f.release,
        now: f.now,
        config: &f.config,
        frames: &f.frames,
        range_known: f.range_known,
        suspects: &f.suspects,
        experiment: f.experiment.as_ref(),
        revert: f.revert.as_ref(),
        rollback: Some(&f.rollback),
        branch: "master",
    })
}

fn has(d: &Decision, words: &str) -> bool {
    d.reasons.iter().any(|r| r.contains(words))
}

#[test]
fn one_pr_a_clean_revert_and_bounded_damage_is_a_revert() {
    let d = decide_on(&revert_shaped());
    assert_eq!(d.classification, Classification::Revert, "{:#?}", d.reasons);
    assert_eq!(d.next_command.as_deref(), Some("bpdeploy revert 4 --merge --deploy --watch --sentry STOREFRONT-4F"));
    assert_eq!(d.call, ["author4"], "the low-confidence suspect is not called");
    assert!(d.still_happening);
    for step in ["1. experiment:", "2. data:", "3. transient: still happening", "4. patch:", "5. revert:"] {
        assert!(has(&d, step), "each step is explained: {step} in {:#?}", d.reasons);
    }
    assert!(has(&d, "17 lines of the frame's file"), "{:#?}", d.reasons);
    assert!(has(&d, "time to recovery: revert"), "{:#?}", d.reasons);
}

#[test]
fn an_experiment_is_turned_off_by_its_owner() {
    let mut f = revert_shaped();
    f.experiment = Some(ExperimentFinding {
        matched: vec!["the frame app/experiments/x.rb (label) matches `experiment`".into()],
        switches: vec!["the Flipper feature :buy_now (app/experiments/x.rb:6)".into()],
        config_vars: vec![],
        owners: vec!["Author 4".into()],
        next_command: Some("heroku run --app shop -- bin/rails runner 'Flipper.disable(:buy_now)'".into()),
    });
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Experiment);
    assert_eq!(
        d.next_command.as_deref(),
        Some("heroku run --app shop -- bin/rails runner 'Flipper.disable(:buy_now)'")
    );
    assert_eq!(d.call, ["author4"], "the owner goes by the PR author's login");
    assert!(has(&d, "Flipper feature :buy_now"), "{:#?}", d.reasons);
}

#[test]
fn an_issue_older_than_the_release_is_data() {
    let mut f = revert_shaped();
    f.issue.first_release = Some("e6edcb4d11".into());
    f.issue.first_seen = Some(at(-600));
    f.issue.message = Some("Couldn't find Order with 'id'=0".into());
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Data, "{:#?}", d.reasons);
    assert_eq!(d.next_command, None, "no revert, no rollback");
    assert!(has(&d, "began before this release"), "{:#?}", d.reasons);
    assert!(has(&d, "the record: Order with id=0"), "{:#?}", d.reasons);
    assert!(has(&d, "the frame: app/services/loyalty/points_calculator.rb:14 in multiplier"), "{:#?}", d.reasons);
}

/// Sentry names this release as the issue's first when the issue's earlier events carried no
/// release (or another name): an issue first seen before Heroku created the release is older
/// than it, whatever Sentry's first release says.
#[test]
fn an_issue_first_seen_before_the_release_existed_is_data_whatever_its_first_release() {
    let mut f = revert_shaped();
    f.issue.first_seen = Some(at(-30 * 24 * 60));
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Data, "{:#?}", d.reasons);
    assert!(
        has(&d, "2. data: it began before this release (first seen 2024-12-07T12:00:00Z, before v7 existed"),
        "{:#?}",
        d.reasons
    );
    assert_eq!(d.next_command, None);
    // An event of v7's code in its release phase (Heroku created v7, it was not live yet) is v7's.
    f.issue.first_seen = Some(at(-3));
    assert_eq!(began_in_release(&f.issue, &f.release), Some(true));
}

/// The frame's line was written by a suspect's author: one person, called by their login once,
/// not as "author4, Author 4".
#[test]
fn the_writer_of_the_frame_s_line_is_called_once_by_their_login() {
    let mut f = revert_shaped();
    f.issue.first_seen = Some(at(-600));
    f.frames[0].line_author = Some(Person { name: "Author 4".into(), email: "A4@acme.test".into() });
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Data, "{:#?}", d.reasons);
    assert_eq!(d.call, ["author4"], "{:#?}", d.reasons);
    assert!(has(&d, "who wrote that line: Author 4"), "{:#?}", d.reasons);
}

#[test]
fn frames_the_release_did_not_touch_are_data() {
    let mut f = revert_shaped();
    f.suspects = vec![suspect(5, Confidence::Low, 2)];
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Data, "{:#?}", d.reasons);
    assert!(has(&d, "no in-app frame touches code v7 changed"), "{:#?}", d.reasons);
    assert_eq!(d.call, ["Alice Moreau"], "who wrote the frame's line");
    assert!(has(&d, "the message names no record"), "{:#?}", d.reasons);
    // Unless what the release changed is unknown: then the deploy is not ruled out.
    f.range_known = false;
    assert_ne!(decide_on(&f).classification, Classification::Data);
}

#[test]
fn an_issue_that_stopped_during_the_rollout_is_transient() {
    let mut f = revert_shaped();
    f.issue.last_seen = Some(at(2));
    f.now = at(10);
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Transient, "{:#?}", d.reasons);
    assert!(!d.still_happening);
    assert!(has(&d, "stopped at 2025-01-06T12:02:00Z (2 min after v7 went live"), "{:#?}", d.reasons);
    assert_eq!(d.next_command, None);
    // Quiet for less than [triage] stopped_after: still happening, not transient.
    f.now = at(4);
    assert_eq!(decide_on(&f).classification, Classification::Revert);
    // Stopped, but long after the rollout: not the rollout's.
    f.issue.last_seen = Some(at(30));
    f.now = at(40);
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Revert, "{:#?}", d.reasons);
    assert!(has(&d, "not within the 7 min after v7 went live"), "{:#?}", d.reasons);
}

/// Production moved off v7 (a rollback, or a deploy of other code) and the issue stopped with
/// it: that says nothing about the rollout, and there is nothing left to roll back.
#[test]
fn an_issue_that_stopped_when_other_code_replaced_the_release_is_not_transient() {
    let mut f = revert_shaped();
    f.issue.last_seen = Some(at(2));
    f.release.replaced = Some((8, at(2)));
    f.now = at(60);
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Revert, "{:#?}", d.reasons);
    assert!(
        has(&d, "3. transient: it stopped at 2025-01-06T12:02:00Z, when v8 replaced v7's code in production"),
        "{:#?}",
        d.reasons
    );
    assert_eq!(
        d.next_command.as_deref(),
        Some("bpdeploy revert 4 --merge --deploy --watch --sentry STOREFRONT-4F"),
        "keep #4 out of the next deploy"
    );
    // Two PRs call for a rollback, which production made already: nothing to run.
    f.suspects.insert(1, suspect(9, Confidence::High, 3));
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Rollback, "{:#?}", d.reasons);
    assert_eq!(d.next_command, None, "{:#?}", d.reasons);
    assert!(has(&d, "production stopped running v7's code at 2025-01-06T12:02:00Z (v8) and the issue stopped with it: no rollback is needed now"), "{:#?}", d.reasons);
    // Stopped long before v8 came: the rollout's after all.
    f.release.replaced = Some((8, at(50)));
    assert_eq!(decide_on(&f).classification, Classification::Transient);
}

/// A rollback only takes v7's code out by going back past v7: a preview that would not (it was
/// made from a later release) gives way to the preview command.
#[test]
fn a_rollback_target_not_older_than_the_release_is_not_printed() {
    let mut f = revert_shaped();
    f.suspects.insert(1, suspect(9, Confidence::High, 3));
    f.rollback.target = Some(7);
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Rollback);
    assert_eq!(d.next_command.as_deref(), Some("bpdeploy rollback --dry-run"), "{:#?}", d.reasons);
    assert!(has(&d, "the rollback preview's target, v7, does not take v7's code out"), "{:#?}", d.reasons);
}

#[test]
fn one_small_change_with_bounded_damage_is_a_patch() {
    let mut f = revert_shaped();
    f.suspects[0].lines_in_frame_file = 3;
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Patch, "{:#?}", d.reasons);
    assert_eq!(d.next_command.as_deref(), Some("git switch -c fix/storefront-4f origin/master"));
    assert!(has(&d, "ping author4: app/services/loyalty/points_calculator.rb:14 in multiplier"), "{:#?}", d.reasons);
    assert!(has(&d, "Fixes STOREFRONT-4F") && has(&d, "bpdeploy deploy --watch"), "{:#?}", d.reasons);
    // A small change that brought a migration is no patch.
    f.suspects[0].migrations = vec!["db/migrate/1_x.rb".into()];
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Revert);
    assert!(has(&d, "brought migrations"), "{:#?}", d.reasons);
}

#[test]
fn severe_damage_rolls_back_whatever_the_revert() {
    type Make = fn(&mut Facts);
    let severe: [(&str, Make); 4] = [
        ("events a minute", |f| f.issue.events_per_minute = Some(600.0)),
        ("users, severe from 100", |f| f.issue.users = 250),
        ("a critical transaction", |f| f.config.critical_transactions = vec!["OrdersController#create".into()]),
        ("its level is fatal", |f| f.issue.level = Some("fatal".into())),
    ];
    for (words, make) in severe {
        let mut f = revert_shaped();
        f.suspects[0].lines_in_frame_file = 3; // would be a patch, were the damage bounded
        make(&mut f);
        let d = decide_on(&f);
        assert_eq!(d.classification, Classification::Rollback, "{words}: {:#?}", d.reasons);
        assert!(has(&d, words), "{words}: {:#?}", d.reasons);
        assert_eq!(d.next_command.as_deref(), Some("bpdeploy rollback v6 --watch --sentry STOREFRONT-4F"));
    }
}

#[test]
fn several_prs_a_conflicting_revert_or_a_direct_push_roll_back() {
    let mut f = revert_shaped();
    f.suspects.insert(1, suspect(9, Confidence::High, 3));
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Rollback);
    assert!(has(&d, "#4 and #9 are both implicated"), "{:#?}", d.reasons);
    assert_eq!(d.call, ["author4", "author9"], "both authors are called");

    let mut f = revert_shaped();
    f.revert.as_mut().unwrap().state = RevertState::Conflicts("app/x.rb lines 3-4 (also written by #9)".into());
    f.rollback.breaking = vec!["ChangeOrdersStatusToInteger".into()];
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Rollback);
    assert!(has(&d, "reverting #4 conflicts: app/x.rb lines 3-4 (also written by #9)"), "{:#?}", d.reasons);
    assert!(has(&d, "breaks on migrations that stay applied (ChangeOrdersStatusToInteger)"), "{:#?}", d.reasons);

    let mut f = revert_shaped();
    f.suspects[0].pull_request = None;
    f.suspects[0].key = ChangeKey::Direct("abcdef0123".into());
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Rollback);
    assert!(has(&d, "abcdef0 was pushed straight to master"), "{:#?}", d.reasons);

    // No in-app frame at all: the deploy is not ruled out, and there is no PR to revert.
    let mut f = revert_shaped();
    f.frames.clear();
    f.suspects.clear();
    let d = decide_on(&f);
    assert_eq!(d.classification, Classification::Rollback, "{:#?}", d.reasons);
    assert!(has(&d, "nothing to revert"), "{:#?}", d.reasons);
    // And a refused rollback says so.
    f.rollback =
        RollbackOutlook { refusal: Some("another deploy is in progress".into()), ..RollbackOutlook::default() };
    let d = decide_on(&f);
    assert_eq!(d.next_command.as_deref(), Some("bpdeploy rollback --dry-run"));
    assert!(has(&d, "the rollback preview refuses: another deploy is in progress"), "{:#?}", d.reasons);
}

#[test]
fn when_it_began_comes_from_sentry_else_from_its_first_event() {
    let mut i = issue();
    assert_eq!(began_in_release(&i, &release()), Some(true));
    i.first_release = None;
    assert_eq!(began_in_release(&i, &release()), Some(true), "first seen a minute after v7 went live");
    i.first_seen = Some(at(-90));
    assert_eq!(began_in_release(&i, &release()), Some(false));
    i.first_seen = None;
    assert_eq!(began_in_release(&i, &release()), None);
    i.last_seen = None;
    assert!(still_happening(&i, at(100), &TriageConfig::default()), "no last event: not known to have stopped");
}
