//! Every phase × every event, against an explicit table of the pairs that move the deploy.
use super::*;
use crate::deploy::account::Account;
use crate::deploy::steps::Phase as P;
use crate::exit::Exit;

fn build() -> BuildRef {
    BuildRef { id: "b-1".into(), stream_url: crate::api::SecretUrl::parse("http://127.0.0.1/streams/b-1").ok() }
}
fn release() -> ReleaseRef {
    ReleaseRef { id: "r-42".into(), version: 42, stream_url: None }
}

fn holder() -> LockHolder {
    LockHolder { what: "a pending build".into(), who: "bob@x".into(), since: "t".into() }
}

/// One sample of each event kind.
fn samples() -> Vec<Event> {
    vec![
        Event::SourceResolved { sha: "abc".into() },
        Event::PreflightDone { level: PreflightLevel::Go, up_to_date: false },
        Event::LockFree,
        Event::LockHeld(holder()),
        Event::Confirmed,
        Event::Declined,
        Event::LockTaken { deployment_id: Some(7) },
        Event::LockLost { holder: holder(), deployment_id: Some(8) },
        Event::Recorded,
        Event::Announced,
        Event::BuildStarted(build()),
        Event::BuildOutcomeUnknown,
        Event::BuildMissing,
        Event::StreamDropped,
        Event::BuildSucceeded { release_id: None },
        Event::BuildFailed,
        Event::ReleaseFound(release()),
        Event::ReleaseSucceeded,
        Event::ReleaseFailed,
        Event::LiveMarked,
        Event::Verdict { healthy: true, still_current: true },
        Event::RolledBack { version: 43 },
        Event::RollbackFailed("502".into()),
        Event::RollbackHeld { to_version: 41 },
        Event::ReadBack(Account::default()),
        Event::Interrupted,
        Event::Failed(Failure::new(Exit::Failure, "boom", "boom")),
    ]
}

/// The pairs that move the deploy (options: watch + auto-rollback, no force).
const TABLE: &[(P, &str, P)] = &[
    (P::ResolveSource, "source_resolved", P::Preflight),
    (P::Preflight, "preflight_done", P::LockCheck),
    (P::LockCheck, "lock_free", P::Confirm),
    (P::LockCheck, "lock_held", P::Done(Ending::Locked)),
    (P::Confirm, "confirmed", P::TakeLock),
    (P::Confirm, "declined", P::Done(Ending::Declined)),
    (P::TakeLock, "lock_taken", P::Record),
    (P::TakeLock, "lock_lost", P::Done(Ending::Locked)),
    (P::Record, "recorded", P::Announce),
    (P::Announce, "announced", P::CreateBuild),
    (P::CreateBuild, "build_started", P::Building),
    (P::CreateBuild, "build_outcome_unknown", P::ReconcileBuild),
    (P::ReconcileBuild, "build_started", P::Building),
    (P::ReconcileBuild, "build_missing", P::CreateBuild),
    (P::Building, "stream_dropped", P::Building),
    (P::Building, "build_succeeded", P::FindRelease),
    (P::Building, "build_failed", P::Done(Ending::BuildFailed)),
    (P::FindRelease, "release_found", P::ReleasePhase),
    (P::ReleasePhase, "stream_dropped", P::ReleasePhase),
    (P::ReleasePhase, "release_succeeded", P::Live),
    (P::ReleasePhase, "release_failed", P::Done(Ending::ReleaseFailed)),
    (P::Live, "live_marked", P::Watching),
    (P::Watching, "verdict", P::Done(Ending::Healthy)),
    (P::RollingBack, "rolled_back", P::Done(Ending::RolledBack)),
    (P::RollingBack, "rollback_failed", P::Done(Ending::Failing)),
    (P::RollingBack, "rollback_held", P::Done(Ending::Failing)),
    (P::ReadingBack, "read_back", P::Done(Ending::Error)),
];

fn machine_in(phase: Phase) -> Machine {
    let options = Options { watch: true, auto_rollback: true, ..Options::default() };
    let mut m = Machine::new(options);
    m.phase = phase;
    m.facts.sha = Some("abc".into());
    m.facts.build = Some(build());
    m.facts.release = Some(release());
    m.facts.build_posts = 1;
    m
}

