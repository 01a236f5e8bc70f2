//! Running the real binary with a controlled environment: no inherited tokens, a fake HOME.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_bpdeploy");

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
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
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
    pub fn run(mut self) -> Run {
        let out = self.cmd.output().expect("run bpdeploy");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
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
