//! The deploy: a pure phase/event/action state machine (machine.rs, steps.rs), the pure
//! judgements around it (watch verdict, migrations, ETA, lock, rollback target, Slack texts),
//! the NDJSON events and the outcome. The async driver performs the machine's actions.
pub mod announce;
pub mod build_progress;
pub mod events;
pub mod lock;
pub mod machine;
pub mod migrations;
pub mod outcome;
pub mod rollback;
pub mod steps;
pub mod watch;
