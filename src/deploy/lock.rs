//! The deploy lock, decided from what Heroku and GitHub say is in flight: a pending build, a
//! pending release (a release phase running), or a bpdeploy GitHub deployment still in progress.
//! There is no lock server: the services' own state is the lock, so a deploy from the dashboard
//! or the Heroku CLI holds it too.
//!
//! Taking it is not check-then-act: a deploy first creates its own GitHub deployment, then lists
//! the ones in progress; of two deploys started together, the older deployment (the lower id)
//! wins, and the other one closes its record and stops. A bpdeploy deployment whose Heroku work
//! has finished (an interrupted deploy nobody resumed) is stale: it is said so and closed.
use crate::deploy::steps::{DeploymentState, LockHolder};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// A bpdeploy deployment in progress for longer than this with no Heroku work of its own is
/// presumed abandoned (a killed process, a laptop closed before the build); Heroku's own pending
/// state never goes stale.
pub const STALE_AFTER: Duration = Duration::from_secs(3600);

/// A bpdeploy deployment with no status at all is a lock create its deploy never heard back from
/// (Ctrl-C inside the read-back window, the request reaching GitHub later): a live deploy gives
/// its deployment a status at once, or at the end of its read-back window after a lost answer.
/// Past this (or four request timeouts, when longer) with no build of its own, nobody is behind it.
pub const UNCLAIMED_STALE_AFTER: Duration = Duration::from_secs(120);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingWork {
    pub who: Option<String>,
    pub since: DateTime<Utc>,
}

