//! The deploy: a pure phase/event/action state machine and the async driver that performs it.
pub mod announce;
pub mod machine;
pub mod steps;
