//! Every write `bpdeploy revert` makes, in this one place: the revert commit exactly as
//! predicted (blobs GitHub lacks, a tree on the tip's tree, a commit, the branch
//! `revert-<PR>-<head>`), the PR, the Slack message, and with `--merge` the merge once the
//! checks pass. Each create is sent once; after a lost answer it is read back first (the branch
//! name is deterministic). `--dry-run` never reaches this module.
use super::checks::{wait, ChecksEnd};
use super::notify::Notice;
use super::push::{push, PushPlan};
use super::report::{Action, OpenedPullRequest, Target};
use super::revert::Plan;
use crate::api::github::{GitHub, MergeRequest, PullRequest};
use crate::deploy::announce::escape;
use crate::deploy::records::not_recorded;
use crate::error::Failure;
use crate::exit::Exit;
use crate::next_step::NextStep;
use std::time::Duration;

pub enum Progress<'a> {
    Step(&'a str),
    Warn(&'a str),
}

pub struct Writers {
    pub github: GitHub,
    pub notice: Option<Notice>,
    pub who: String,
    pub poll: Duration,
    pub merge_method: String,
    pub owner: String,
}

pub async fn create(
    plan: &mut Plan,
    w: &mut Writers,
    push_plan: &PushPlan,
    merge: bool,
    mut progress: impl FnMut(Progress),
) {
    let report = &mut plan.report;
    let opened = match push(&w.github, &w.owner, push_plan, |s| progress(Progress::Step(s))).await {
        Ok(o) => o,
        Err(e) => {
            report.action = Action::Failed;
            report.refusal = Some(Failure::from_anyhow(&e));
            return;
        }
    };
    report.action = Action::RevertPrOpened;
    report.next = vec![NextStep::new(
        format!("bpdeploy revert {} --merge", push_plan.reverted),
        "merge the revert once its checks pass",
    )];
    let headline = format!(
        ":leftwards_arrow_with_hook: {} opened {} reverting #{} \"{}\" on {}",
        escape(&w.who),
        link(&opened.url, opened.number),
        push_plan.reverted,
        escape(&crate::ui::sanitize::one_line(&push_plan.reverted_title)),
        escape(&report.app)
    );
    if let Some(n) = w.notice.as_mut() {
        // The thread of the deploy that shipped the PR: production's, when it runs the PR.
        let shipped = matches!(&report.target, Some(Target::PullRequest(p)) if p.in_production == Some(true));
        let place = match report.current.as_ref().filter(|_| shipped) {
            Some(current) => {
                let at = chrono::DateTime::parse_from_rfc3339(&current.created_at).ok().map(|t| t.to_utc());
                n.find_thread(current.commit.as_deref(), at).await
            }
            None => format!(
                "Slack: production does not run #{} (or cannot say), so there is no deploy thread to follow; posting a new message",
                push_plan.reverted
            ),
        };
        progress(Progress::Step(&place));
        if let Err(e) = n.open(&headline, &push_plan.slack_thread).await {
            progress(Progress::Warn(&not_recorded("Slack announcement", &e)));
        }
    }
    report.pull_request = Some(opened.clone());
    if !merge {
        return;
    }
    progress(Progress::Step(&format!("waiting for the checks of #{} ({})", opened.number, &opened.head[..7])));
    let typical = report.estimated_recovery_secs.parts.iter().find(|p| p.what == "ci").and_then(|p| p.secs);
    let end = match wait(&w.github, &opened.head, w.poll, typical, |s| progress(Progress::Step(s))).await {
        Ok(end) => end,
        Err(e) => {
            report.action = Action::Failed;
            report.refusal = Some(Failure::from_anyhow(&anyhow::Error::new(e).context("waiting for the checks")));
            return;
        }
    };
    if let ChecksEnd::Failed(names) = &end {
        report.action = Action::Failed;
        report.refusal = Some(
            Failure::new(Exit::Unsafe, "checks_failed", format!("the checks of #{} failed: {}", opened.number, names.join(", ")))
                .with_hint("the revert PR stays open: fix or rerun its checks, then `bpdeploy revert … --merge` again or merge it on GitHub"),
        );
        update(w, &format!("{headline} · its checks failed ({})", names.join(", ")), &mut progress).await;
        return;
    }
    if end == ChecksEnd::NeverStarted {
        report.action = Action::Failed;
        let waited = super::eta::duration(typical.unwrap_or_default());
        report.refusal = Some(
            Failure::new(
                Exit::Unsafe,
                "checks_missing",
                format!("no check started on #{} in {waited}, though the branch's recent commits ran CI: it was not merged", opened.number),
            )
            .with_hint("the revert PR stays open: see why CI did not start on GitHub, then `bpdeploy revert … --merge` again or merge it there"),
        );
        update(w, &format!("{headline} · no check started on it"), &mut progress).await;
        return;
    }
    if end == ChecksEnd::NoChecks {
        progress(Progress::Warn("no check ever appeared on the revert commit: merging without CI"));
    }
    match merge_once(&w.github, &opened, &w.merge_method).await {
        Ok(sha) => {
            report.action = Action::Merged;
            if let Some(pr) = report.pull_request.as_mut() {
                pr.merge_commit = Some(sha.clone());
            }
            report.next = vec![NextStep::new("bpdeploy deploy --watch", "ship the revert and watch it")];
            update(w, &format!("{headline} · merged as {}", &sha[..sha.len().min(7)]), &mut progress).await;
        }
        Err(f) => {
            report.action = Action::Failed;
            report.refusal = Some(f);
        }
    }
}

/// `PUT pulls/{n}/merge` on the head the checks passed on. Any error is read back: a merge whose
/// answer was lost shows as merged.
pub async fn merge_once(github: &GitHub, pr: &OpenedPullRequest, method: &str) -> Result<String, Failure> {
    let request =
        MergeRequest { merge_method: Some(method.to_string()), sha: Some(pr.head.clone()), commit_title: None };
    let sent = github.merge_pull(pr.number, &request).await;
    let error = match sent {
        Ok(done) if done.merged => return Ok(done.sha),
        Ok(done) => {
            Failure::new(Exit::Failure, "not_merged", format!("GitHub did not merge #{}: {}", pr.number, done.message))
        }
        Err(e) => Failure::from_anyhow(&anyhow::Error::new(e).context(format!("merging #{}", pr.number))),
    };
    match github.pull(pr.number).await {
        Ok(PullRequest { merged_at: Some(_), merge_commit_sha: Some(sha), .. }) => Ok(sha),
        _ => Err(error.with_hint("the revert PR stays open; merge it on GitHub once it can be merged")),
    }
}

pub async fn update(w: &mut Writers, headline: &str, progress: &mut impl FnMut(Progress)) {
    if let Some(n) = w.notice.as_mut() {
        if let Err(e) = n.update(headline).await {
            progress(Progress::Warn(&not_recorded("Slack update", &e)));
        }
    }
}

fn link(url: &str, number: u64) -> String {
    format!("<{}|#{number}>", crate::ui::sanitize::one_line(url))
}

/// The branch GitHub's Revert button would name: `revert-<PR>-<head branch>`.
pub fn branch_name(number: u64, head: &str) -> String {
    let slug: String =
        head.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' }).collect();
    format!("revert-{number}-{}", slug.trim_matches('-'))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_branch_is_named_after_the_pr_and_its_head() {
        assert_eq!(super::branch_name(4, "dave/loyalty-points"), "revert-4-dave-loyalty-points");
        assert_eq!(super::branch_name(7, "feature/ü x"), "revert-7-feature---x");
    }
}
