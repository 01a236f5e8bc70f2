//! A pseudo-terminal for runs that must see a TTY on stdin, stdout and stderr: the question a
//! mutating command asks, and the order in which a person reads the preview and the work.
use crate::support::Run;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Runs `cmd` on a new terminal, types `typed`, and returns the screen (CR LF read as LF) as
/// `stdout`; `stderr` stays empty, since both went to the same screen.
pub fn run(mut cmd: Command, typed: &str, limit: Duration) -> Run {
    let (master, terminal) = open();
    let end = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup the terminal"));
    let mut child = cmd.stdin(end(&terminal)).stdout(end(&terminal)).stderr(end(&terminal)).spawn().expect("run");
    // Only the child holds the terminal now: once it exits, reading the screen ends.
    drop(cmd);
    drop(terminal);
    let mut screen = std::fs::File::from(master);
    screen.write_all(typed.as_bytes()).expect("type");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let seen = seen.clone();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            // EIO once the last process on the terminal closed it.
            while let Ok(n @ 1..) = screen.read(&mut chunk) {
                seen.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        })
    };
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // A hang guard only: a process started elsewhere in the meantime may hold a copy a while.
    let guard = Instant::now() + Duration::from_secs(10);
    while !reader.is_finished() && Instant::now() < guard {
        std::thread::sleep(Duration::from_millis(10));
    }
    let text = String::from_utf8_lossy(&seen.lock().unwrap()).replace("\r\n", "\n");
    let run = Run { code: -1, stdout: text, stderr: String::new() };
    match status {
        Some(status) => Run { code: status.code().unwrap_or(-1), ..run },
        None => panic!("bpdeploy ran longer than {limit:?} on a terminal and was killed: {run:?}"),
    }
}

/// A new terminal: (the screen's side, the side a program runs on). Neither end is inherited by
/// other processes the tests start meanwhile.
fn open() -> (OwnedFd, OwnedFd) {
    let (mut master, mut terminal) = (-1, -1);
    // SAFETY: openpty writes two new descriptors; no name, default settings and size.
    let rc =
        unsafe { libc::openpty(&mut master, &mut terminal, std::ptr::null_mut(), std::ptr::null(), std::ptr::null()) };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both are open descriptors that nothing else owns.
    let (master, terminal) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(terminal)) };
    for fd in [&master, &terminal] {
        // SAFETY: a valid descriptor; FD_CLOEXEC only.
        unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    (master, terminal)
}
