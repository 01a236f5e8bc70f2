//! The two recovery paths and what each will do before anything moves: a rollback re-releases an
//! earlier slug (instant, yanks every PR since, never runs a down migration); a revert undoes one
//! PR in a new commit (keeps the rest, needs CI, a build and a release). Both leave the database
//! as it is, so both ask the same question of every migration that stays: can the restored code
//! live with it ([`compat`])?
pub mod checks;
pub mod compat;
pub mod conflicts;
pub mod eta;
pub mod facts;
pub mod human;
pub mod notify;
pub mod prediction;
pub mod push;
pub mod report;
pub mod revert;
pub mod revert_create;
pub mod revert_git;
pub mod revert_text;
pub mod rollback;
pub mod rollback_lock;
pub mod rollback_run;
pub mod rollback_target;
pub mod schema_effects;
pub mod sentry_issue;
mod statements;
pub mod undo;
