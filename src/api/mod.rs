//! Clients of the four services over one shared transport. Each service keeps its quirks inside
//! its own module; commands receive clients explicitly through [`crate::context::Context`].
// ApiError is wide (service, status, message, ids, wait, scope) so that callers can match on
// named fields; errors are the cold path, so its size does not matter here.
#![allow(clippy::result_large_err)]
mod call;
pub mod error;
mod error_body;
pub mod gate;
pub mod github;
pub mod heroku;
pub mod http;
pub mod page;
pub mod retry;
pub mod secret;
pub mod sentry;
pub mod slack;
pub mod stream;

pub use error::ApiError;
pub use gate::{HeldCall, MutationGate};
pub use http::{HttpCore, Transport};
pub use retry::HttpSettings;
pub use secret::SecretUrl;

/// A serde error without quoted values, for clients that decode outside [`http::Reply`].
pub(crate) fn error_body_message(e: &serde_json::Error) -> String {
    error_body::serde_message(e)
}
