//! The one integration-test binary (one link step on 2 cores). Areas are modules.
mod api;
mod cli;
mod deploy;
mod e2e;
mod faults;
mod foundation;
mod hostile_ruby;
mod lint;
mod preflight;
mod pty;
mod recovery;
mod sandbox;
mod security;
mod support;
mod triage;
