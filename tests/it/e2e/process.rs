//! Issue 4's two-terminal drill: `bpdeploy sandbox` in one process, a shell that sources its
//! lines and runs `bpdeploy releases --json` in another, then SIGTERM and a clean exit.
use crate::support::BIN;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// How long a line of the sandbox's output may take: generous, it only turns a hang into a failure.
const LINE_WAIT: Duration = Duration::from_secs(30);

/// A command with nothing inherited but PATH, and this HOME.
fn clean(program: &str, home: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default()).env("HOME", home).env("NO_COLOR", "1");
    cmd
}

/// The child's stdout line by line, read on a thread so that every wait for a line is bounded.
struct Lines(mpsc::Receiver<String>);

impl Lines {
    fn follow(child: &mut Child) -> Lines {
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Lines(rx)
    }

    /// The next line, None once stdout is closed; a failure naming `awaited` after [`LINE_WAIT`].
    fn next(&self, awaited: &str) -> Option<String> {
        match self.0.recv_timeout(LINE_WAIT) {
            Ok(line) => Some(line),
            Err(RecvTimeoutError::Disconnected) => None,
            Err(RecvTimeoutError::Timeout) => panic!("no {awaited} on the sandbox's stdout within {LINE_WAIT:?}"),
        }
    }
}

/// Reads stdout up to and including the `cd` line; the reader stays open for the rest.
fn shell_lines(child: &mut Child) -> (Vec<String>, Lines) {
    let stdout = Lines::follow(child);
    let mut lines = Vec::new();
    loop {
        let awaited = format!("cd line after {lines:?}");
        let line = stdout.next(&awaited).unwrap_or_else(|| panic!("stdout closed before the cd line: {lines:?}"));
        lines.push(line.trim_end().to_string());
        if line.starts_with("cd ") {
            return (lines, stdout);
        }
    }
}

/// Kills the sandbox if the test panics before stopping it: no stray processes.
struct Reap(Child);

