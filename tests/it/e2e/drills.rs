//! The sandbox side of the triage drills (revert-conflict, experiment, data-issue): `deploy
//! --watch` fails on the drill's issue, whose frames are in the expected files of the scratch
//! repository; for revert-conflict, a revert of the bad PR really conflicts. What `triage`
//! makes of them is tests/it/triage/drills.rs.
use super::{context, result, Drill};
use bpdeploy::cli::Scenario;

/// Deploys with a watch through the binary; the watch must fail on a new issue.
/// Returns the failing issue's title and the in-app files of its latest event, innermost first.
async fn failing_deploy(d: &Drill) -> (String, Vec<String>) {
    let run = d.run(&["--json", "deploy", "--yes", "--watch"]).await;
    assert_eq!(run.code, 3, "{:?}: {}", d.sb.scenario(), context(&run));
    let top = result(&run)["watch"]["top_issues"][0].clone();
    let id = top["id"].as_str().unwrap_or_else(|| panic!("a top issue: {}", context(&run)));
    let event = d.sentry(&format!("api/0/organizations/acme/issues/{id}/events/latest/")).await;
    let entries = event["entries"].as_array().unwrap();
    let exception = entries.iter().find(|e| e["type"] == "exception").unwrap();
    let frames = exception["data"]["values"][0]["stacktrace"]["frames"].as_array().unwrap();
    let files = frames.iter().rev().filter(|f| f["inApp"] == true).map(|f| f["filename"].as_str().unwrap().to_string());
    (top["title"].as_str().unwrap().to_string(), files.collect())
}

/// Does reverting pull request `number`'s merge on top of origin/master conflict?
fn revert_conflicts(d: &Drill, number: u64) -> bool {
    let repo = git2::Repository::open(d.sb.repo_dir()).unwrap();
    let pr = d.sb.scratch().prs.iter().find(|p| p.number == number).unwrap().clone();
    let merge = repo.find_commit(pr.merge_sha.unwrap()).unwrap();
    let head = repo.find_commit(d.sb.scratch().head).unwrap();
    let mainline = if merge.parent_count() > 1 { 1 } else { 0 };
    repo.revert_commit(&merge, &head, mainline, None).unwrap().has_conflicts()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revert_conflict_fails_in_the_loyalty_code_and_its_revert_conflicts() {
    let d = Drill::start(Scenario::RevertConflict).await;
    let (title, files) = failing_deploy(&d).await;
    assert_eq!(title, "NoMethodError: undefined method 'multiplier' for nil");
    assert_eq!(files[0], "app/services/loyalty/points_calculator.rb", "{files:?}");
    let culprit = d.sb.culprit_pr().expect("the drill names its culprit");
    assert!(revert_conflicts(&d, culprit), "a later PR changed the lines PR #{culprit} added");
    let later = d.sb.scratch().prs.iter().map(|p| p.number).max().unwrap();
    assert!(later > culprit, "the conflicting PR came after the culprit");

    // Without the later PR (error-spike: same bug, same culprit) the revert applies cleanly,
    // so the conflict above is the drill's doing and this test can fail.
    let control = Drill::start(Scenario::ErrorSpike).await;
    assert!(!revert_conflicts(&control, culprit), "error-spike's revert of PR #{culprit} applies cleanly");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn experiment_and_data_issue_fail_the_watch_where_triage_will_look() {
    for (scenario, title, file) in [
        (Scenario::Experiment, "KeyError: key not found: \"buy-now\"", "app/experiments/checkout_button_experiment.rb"),
        (Scenario::DataIssue, "NoMethodError: undefined method 'split' for nil", "app/models/user.rb"),
    ] {
        let d = Drill::start(scenario).await;
        let (got, files) = failing_deploy(&d).await;
        assert_eq!(got, title, "{scenario:?}");
        assert_eq!(files[0], file, "{scenario:?}: innermost in-app frame");
        for f in &files {
            assert!(d.sb.repo_dir().join(f).is_file(), "{scenario:?}: {f} is a real file of the scratch repository");
        }
        d.assert_contract();
    }
}
