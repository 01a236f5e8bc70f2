//! The deploy: a pure phase/event/action state machine (machine.rs, steps.rs), the pure
//! judgements around it (watch verdict, migrations, ETA, lock, rollback target, Slack texts),
//! the NDJSON events and the outcome. The async driver performs the machine's actions.
pub mod account;
pub mod announce;
pub mod build_progress;
pub mod channels;
mod conclude;
pub mod driver;
mod driver_end;
mod driver_follow;
mod driver_start;
mod driver_watch;
pub mod events;
pub mod follow;
pub mod lock;
pub mod lock_io;
pub mod machine;
pub mod migrations;
pub mod observe;
pub mod outcome;
pub mod phase;
pub mod plan;
pub mod preflight_step;
pub mod records;
pub mod removed;
pub mod reporter;
pub mod rollback;
pub mod steps;
pub mod watch;
pub mod watch_lines;
