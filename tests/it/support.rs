//! Running the real binary with a controlled environment: no inherited tokens, a fake HOME.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_bpdeploy");

/// No single run of the binary in these tests should come near this.
const RUN_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// A bpdeploy invocation with an empty environment except PATH, HOME and what the test adds.
pub struct Cmd {
    cmd: Command,
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Waits for a spawned run to end.
    pub fn of(child: std::process::Child) -> Run {
        let out = child.wait_with_output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The one JSON document on stdout, which is one line (the README's contract) like the
    /// NDJSON events and the errors.
    pub fn json(&self) -> serde_json::Value {
        let value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr));
        assert_eq!(self.stdout.trim_end_matches('\n').lines().count(), 1, "one line of JSON:\n{}", self.stdout);
        value
    }
    /// NDJSON lines.
    pub fn events(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad NDJSON line {l:?}: {e}")))
            .collect()
    }
}

impl Cmd {
    pub fn new(cwd: &Path, home: &Path) -> Cmd {
        let mut cmd = Command::new(BIN);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("NO_COLOR", "1")
            .current_dir(cwd)
            .stdin(Stdio::null());
        Cmd { cmd }
    }
    pub fn env(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Cmd {
        self.cmd.env(k, v);
        self
    }
    pub fn env_remove(mut self, k: &str) -> Cmd {
        self.cmd.env_remove(k);
        self
    }
    pub fn envs<'a>(mut self, pairs: impl IntoIterator<Item = (&'a str, String)>) -> Cmd {
        for (k, v) in pairs {
            self.cmd.env(k, v);
        }
        self
    }
    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }
    /// Starts it with stdout and stderr piped, for tests that signal it or race it.
    pub fn spawn(mut self) -> std::process::Child {
        self.cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start bpdeploy")
    }
    /// Runs to completion with stdin, stdout and stderr on one pseudo-terminal, as at a person's
    /// terminal; `typed` is what they type. `stdout` is the whole screen in order.
    pub fn run_on_terminal(self, typed: &str) -> Run {
        crate::pty::run(self.cmd, typed, RUN_LIMIT)
    }
    /// Runs to completion. A run that outlives [`RUN_LIMIT`] is killed and the test fails with
    /// what it printed, so a hung binary fails one test instead of hanging the suite.
    pub fn run(mut self) -> Run {
        use std::io::Read;
        let mut child = self.cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run bpdeploy");
        let drain = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = pipe.read_to_end(&mut buf);
                String::from_utf8_lossy(&buf).into_owned()
            })
        };
        let stdout = drain(Box::new(child.stdout.take().unwrap()));
        let stderr = drain(Box::new(child.stderr.take().unwrap()));
        let deadline = std::time::Instant::now() + RUN_LIMIT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for bpdeploy") {
                break Some(status);
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        let run = Run { code: -1, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() };
        match status {
            Some(status) => Run { code: status.code().unwrap_or(-1), ..run },
            None => panic!("bpdeploy ran longer than {RUN_LIMIT:?} and was killed: {run:?}"),
        }
    }
}

/// A temp dir used as both working directory and HOME.
pub fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().to_path_buf();
    (dir, p)
}

/// The shared API specs, if this checkout sits beside ../shared (CI has it).
pub fn api_specs_dir() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/api-specs");
    p.is_dir().then_some(p)
}
