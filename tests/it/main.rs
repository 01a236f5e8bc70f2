//! The one integration-test binary (one link step on 2 cores). Areas are modules.
mod api;
mod deploy;
mod e2e;
mod foundation;
mod lint;
mod preflight;
mod sandbox;
mod support;