#[test]
fn every_phase_and_event_has_a_defined_answer() {
    let mut phases: Vec<Phase> = Phase::ACTIVE.to_vec();
    phases.extend(Ending::ALL.iter().map(|e| P::Done(*e)));
    let mut checked = 0;
    for phase in phases {
        for event in samples() {
            let name = event.name();
            let mut m = machine_in(phase);
            let actions = m.step(event);
            checked += 1;
            let expected = TABLE.iter().find(|(p, e, _)| *p == phase && *e == name).map(|(_, _, next)| *next);
            let ctx = format!("{} × {name}", phase.name());
            match (phase, name, expected) {
                (P::Done(_), _, _) => {
                    assert_eq!(m.phase, phase, "{ctx}: a finished deploy stays finished");
                    assert!(actions.is_empty(), "{ctx}: {actions:?}");
                }
                (_, _, Some(next)) => assert_eq!(m.phase, next, "{ctx}"),
                (_, "interrupted", None) => assert_eq!(m.phase, P::Done(Ending::Interrupted), "{ctx}"),
                // After the build POST an error reads back what Heroku says before it ends.
                (p, "failed", None) if p.build_may_exist() && p != P::ReadingBack => {
                    assert_eq!((m.phase, actions.as_slice()), (P::ReadingBack, [Action::ReadBack].as_slice()), "{ctx}")
                }
                (_, "failed", None) => assert_eq!(m.phase, P::Done(Ending::Error), "{ctx}"),
                (_, _, None) => {
                    assert_eq!(m.phase, phase, "{ctx}: an unexpected event leaves the phase alone");
                    assert!(matches!(actions.as_slice(), [Action::Warn(w)] if w.contains(name)), "{ctx}: {actions:?}");
                }
            }
            // Whatever ends the deploy says so exactly once, as its last action.
            if let (P::Done(ending), false) = (m.phase, matches!(phase, P::Done(_))) {
                assert_eq!(actions.last(), Some(&Action::Finish(ending)), "{ctx}");
                assert_eq!(actions.iter().filter(|a| matches!(a, Action::Finish(_))).count(), 1, "{ctx}");
            }
            // At most one task per step: the driver waits for its event before the next.
            assert!(actions.iter().filter(|a| a.is_task()).count() <= 1, "{ctx}: {actions:?}");
        }
    }
    assert_eq!(checked, (Phase::ACTIVE.len() + Ending::ALL.len()) * samples().len());
}

/// Runs a sequence of events from the start and returns every action asked for.
fn run(options: Options, events: Vec<Event>) -> (Machine, Vec<Action>) {
    let mut m = Machine::new(options);
    let mut all = m.start();
    for e in events {
        all.extend(m.step(e));
    }
    (m, all)
}

fn happy_until_live() -> Vec<Event> {
    vec![
        Event::SourceResolved { sha: "abc".into() },
        Event::PreflightDone { level: PreflightLevel::Caution, up_to_date: false },
        Event::LockFree,
        Event::Confirmed,
        Event::LockTaken { deployment_id: Some(7) },
        Event::Recorded,
        Event::Announced,
        Event::BuildStarted(build()),
        Event::BuildSucceeded { release_id: Some("r-42".into()) },
        Event::ReleaseFound(release()),
        Event::ReleaseSucceeded,
        Event::LiveMarked,
    ]
}

/// The events up to (and including) the first one named `name`.
fn until(name: &str) -> Vec<Event> {
    let events = happy_until_live();
    let end = events.iter().position(|e| e.name() == name).unwrap_or_else(|| panic!("no {name}"));
    events[..=end].to_vec()
}

#[test]
fn happy_path_without_watch_ends_live_and_edits_slack_through_each_phase() {
    let (m, actions) = run(Options::default(), happy_until_live());
    assert_eq!(m.phase, P::Done(Ending::Live));
    assert_eq!(Ending::Live.exit(), Exit::Success);
    let stages: Vec<SlackStage> =
        actions.iter().filter_map(|a| if let Action::UpdateSlack(s) = a { Some(*s) } else { None }).collect();
    assert_eq!(stages, vec![SlackStage::Building, SlackStage::ReleasePhase, SlackStage::Live]);
    assert!(actions.contains(&Action::SetDeploymentStatus(DeploymentState::Success)));
    assert!(actions.contains(&Action::FindRelease { build: build(), release_id: Some("r-42".into()) }));
    // The sha comes first: preflight, the lock's deployment and the build are all about it.
    assert_eq!(actions[0], Action::ResolveSource);
    assert!(actions.contains(&Action::TakeLock { sha: "abc".into() }));
}

#[test]
fn watch_then_failing_rolls_back_only_when_asked_and_still_current() {
    let opts = Options { watch: true, auto_rollback: true, ..Options::default() };
    let mut events = happy_until_live();
    events.push(Event::Verdict { healthy: false, still_current: true });
    let (m, actions) = run(opts, events.clone());
    assert_eq!(m.phase, P::RollingBack);
    assert!(actions.contains(&Action::Rollback { release: release() }));

    events.pop();
    events.push(Event::Verdict { healthy: false, still_current: false });
    let (m, actions) = run(opts, events.clone());
    assert_eq!(m.phase, P::Done(Ending::Failing), "someone else's release is never rolled back");
    assert!(!actions.iter().any(|a| matches!(a, Action::Rollback { .. })));

    events.pop();
    events.push(Event::Verdict { healthy: false, still_current: true });
    let (m, _) = run(Options { auto_rollback: false, ..opts }, events);
    assert_eq!(m.phase, P::Done(Ending::Failing));
    assert_eq!(Ending::Failing.exit(), Exit::Unsafe);
    assert_eq!(Ending::RolledBack.exit(), Exit::Unsafe);
}

