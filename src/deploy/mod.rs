//! The deploy: a pure phase/event/action state machine and the async driver that performs it.
pub mod announce;
pub mod build_progress;
pub mod lock;
pub mod machine;
pub mod migrations;
pub mod rollback;
pub mod steps;
pub mod watch;
