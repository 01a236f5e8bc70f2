//! `bpdeploy sandbox` as a process: shell lines on stdout once ready, SIGTERM stops it with 0.
use crate::support::BIN;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn serves_until_sigterm_and_prints_only_shell_lines() {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["sandbox", "--scenario", "happy", "--port", "0"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("BPDEPLOY_SANDBOX_SPEED", "20")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "stdout closed before the cd line: {lines:?}");
        let done = line.starts_with("cd ");
        lines.push(line.trim_end().to_string());
        if done {
            break;
        }
    }
    let exports: Vec<(String, String)> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("export ")?.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();
    assert_eq!(exports.len() + 1, lines.len(), "only export lines, then cd: {lines:?}");
    let get = |k: &str| {
        exports.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_else(|| panic!("{k} exported"))
    };
    for k in [
        "BPDEPLOY_GITHUB_URL",
        "BPDEPLOY_SENTRY_URL",
        "BPDEPLOY_SLACK_URL",
        "GITHUB_TOKEN",
        "SENTRY_AUTH_TOKEN",
        "SLACK_BOT_TOKEN",
    ] {
        get(k);
    }
    let repo = std::path::PathBuf::from(lines.last().unwrap().strip_prefix("cd ").unwrap());
    assert!(repo.join("bpdeploy.toml").is_file() && repo.join("Procfile").is_file());

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .get(format!("{}apps/storefront/releases", get("BPDEPLOY_HEROKU_URL")))
            .header("accept", "application/vnd.heroku+json; version=3")
            .bearer_auth(get("HEROKU_API_KEY"))
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(status.unwrap(), 200);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "nothing more on stdout after the shell lines");
    assert!(!repo.exists(), "the temporary scratch repository is removed on stop");
}

#[test]
fn demo_walks_the_routine_and_exits_zero() {
    let (_dir, path) = crate::support::scratch();
    let run = crate::support::Cmd::new(&path, &path)
        .env("BPDEPLOY_SANDBOX_SPEED", "20")
        .args(["--json", "demo", "--scenario", "error-spike"])
        .run();
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    let steps = run.json()["steps"].as_array().unwrap().clone();
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(names, ["releases", "preflight", "deploy --watch", "triage", "revert"]);
    let step = |name: &str| steps.iter().find(|s| s["step"] == name).unwrap().clone();
    assert_eq!(step("releases")["status"], "ran");
    assert_eq!(step("releases")["exit"], 0);
    // error-spike: the watch after the deploy catches the new issue.
    assert_eq!(step("deploy --watch")["status"], "ran", "{}", run.stderr);
    assert_eq!(step("deploy --watch")["exit"], 3, "{}", run.stderr);
    for s in &steps {
        assert!(s["status"] == "ran" || s["status"] == "skipped", "no step errors: {s} {}", run.stderr);
    }
    assert!(run.stderr.contains("PR #4"), "narrates the culprit: {}", run.stderr);
}
