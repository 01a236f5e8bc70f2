//! Clients of the four services over one shared transport. Each service keeps its quirks inside
//! its own module; commands receive clients explicitly through [`crate::context::Context`].
pub mod error;

pub use error::ApiError;
