//! `--dry-run` never changes anything, on any command: each runs against the sandbox with
//! `--dry-run` and the sandbox's request log holds no POST, PATCH, PUT or DELETE afterwards (a
//! GraphQL query is a read). Issue 9 found `watch --auto-rollback --dry-run` rolling production back.
use super::{context, of_type, result, Drill};
use bpdeploy::cli::Scenario;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_command_changes_anything_with_dry_run() {
    let d = Drill::start(Scenario::ErrorSpike).await;
    // A real deploy first, so that the watch below has a failing v7 to (not) roll back.
    let deploy = d.run(&["--json", "deploy", "--yes"]).await;
    assert_eq!(deploy.code, 0, "{}", context(&deploy));
    let before = d.sb.requests().len();
    let releases_before = d.releases().await.len();

    let watch = ["--json", "--dry-run", "watch", "--auto-rollback", "--duration", "2s", "--interval", "100ms"];
    let run = d.run(&watch).await;
    assert_eq!(run.code, 3, "the verdict is still the verdict: {}", context(&run));
    let r = result(&run);
    assert_eq!((r["status"].as_str(), r["rollback"].is_null()), (Some("failing"), true), "{r}");
    let next = r["next"].as_array().unwrap();
    assert!(next.iter().any(|n| n["command"] == "bpdeploy rollback v6"), "what it would have done: {r}");
    let held =
        of_type(&run, "warning").iter().any(|w| w["message"].as_str().unwrap().contains("rollback to v6 was not sent"));
    assert!(held, "{}", context(&run));

    let build = result(&deploy)["build_id"].as_str().unwrap().to_string();
    let resume = ["--dry-run", "watch", "--build", build.as_str(), "--duration", "300ms", "--interval", "100ms"];
    for args in [
        &resume[..],
        &["--dry-run", "preflight"][..],
        &["--dry-run", "deploy", "--watch", "--auto-rollback", "--force"],
        &["--dry-run", "deploy", "--yes"],
        &["--dry-run", "watch", "--release", "v7", "--duration", "300ms", "--interval", "100ms"],
        &["--dry-run", "releases"],
        &["--dry-run", "triage"],
        &["--dry-run", "rollback", "v6"],
        &["--dry-run", "--yes", "revert", "4", "--merge", "--deploy"],
    ] {
        let run = d.run(args).await;
        assert!(run.code != 101 && run.code >= 0, "{args:?}: {}", context(&run));
        // What a dry run holds back is not a failure: nothing says "… failed: dry run: …".
        assert!(!run.stderr.contains("failed: dry run"), "{args:?}: {}", run.stderr);
    }
    let changes: Vec<_> = d.sb.requests()[before..].iter().filter(|r| r.mutates).cloned().collect();
    assert!(changes.is_empty(), "a dry run changed something: {changes:#?}");
    assert!(d.sb.requests().len() > before + 10, "the dry runs did read");
    assert_eq!(d.releases().await.len(), releases_before, "no release was made");
}
