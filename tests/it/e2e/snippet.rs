//! The README's sandbox snippet, run as written (one paste into a shell), and the demo's story
//! checked against the results it narrates.
use crate::support::{Cmd, BIN};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The README's shell block that starts the sandbox.
fn sandbox_snippet() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let blocks: Vec<&str> = readme.split("```sh\n").skip(1).filter_map(|b| b.split("```").next()).collect();
    blocks.into_iter().find(|b| b.contains("bpdeploy sandbox --scenario")).expect("the README's sandbox block").into()
}

#[test]
fn the_readme_sandbox_snippet_works_pasted_as_one_block() {
    let home = tempfile::tempdir().unwrap();
    // The block as printed, with its file in this test's own directory (tests run side by side).
    let env_file = home.path().join("sandbox.env");
    let snippet = sandbox_snippet().replace("/tmp/sandbox.env", &env_file.display().to_string());
    assert!(snippet.contains("--env-file") && snippet.contains("bpdeploy deploy --yes --watch"), "{snippet}");
    let script = format!("{snippet}status=$?\nkill -TERM $!\nwait $!\necho \"sandbox exit $?\" >&2\nexit $status\n");
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .env_clear()
        .env("PATH", path)
        .env("HOME", home.path())
        .env("NO_COLOR", "1")
        .env("BPDEPLOY_USER", "drill")
        .env("BPDEPLOY_SANDBOX_SPEED", "20")
        .env("BPDEPLOY_POLL_MS", "20")
        .env("BPDEPLOY_STREAM_IDLE_MS", "1000")
        .current_dir(home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A hang guard only: the whole drill takes seconds.
    let deadline = Instant::now() + Duration::from_secs(180);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the snippet hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let context = format!("exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}", out.status.code());
    assert!(stdout.starts_with("\tVERSION\tSTATUS"), "releases ran against the sandbox: {context}");
    assert_eq!(out.status.code(), Some(3), "the release-fails drill's deploy exits 3: {context}");
    assert!(stderr.contains("sandbox exit 0"), "SIGTERM stops the sandbox cleanly: {context}");
    assert!(!env_file.exists(), "the sandbox removes its env file when it stops");
}

#[test]
fn the_demo_tells_what_each_step_reported() {
    let home = tempfile::tempdir().unwrap();
    let run = Cmd::new(home.path(), home.path())
        .env("BPDEPLOY_SANDBOX_SPEED", "20")
        .env("BPDEPLOY_USER", "drill")
        .args(["demo", "--scenario", "release-fails"])
        .run();
    assert_eq!(run.code, 0, "{run:?}");
    // The migrations table preflight printed: PATH is the 4th column, RISKS the 6th.
    let rows: Vec<Vec<&str>> = run
        .stdout
        .lines()
        .map(|l| l.trim_start().split('\t').collect::<Vec<_>>())
        .filter(|c| c.len() == 6 && c[3].starts_with("db/"))
        .collect();
    let risky = rows.iter().filter(|c| c[5] != "0").count();
    let words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    let counted = format!("{} of the {} migrations", words[risky], words[rows.len()]);
    assert!(run.stdout.contains("CAUTION"), "{run:?}");
    assert!(run.stderr.contains("Preflight says CAUTION") && run.stderr.contains(&counted), "{counted}: {run:?}");
    assert!(!run.stderr.contains("Looks acceptable") && !run.stderr.contains("two look risky"), "{run:?}");
    // The release failed: nothing to triage, and the words say what production serves.
    assert!(run.stderr.contains("The release phase failed: "), "{run:?}");
    assert!(!run.stderr.contains("== triage =="), "{run:?}");
    // The sandbox is gone when the demo ends: no link into it.
    assert!(!run.stderr.contains("/_sandbox/"), "{run:?}");
    let slack = run.stderr.lines().find(|l| l.starts_with("Slack got ")).unwrap_or_else(|| panic!("{run:?}"));
    assert!(slack.contains("drill") && !slack.contains("http"), "{slack}");
}