/// Where the Heroku work of a deployment is: its sha's build made after it, and that build's release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeploymentWork {
    /// No build of its sha since it was created.
    NotStarted,
    Running,
    /// The build failed, or its release phase ended.
    Finished {
        succeeded: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentRecord {
    pub id: u64,
    pub creator: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The latest status (`in_progress`, `queued`, `pending`, `success`, …); None when it has none.
    pub state: Option<String>,
    pub by_bpdeploy: bool,
    pub work: DeploymentWork,
}

impl DeploymentRecord {
    fn active(&self) -> bool {
        self.by_bpdeploy && matches!(self.state.as_deref(), None | Some("in_progress" | "queued" | "pending"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockEvidence {
    pub pending_builds: Vec<PendingWork>,
    pub pending_releases: Vec<PendingWork>,
    /// Deployments of this app's environment, newest first.
    pub deployments: Vec<DeploymentRecord>,
    /// How old a deployment with no status and no build is when no read-back can claim it any
    /// more: [`UNCLAIMED_STALE_AFTER`], or longer with long request timeouts.
    pub unclaimed_after: Duration,
}

/// A deployment left in progress by a deploy that is gone, and the state to close it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleLock {
    pub id: u64,
    pub close_as: DeploymentState,
    pub who: String,
    pub started: DateTime<Utc>,
    /// Why it is stale: "its release went out on Heroku and nobody followed it to the end".
    pub why: String,
}

impl StaleLock {
    /// What it is, for a person: `terminal` tells the start as "2 hours ago", else RFC 3339.
    pub fn note(&self, terminal: bool) -> String {
        let started = crate::ui::time::when(terminal, Utc::now(), self.started);
        format!("GitHub deployment {} started {started} by {} is a stale lock: {}", self.id, self.who, self.why)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockState {
    /// Free; stale deployments were found and are to be closed.
    Free {
        stale: Vec<StaleLock>,
    },
    Held(LockHolder),
}

/// Decides the lock. `own` is this run's deployment once created: deployments younger than it
/// (higher ids) lose to it and do not hold it.
pub fn evaluate(evidence: &LockEvidence, now: DateTime<Utc>, own: Option<u64>) -> LockState {
    let stamp = crate::ui::time::stamp;
    let holder = |what: &str, w: &PendingWork| LockHolder {
        what: what.to_string(),
        who: w.who.clone().unwrap_or_else(|| "someone".into()),
        since: stamp(w.since),
    };
    if let Some(b) = evidence.pending_builds.iter().min_by_key(|w| w.since) {
        return LockState::Held(holder("a pending build", b));
    }
    if let Some(r) = evidence.pending_releases.iter().min_by_key(|w| w.since) {
        return LockState::Held(holder("a pending release (release phase running)", r));
    }
    let mut stale = vec![];
    let mut active: Vec<&DeploymentRecord> =
        evidence.deployments.iter().filter(|d| d.active() && Some(d.id) != own).collect();
    active.sort_by_key(|d| d.id);
    for d in active {
        let who = d.creator.as_deref().unwrap_or("someone");
        let age = (now - d.created_at).to_std().unwrap_or_default();
        let stale_lock =
            |close_as, why: String| StaleLock { id: d.id, close_as, who: who.to_string(), started: d.created_at, why };
        match d.work {
            DeploymentWork::Finished { succeeded } => {
                let (how, close_as) = match succeeded {
                    true => ("its release went out", DeploymentState::Success),
                    false => ("its build or release phase failed", DeploymentState::Failure),
                };
                stale.push(stale_lock(close_as, format!("{how} on Heroku and nobody followed it to the end")));
            }
            DeploymentWork::NotStarted if age >= STALE_AFTER => {
                stale.push(stale_lock(DeploymentState::Error, "in progress for over an hour with no build".into()));
            }
            DeploymentWork::NotStarted if d.state.is_none() && age >= evidence.unclaimed_after => {
                let why = "created after its deploy had stopped waiting (no status, no build)";
                stale.push(stale_lock(DeploymentState::Error, why.into()));
            }
            _ if own.is_some_and(|o| d.id > o) => {}
            _ => {
                let work = PendingWork { who: d.creator.clone(), since: d.created_at };
                return LockState::Held(holder(
                    &format!("a bpdeploy deploy in progress (GitHub deployment {})", d.id),
                    &work,
                ));
            }
        }
    }
    LockState::Free { stale }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn deployment(id: u64, created: &str, state: Option<&str>, work: DeploymentWork) -> DeploymentRecord {
        DeploymentRecord {
            id,
            creator: Some("carol".into()),
            created_at: at(created),
            state: state.map(str::to_string),
            by_bpdeploy: true,
            work,
        }
    }

    fn deployments(list: Vec<DeploymentRecord>) -> LockEvidence {
        LockEvidence {
            pending_builds: vec![],
            pending_releases: vec![],
            deployments: list,
            unclaimed_after: UNCLAIMED_STALE_AFTER,
        }
    }

    const NOW: &str = "2025-01-01T12:00:00Z";

    #[test]
    fn pending_heroku_work_holds_the_lock_naming_who_and_since_when() {
        let mut e = deployments(vec![]);
        assert_eq!(evaluate(&e, at(NOW), None), LockState::Free { stale: vec![] });
        e.pending_releases = vec![PendingWork { who: Some("bob@x.io".into()), since: at("2025-01-01T11:58:00Z") }];
        let LockState::Held(h) = evaluate(&e, at(NOW), None) else { panic!("expected held") };
        assert_eq!(h.describe(), "a pending release (release phase running) by bob@x.io since 2025-01-01T11:58:00Z");
        e.pending_builds = vec![PendingWork { who: None, since: at("2025-01-01T11:59:00Z") }];
        let LockState::Held(h) = evaluate(&e, at(NOW), Some(99)) else { panic!("expected held") };
        assert_eq!((h.what.as_str(), h.who.as_str()), ("a pending build", "someone"));
    }

    #[test]
    fn the_older_of_two_deployments_in_progress_wins() {
        let (a, b) = (deployment(10, "2025-01-01T11:59:00Z", Some("in_progress"), DeploymentWork::NotStarted), {
            deployment(11, "2025-01-01T11:59:01Z", None, DeploymentWork::NotStarted)
        });
        let e = deployments(vec![b.clone(), a.clone()]);
        assert_eq!(evaluate(&e, at(NOW), Some(10)), LockState::Free { stale: vec![] }, "10 is older: it goes");
        let LockState::Held(h) = evaluate(&e, at(NOW), Some(11)) else { panic!("11 loses to 10") };
        assert_eq!(h.what, "a bpdeploy deploy in progress (GitHub deployment 10)");
        assert_eq!(h.who, "carol");
        assert!(matches!(evaluate(&e, at(NOW), None), LockState::Held(_)), "before taking it: held");
    }

    #[test]
    fn a_deployment_whose_heroku_work_finished_is_stale_and_closed_with_its_outcome() {
        let done =
            deployment(10, "2025-01-01T11:50:00Z", Some("in_progress"), DeploymentWork::Finished { succeeded: true });
        let LockState::Free { stale } = evaluate(&deployments(vec![done]), at(NOW), Some(12)) else { panic!("free") };
        assert_eq!((stale[0].id, stale[0].close_as), (10, DeploymentState::Success));
        let note = stale[0].note(false);
        assert_eq!(note, "GitHub deployment 10 started 2025-01-01T11:50:00Z by carol is a stale lock: its release went out on Heroku and nobody followed it to the end");
        let told = stale[0].note(true);
        assert!(told.contains(" ago by carol") && !told.contains("2025-01-01"), "on a terminal: {told}");
        let abandoned = deployment(9, "2025-01-01T10:59:00Z", Some("in_progress"), DeploymentWork::NotStarted);
        let LockState::Free { stale } = evaluate(&deployments(vec![abandoned]), at(NOW), None) else { panic!() };
        assert_eq!(stale[0].close_as, DeploymentState::Error);
        let running = deployment(9, "2025-01-01T10:00:00Z", Some("in_progress"), DeploymentWork::Running);
        assert!(matches!(evaluate(&deployments(vec![running]), at(NOW), Some(12)), LockState::Held(_)));
        for free in [
            deployment(8, "2025-01-01T11:30:00Z", Some("success"), DeploymentWork::NotStarted),
            DeploymentRecord {
                by_bpdeploy: false,
                ..deployment(8, "2025-01-01T11:30:00Z", None, DeploymentWork::NotStarted)
            },
        ] {
            assert_eq!(evaluate(&deployments(vec![free]), at(NOW), None), LockState::Free { stale: vec![] });
        }
    }

    #[test]
    fn a_deployment_with_no_status_and_no_build_is_stale_once_no_read_back_can_claim_it() {
        let unclaimed = |created| deployment(9, created, None, DeploymentWork::NotStarted);
        let LockState::Free { stale } = evaluate(&deployments(vec![unclaimed("2025-01-01T11:57:59Z")]), at(NOW), None)
        else {
            panic!("older than two minutes: stale")
        };
        assert_eq!((stale[0].id, stale[0].close_as), (9, DeploymentState::Error));
        assert!(stale[0].why.contains("no status, no build"), "{}", stale[0].why);
        let young = deployments(vec![unclaimed("2025-01-01T11:58:30Z")]);
        assert!(matches!(evaluate(&young, at(NOW), None), LockState::Held(_)), "its deploy may be reading it back");
        let long_timeouts = LockEvidence { unclaimed_after: Duration::from_secs(600), ..young.clone() };
        let old = LockEvidence { deployments: vec![unclaimed("2025-01-01T11:55:00Z")], ..long_timeouts };
        assert!(matches!(evaluate(&old, at(NOW), None), LockState::Held(_)), "within four long timeouts");
        let marked = deployment(9, "2025-01-01T11:50:00Z", Some("in_progress"), DeploymentWork::NotStarted);
        assert!(matches!(evaluate(&deployments(vec![marked]), at(NOW), None), LockState::Held(_)), "a status: alive");
    }
}
