//! Lint tests. Fixtures are Ruby source strings; each table row says which check must fire on
//! which line, and the negative tables reuse the same statements in places where they are safe
//! or inert (safety_assured, a new table, a comment, a string, a heredoc).

mod app_facts;
mod data_migrations;
mod hostile;
mod reversibility;
mod schema_checks;
mod schema_negatives;
mod strong_migrations;

use super::MigrationLint;

/// A dangerous statement and where it fires, as the positive and negative tables share them.
pub(super) struct Case {
    pub check: &'static str,
    /// Ruby statements placed inside `def up`, one per line.
    pub code: &'static str,
    /// 1-based line within `code` where the finding is expected.
    pub line: usize,
    /// The table whose creation earlier in the migration makes the statement safe, if any.
    pub table: Option<&'static str>,
}

/// Lines before `code` in [`migration`]: the class line, a class-level line, `def up`.
pub(super) const CODE_OFFSET: usize = 3;

/// A migration class whose `up` holds `code`, with `class_level` (e.g. `disable_ddl_transaction!`)
/// on line 2, and a `down` so that reversibility stays out of the way.
pub(super) fn migration(class_level: &str, code: &str) -> String {
    let body: String = code.lines().map(|l| format!("    {l}\n")).collect();
    format!(
        "class AddThings < ActiveRecord::Migration[7.1]\n  {class_level}\n  def up\n{body}  end\n\n  def down\n    drop_table :things\n  end\nend\n"
    )
}

/// `(check, line)` of every risk, in order.
pub(super) fn found(lint: &MigrationLint) -> Vec<(&str, usize)> {
    lint.risks.iter().map(|r| (r.check.as_str(), r.line)).collect()
}

/// Wraps code as Ruby sees it only as text: a comment on each line.
pub(super) fn commented(code: &str) -> String {
    code.lines().map(|l| format!("# {l}\n")).collect()
}

/// Wraps code in a single-quoted Ruby string.
pub(super) fn stringified(code: &str) -> String {
    format!("say '{}'", code.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// Wraps code in a squiggly heredoc passed to a harmless call.
pub(super) fn heredoc(code: &str) -> String {
    format!("say <<~RUBY\n{code}\nRUBY")
}