#[test]
fn force_passes_a_stop_verdict_and_nothing_to_deploy_but_never_a_lock() {
    let stop = |up_to_date| {
        vec![
            Event::SourceResolved { sha: "abc".into() },
            Event::PreflightDone { level: PreflightLevel::Stop, up_to_date },
        ]
    };
    let (m, _) = run(Options::default(), stop(false));
    assert_eq!(m.phase, P::Done(Ending::Stopped));
    let mut same = stop(false);
    same[1] = Event::PreflightDone { level: PreflightLevel::Go, up_to_date: true };
    let (m, _) = run(Options::default(), same.clone());
    assert_eq!((m.phase, Ending::NothingToDeploy.exit()), (P::Done(Ending::NothingToDeploy), Exit::Success));
    let forced = Options { force: true, ..Options::default() };
    let (m, actions) = run(forced, stop(true));
    assert_eq!(m.phase, P::LockCheck);
    assert_eq!(actions.iter().filter(|a| matches!(a, Action::Warn(_))).count(), 2, "{actions:?}");
    let mut held = stop(false);
    held.push(Event::LockHeld(holder()));
    let (m, _) = run(forced, held.clone());
    assert_eq!(m.phase, P::Done(Ending::Locked), "--force is not --steal-lock");
    assert_eq!(Ending::Locked.exit(), Exit::Locked);
    let (m, actions) = run(Options { steal_lock: true, ..forced }, held);
    assert_eq!(m.phase, P::Confirm);
    assert!(actions.iter().any(|a| matches!(a, Action::Warn(w) if w.contains("--steal-lock"))));
}

#[test]
fn losing_the_lock_race_closes_this_runs_deployment() {
    let mut events = until("confirmed");
    events.push(Event::LockLost { holder: holder(), deployment_id: Some(8) });
    let (m, actions) = run(Options::default(), events.clone());
    assert_eq!(m.phase, P::Done(Ending::Locked));
    assert_eq!(actions[actions.len() - 2], Action::SetDeploymentStatus(DeploymentState::Error));
    let (m, actions) = run(Options { steal_lock: true, ..Options::default() }, events);
    assert_eq!((m.phase, m.facts.deployment_id), (P::Record, Some(8)));
    assert!(!actions.contains(&Action::SetDeploymentStatus(DeploymentState::Error)));
}

#[test]
fn a_dry_run_ends_after_every_check_before_the_first_change() {
    let (m, actions) = run(Options { dry_run: true, ..Options::default() }, until("confirmed"));
    assert_eq!(m.phase, P::Done(Ending::DryRun));
    assert_eq!(Ending::DryRun.exit(), Exit::Success);
    assert!(!actions
        .iter()
        .any(|a| matches!(a, Action::TakeLock { .. } | Action::Record { .. } | Action::CreateBuild { .. })));
    // A dry run's automatic rollback is held back, and the watch ends failing.
    let opts = Options { watch: true, auto_rollback: true, dry_run: true, ..Options::default() };
    let mut m = Machine::watching(opts, release());
    m.step(Event::Verdict { healthy: false, still_current: true });
    let actions = m.step(Event::RollbackHeld { to_version: 41 });
    assert_eq!((m.phase, m.facts.rollback_held), (P::Done(Ending::Failing), Some(41)));
    assert!(matches!(&actions[0], Action::Warn(w) if w.contains("not sent")));
}

#[test]
fn ambiguous_build_post_reads_back_before_posting_again_and_gives_up_eventually() {
    let mut events = until("announced");
    events.push(Event::BuildOutcomeUnknown);
    let (m, actions) = run(Options::default(), events.clone());
    assert_eq!(m.phase, P::ReconcileBuild);
    assert_eq!(actions.last(), Some(&Action::FindBuild { sha: "abc".into() }));
    assert_eq!(actions.iter().filter(|a| matches!(a, Action::CreateBuild { .. })).count(), 1);

    for _ in 1..MAX_BUILD_POSTS {
        events.push(Event::BuildMissing);
        events.push(Event::BuildOutcomeUnknown);
    }
    events.push(Event::BuildMissing);
    let (m, actions) = run(Options::default(), events);
    let posts = actions.iter().filter(|a| matches!(a, Action::CreateBuild { .. })).count();
    assert_eq!(posts as u32, MAX_BUILD_POSTS);
    assert_eq!(m.phase, P::ReadingBack, "what Heroku says is read back before the end");
    assert_eq!(m.facts.error.as_ref().map(|f| f.code.as_str()), Some("build_not_started"));
}

