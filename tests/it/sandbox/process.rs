//! `bpdeploy demo` as a process. (`bpdeploy sandbox` as a process, with a second process that
//! sources its lines, is tests/it/e2e/process.rs.)

/// `bpdeploy --json demo --scenario S` at drill speed, which must exit 0: the run and its steps.
fn demo(scenario: &str) -> (crate::support::Run, Vec<serde_json::Value>) {
    let (_dir, path) = crate::support::scratch();
    let run = crate::support::Cmd::new(&path, &path)
        .env("BPDEPLOY_SANDBOX_SPEED", "20")
        .args(["--json", "demo", "--scenario", scenario])
        .run();
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let steps = run.json()["steps"].as_array().unwrap().clone();
    (run, steps)
}

#[test]
fn demo_walks_the_routine_and_exits_zero() {
    let (run, steps) = demo("error-spike");
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(names, ["releases", "preflight", "deploy --watch", "triage", "revert"]);
    let step = |name: &str| steps.iter().find(|s| s["step"] == name).unwrap().clone();
    assert_eq!(step("releases")["status"], "ran");
    assert_eq!(step("releases")["exit"], 0);
    // error-spike: the watch after the deploy catches the new issue.
    assert_eq!(step("deploy --watch")["status"], "ran", "{}", run.stderr);
    assert_eq!(step("deploy --watch")["exit"], 3, "{}", run.stderr);
    for s in &steps {
        assert_eq!(s["status"], "ran", "no step errors: {s} {}", run.stderr);
    }
    assert!(run.stderr.contains("PR #4"), "narrates the culprit: {}", run.stderr);
    // The recovery triage recommends, run as it printed it: the revert of #4, merged once CI
    // passed, then deployed and watched until the error is gone.
    let revert = "Following it: `bpdeploy revert 4 --merge --deploy --watch --sentry STOREFRONT-4F`";
    assert!(run.stderr.contains(revert), "{}", run.stderr);
    assert_eq!((step("revert")["status"].as_str(), step("revert")["exit"].as_u64()), (Some("ran"), Some(0)));
    assert!(
        run.stderr.contains("v8 of storefront is healthy"),
        "the revert went live and the error stopped: {}",
        run.stderr
    );
}

/// When the revert would conflict, triage says roll back, and the demo rolls back as printed.
#[test]
fn demo_rolls_back_when_triage_says_the_revert_conflicts() {
    let (run, steps) = demo("revert-conflict");
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(names, ["releases", "preflight", "deploy --watch", "triage", "rollback"]);
    let rollback = steps.last().unwrap();
    assert_eq!((rollback["status"].as_str(), rollback["exit"].as_u64()), (Some("ran"), Some(0)), "{}", run.stderr);
    let following = "Following it: `bpdeploy rollback v6 --watch --sentry STOREFRONT-4F`";
    assert!(run.stderr.contains(following), "{}", run.stderr);
    assert!(run.stderr.contains("rolling storefront back to v6 (one request)"), "{}", run.stderr);
}
