//! The one mutation gate. Every request that changes something at a service (POST, PATCH, PUT,
//! DELETE, except the few POSTs that only read, such as GraphQL queries) passes through
//! [`MutationGate::pass`] inside the shared transport before it is sent. `--dry-run` closes the
//! gate: a closed gate sends nothing and keeps a list of what it held back.
//!
//! Commands ask [`MutationGate::is_open`] before a step that mutates, so that a dry run can say
//! what it would do instead of failing; the check in the transport is the guarantee that no
//! path, however new, mutates during a dry run.
use crate::api::call::Call;
use crate::api::ApiError;
use crate::credentials::Service;
use serde::Serialize;
use std::sync::{Arc, Mutex};

/// A mutating request a closed gate did not send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldCall {
    pub service: &'static str,
    pub method: String,
    /// The path template (`apps/{app}/builds`): never a real URL, which may be a secret.
    pub path: &'static str,
}

#[derive(Debug, Clone)]
pub struct MutationGate {
    open: bool,
    held: Arc<Mutex<Vec<HeldCall>>>,
}

impl Default for MutationGate {
    fn default() -> Self {
        MutationGate::open()
    }
}

impl MutationGate {
    /// A real run: mutations go through.
    pub fn open() -> MutationGate {
        MutationGate { open: true, held: Arc::default() }
    }

    /// `--dry-run`: nothing that changes anything is sent.
    pub fn closed() -> MutationGate {
        MutationGate { open: false, held: Arc::default() }
    }

    pub fn new(dry_run: bool) -> MutationGate {
        if dry_run {
            MutationGate::closed()
        } else {
            MutationGate::open()
        }
    }

    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Called by the transport for every request before it is sent. A read always passes; a
    /// mutation passes only an open gate, else it is recorded and refused.
    pub(crate) fn pass(&self, service: Service, call: &Call) -> Result<(), ApiError> {
        if self.open || !call.mutates() {
            return Ok(());
        }
        let held = HeldCall { service: service.slug(), method: call.method.to_string(), path: call.template };
        self.held.lock().unwrap_or_else(|p| p.into_inner()).push(held);
        Err(ApiError::DryRun { service, endpoint: call.endpoint() })
    }

    /// The mutations refused so far, oldest first.
    pub fn held(&self) -> Vec<HeldCall> {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_gate_holds_every_mutation_and_lets_reads_through() {
        let gate = MutationGate::closed();
        let read = Call::get("apps/{app}", "apps/shop");
        let query = Call::post("graphql", "").read_only();
        assert!(gate.pass(Service::Heroku, &read).is_ok());
        assert!(gate.pass(Service::GitHub, &query).is_ok());
        for call in [
            Call::post("apps/{app}/builds", "apps/shop/builds"),
            Call::put("repos/{owner}/{repo}/pulls/{pull_number}/merge", "repos/a/b/pulls/1/merge"),
            Call::new(reqwest::Method::PATCH, "apps/{app}", "apps/shop"),
            Call::new(reqwest::Method::DELETE, "apps/{app}/builds/{build}", "apps/shop/builds/b1"),
            Call::post("chat.update", "chat.update").resend_safe(),
        ] {
            let e = gate.pass(Service::Heroku, &call).unwrap_err();
            assert!(matches!(e, ApiError::DryRun { .. }), "{e}");
        }
        let held: Vec<String> = gate.held().iter().map(|h| format!("{} {}", h.method, h.path)).collect();
        assert_eq!(held[0], "POST apps/{app}/builds");
        assert_eq!(held.len(), 5);
        let open = MutationGate::open();
        assert!(open.pass(Service::Heroku, &Call::post("apps/{app}/builds", "apps/shop/builds")).is_ok());
        assert!(open.held().is_empty());
    }
}