#[test]
fn an_error_after_the_build_post_ends_with_what_heroku_says() {
    use crate::deploy::account::{BuildAccount, ReleaseAccount, WorkStatus};
    let mut events = until("release_found");
    events.push(Event::Failed(Failure::new(Exit::Failure, "heroku_unreachable", "reset")));
    let (mut m, _) = run(Options::default(), events);
    assert_eq!(m.phase, P::ReadingBack);
    let live = Account {
        current_release: Some(42),
        build: Some(BuildAccount { id: Some("b-1".into()), status: WorkStatus::Succeeded }),
        release: Some(ReleaseAccount { version: Some(42), status: WorkStatus::Succeeded }),
        ..Account::default()
    };
    let actions = m.step(Event::ReadBack(live));
    assert_eq!(m.phase, P::Done(Ending::Error));
    assert_eq!(actions[0], Action::SetDeploymentStatus(DeploymentState::Success), "v42 did go live: {actions:?}");
    assert_eq!(actions[1], Action::UpdateSlack(SlackStage::Live), "and Slack says so");
    assert_eq!(m.resume_hint(), None, "nothing left running");

    let mut events = until("build_started");
    events.push(Event::Failed(Failure::new(Exit::Failure, "heroku_unreachable", "reset")));
    let (mut m, _) = run(Options::default(), events);
    let running = Account {
        current_release: Some(41),
        build: Some(BuildAccount { id: Some("b-1".into()), status: WorkStatus::Unknown }),
        ..Account::default()
    };
    let actions = m.step(Event::ReadBack(running));
    assert!(!actions.iter().any(|a| matches!(a, Action::SetDeploymentStatus(_))), "left for the resume: {actions:?}");
    assert_eq!(m.resume_hint().as_deref(), Some("bpdeploy watch --build b-1"));
}

#[test]
fn dropped_streams_switch_to_polling() {
    let mut events = until("build_started");
    events.push(Event::StreamDropped);
    let (_, actions) = run(Options::default(), events);
    assert_eq!(actions.last(), Some(&Action::FollowBuild { build: build(), via: Follow::Poll }));
}

#[test]
fn failures_mark_the_deployment_and_interrupts_leave_remote_work_alone() {
    let mut events = until("build_started");
    events.push(Event::BuildFailed);
    let (_, actions) = run(Options::default(), events);
    assert!(actions.contains(&Action::SetDeploymentStatus(DeploymentState::Failure)));
    assert!(actions.contains(&Action::UpdateSlack(SlackStage::BuildFailed)));

    // Ctrl-C while building: the build runs on, no deployment status changes, read back, resume hint.
    let mut events = until("build_started");
    events.push(Event::Interrupted);
    let (m, actions) = run(Options::default(), events);
    assert_eq!(m.phase, P::Done(Ending::Interrupted));
    let tail = &actions[actions.len() - 3..];
    assert!(!tail.iter().any(|a| matches!(a, Action::SetDeploymentStatus(_))), "{tail:?}");
    assert_eq!(tail[0], Action::ReadBack);
    assert_eq!(m.resume_hint().as_deref(), Some("bpdeploy watch --build b-1"));
    assert_eq!(Ending::Interrupted.exit().code(), 130);

    // Ctrl-C before the build: the deployment record is closed so it does not hold the lock.
    let mut events = until("recorded");
    events.push(Event::Interrupted);
    let (m, actions) = run(Options::default(), events);
    assert_eq!(actions[actions.len() - 2], Action::SetDeploymentStatus(DeploymentState::Error));
    assert_eq!(m.resume_hint(), None);
}

#[test]
fn resume_points_enter_the_machine_midway_and_take_the_deployment_over() {
    let m = Machine::following_build(Options::default(), build());
    assert_eq!(m.start(), vec![Action::FollowBuild { build: build(), via: Follow::Stream }]);
    assert!(m.options.watch);
    let m = Machine::following_release(Options::default(), release());
    assert_eq!(m.start(), vec![Action::FollowRelease { release: release(), via: Follow::Stream }]);
    let mut m = Machine::watching(Options::default(), release());
    assert_eq!(m.start(), vec![Action::Watch { release: release() }]);
    assert_eq!(m.resume_hint().as_deref(), Some("bpdeploy watch --release v42"));
    m.facts.deployment_id = Some(9);
    assert_eq!(m.start()[0], Action::SetDeploymentStatus(DeploymentState::Success), "the live release finishes it");
}