impl Drop for Reap {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[test]
fn a_second_process_sources_the_exports_and_lists_releases() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("sandbox.log");
    let mut sandbox = Reap(
        clean(BIN, home.path())
            .args(["sandbox", "--scenario", "happy", "--port", "0"])
            .env("BPDEPLOY_SANDBOX_SPEED", "20")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let (lines, rest) = shell_lines(&mut sandbox.0);
    let log_text = || std::fs::read_to_string(&log).unwrap_or_default();
    let (cd, exports) = lines.split_last().unwrap();
    assert!(exports.iter().all(|l| l.starts_with("export ")), "only export lines, then cd: {lines:?}");
    let names: Vec<&str> =
        exports.iter().filter_map(|l| l.strip_prefix("export ")?.split_once('=')).map(|p| p.0).collect();
    for name in ["BPDEPLOY_HEROKU_URL", "HEROKU_API_KEY", "GITHUB_TOKEN", "SENTRY_AUTH_TOKEN", "SLACK_BOT_TOKEN"] {
        assert!(names.contains(&name), "{name} exported: {names:?}");
    }
    let repo = PathBuf::from(cd.strip_prefix("cd ").unwrap().trim_matches('\''));
    assert!(repo.join("bpdeploy.toml").is_file(), "the scratch repository holds bpdeploy.toml");

    // The second terminal: source the lines exactly as printed, then run the real command.
    let env_sh = home.path().join("env.sh");
    std::fs::write(&env_sh, lines.join("\n") + "\n").unwrap();
    let out = clean("sh", home.path())
        .args(["-c", &format!(". '{}' && exec '{BIN}' --json releases", env_sh.display())])
        .current_dir(home.path())
        .output()
        .unwrap();
    let releases: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "releases --json is one document ({e}): {}\nsandbox log:\n{}",
            String::from_utf8_lossy(&out.stderr),
            log_text()
        )
    });
    // The commits are short shas of commits that really are in the scratch repository (checked
    // before the stop, which removes it).
    let scratch = git2::Repository::open(&repo).unwrap();
    let releases = releases.as_array().cloned().unwrap_or_default();
    let commits: Vec<String> = releases.iter().map(|r| r["commit"].as_str().unwrap_or_default().to_string()).collect();
    let real =
        commits.iter().all(|c| c.len() == 7 && scratch.revparse_single(c).is_ok_and(|o| o.peel_to_commit().is_ok()));
    drop(scratch);

    let killed = Command::new("kill").args(["-TERM", &sandbox.0.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = sandbox.0.wait().unwrap();

    assert!(out.status.success(), "releases: {}\nsandbox log:\n{}", String::from_utf8_lossy(&out.stderr), log_text());
    let versions: Vec<u64> = releases.iter().map(|r| r["version"].as_u64().unwrap()).collect();
    assert_eq!(versions, [6, 5, 4, 3, 2, 1], "newest first");
    let current: Vec<u64> =
        releases.iter().filter(|r| r["current"] == true).map(|r| r["version"].as_u64().unwrap()).collect();
    assert_eq!(current, [6], "the current marker is on v6 alone");
    assert!(real, "every release's commit is a short sha of a scratch-repository commit: {commits:?}");

    assert_eq!(status.code(), Some(0), "SIGTERM stops the sandbox cleanly:\n{}", log_text());
    assert!(!repo.exists(), "the temporary scratch repository is removed on stop");
    let more: Vec<String> = std::iter::from_fn(|| rest.next("end of stdout")).collect();
    assert!(more.is_empty(), "nothing on stdout after the shell lines: {more:?}");
}

/// `bpdeploy [FLAGS] sandbox --scenario happy --env-file FILE`, stopped when dropped.
fn sandbox_writing(home: &Path, env_file: &Path, flags: &[&str], stdout: Stdio) -> Reap {
    let mut cmd = clean(BIN, home);
    cmd.args(flags).args(["sandbox", "--scenario", "happy", "--env-file"]).arg(env_file);
    Reap(cmd.stdout(stdout).stderr(Stdio::null()).spawn().unwrap())
}

/// A sandbox restarted on the same `--env-file` (the old one still stopping while the new one
/// writes its lines): the old one removes only the file it wrote, never its successor's.
#[test]
fn a_stopping_sandbox_leaves_the_env_file_of_the_one_after_it() {
    let home = tempfile::tempdir().unwrap();
    let env_file = home.path().join("sandbox.env");
    let mut sandbox = sandbox_writing(home.path(), &env_file, &[], Stdio::null());
    // A hang guard only: the sandbox serves within a second or two.
    let deadline = std::time::Instant::now() + LINE_WAIT;
    while !env_file.exists() {
        assert!(std::time::Instant::now() < deadline, "no env file within {LINE_WAIT:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The next sandbox's lines, written whole (by rename) over this one's.
    let next = home.path().join(".next.tmp");
    std::fs::write(&next, "export BPDEPLOY_HEROKU_URL=http://127.0.0.1:9/heroku/\n").unwrap();
    std::fs::rename(&next, &env_file).unwrap();

    let killed = Command::new("kill").args(["-TERM", &sandbox.0.id().to_string()]).status().unwrap();
    assert!(killed.success());
    assert_eq!(sandbox.0.wait().unwrap().code(), Some(0), "SIGTERM stops the sandbox cleanly");
    let left = std::fs::read_to_string(&env_file).unwrap_or_default();
    assert!(left.contains("127.0.0.1:9"), "the next sandbox's file stays: {left:?}");
}

/// `--env-file .env` in an app's directory must not wipe the app's own `.env`: a file that is not
/// a sandbox's shell lines is refused and left as it was; a stale sandbox file is replaced.
#[test]
fn an_env_file_a_sandbox_did_not_write_is_never_replaced() {
    let home = tempfile::tempdir().unwrap();
    let dotenv = home.path().join(".env");
    std::fs::write(&dotenv, "SECRET_KEY_BASE=keep-me\nexport DATABASE_URL=postgres://x\n").unwrap();
    let mut refused = sandbox_writing(home.path(), &dotenv, &["--json"], Stdio::piped());
    let deadline = std::time::Instant::now() + LINE_WAIT; // a hang guard only: a refusal is at once
    while refused.0.try_wait().unwrap().is_none() {
        assert!(std::time::Instant::now() < deadline, "the sandbox served instead of refusing {dotenv:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut stdout = Vec::new();
    std::io::Read::read_to_end(&mut refused.0.stdout.take().unwrap(), &mut stdout).unwrap();
    let out = std::process::Output { status: refused.0.wait().unwrap(), stdout, stderr: vec![] };
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "write_failed", "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("not a sandbox's"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&dotenv).unwrap(),
        "SECRET_KEY_BASE=keep-me\nexport DATABASE_URL=postgres://x\n"
    );

    // A file that cannot be written says where one can be.
    let nowhere = home.path().join("no/such/dir/sandbox.env");
    let unwritable = clean(BIN, home.path()).args(["--json", "sandbox", "--env-file"]).arg(&nowhere).output().unwrap();
    assert_eq!(unwritable.status.code(), Some(1), "{unwritable:?}");
    let err: serde_json::Value = serde_json::from_slice(&unwritable.stdout).unwrap();
    assert_eq!(err["error"]["code"], "write_failed", "{err}");
    assert!(err["error"]["hint"].as_str().is_some_and(|h| h.contains("--env-file /tmp/sandbox.env")), "{err}");

    // An earlier sandbox's file (a dead port) is replaced by this one's.
    let stale = home.path().join("sandbox.env");
    std::fs::write(&stale, "export BPDEPLOY_HEROKU_URL=http://127.0.0.1:9/heroku/\ncd '/tmp/gone'\n").unwrap();
    let mut sandbox = sandbox_writing(home.path(), &stale, &[], Stdio::null());
    let deadline = std::time::Instant::now() + LINE_WAIT; // a hang guard only
    let replaced = || {
        let text = std::fs::read_to_string(&stale).unwrap_or_default();
        text.contains("export BPDEPLOY_HEROKU_URL=") && !text.contains("127.0.0.1:9/")
    };
    while !replaced() {
        assert!(std::time::Instant::now() < deadline, "the stale file was not replaced within {LINE_WAIT:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill").args(["-TERM", &sandbox.0.id().to_string()]).status().unwrap();
    assert!(killed.success());
    assert_eq!(sandbox.0.wait().unwrap().code(), Some(0), "SIGTERM stops the sandbox cleanly");
}
