//! Can older code live with a migration that stays applied? Both recovery paths restore code
//! from before a migration ran without undoing it: a rollback re-releases an old slug (its
//! `db:migrate` finds nothing to do), a revert removes the code but keeps the migration. Rails
//! reads a table's columns from the database at boot, so older code tolerates what it does not
//! know about (a new nullable column, a new table, an index); it breaks on what it relies on and
//! no longer finds (a removed or renamed column or table, a changed type), and on inserts the
//! database now refuses (a NOT NULL column it never fills).
use super::schema_effects::{effects, Change, Effect};
use crate::preflight::migrations::{Change as FileChange, Kind};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Compatible,
    Breaks,
    /// Raw SQL or a file that cannot be read: someone has to look.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OldCode {
    pub verdict: Verdict,
    pub reason: String,
}

impl OldCode {
    fn new(verdict: Verdict, reason: impl Into<String>) -> OldCode {
        OldCode { verdict, reason: reason.into() }
    }
}

/// The verdict for one migration file that stays applied. `source` is its content as it ran
/// (None when the file is gone or unreadable).
pub fn judge(kind: Kind, change: FileChange, source: Option<&str>) -> OldCode {
    match (kind, change) {
        (Kind::Data, _) => {
            OldCode::new(Verdict::Compatible, "a data migration: its changes to rows stay, the schema is untouched")
        }
        (_, FileChange::Modified) => OldCode::new(
            Verdict::Compatible,
            "edited after it ran: production never ran the edit, so the schema is what older code knew",
        ),
        (_, FileChange::Deleted) => OldCode::new(Verdict::Compatible, "deleted: nothing ran"),
        _ => match source.and_then(effects) {
            Some(found) => judge_effects(&found),
            None => OldCode::new(Verdict::Unknown, "the migration could not be read: check it by hand"),
        },
    }
}

/// The worst effect decides: one that breaks older code, else raw SQL (unknown), else fine.
pub fn judge_effects(found: &[Effect]) -> OldCode {
    let mut breaks: Vec<String> = found.iter().filter_map(|e| breaking(&e.change)).collect();
    if !breaks.is_empty() {
        breaks.dedup();
        return OldCode::new(Verdict::Breaks, breaks.join("; "));
    }
    if let Some(e) = found.iter().find(|e| e.change == Change::Execute) {
        return OldCode::new(
            Verdict::Unknown,
            format!("runs raw SQL (line {}): bpdeploy cannot tell what it changes; read it", e.line),
        );
    }
    let what: Vec<String> = found.iter().filter_map(|e| harmless(&e.change)).collect();
    if what.is_empty() {
        return OldCode::new(Verdict::Compatible, "no schema change older code relies on");
    }
    OldCode::new(Verdict::Compatible, format!("{}: older code does not rely on it", what.join(", ")))
}

fn breaking(change: &Change) -> Option<String> {
    Some(match change {
        Change::DropTable { table } => format!("drops table {table}, which older code still queries"),
        Change::RemoveColumn { table, column } => {
            format!("removes {table}.{column}, which older code still reads and writes")
        }
        Change::RenameColumn { table, from, to } => {
            format!("renames {table}.{from} to {to}: older code still uses {from}")
        }
        Change::RenameTable { from, to } => format!("renames table {from} to {to}: older code still uses {from}"),
        Change::ChangeColumnType { table, column, to } => {
            format!("changes the type of {table}.{column} to {to}: older code reads and writes the old type")
        }
        Change::ChangeColumnNull { table, column, allows_null: false } => {
            format!("makes {table}.{column} NOT NULL: older code may insert rows without it")
        }
        Change::AddColumn { table, column, not_null: true, has_default: false } => {
            format!("adds {table}.{column} NOT NULL without a default: older code inserts rows without it")
        }
        _ => return None,
    })
}

fn harmless(change: &Change) -> Option<String> {
    Some(match change {
        Change::CreateTable { table } => format!("creates table {table}"),
        Change::AddColumn { table, column, not_null: false, .. } => format!("adds nullable {table}.{column}"),
        Change::AddColumn { table, column, .. } => format!("adds {table}.{column} with a default"),
        Change::ChangeColumnNull { table, column, .. } => format!("lets {table}.{column} be NULL"),
        Change::Neutral { what } => what.replace('_', " "),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(body: &str) -> OldCode {
        let source = format!("class M < ActiveRecord::Migration[7.1]\n  def change\n{body}\n  end\nend\n");
        judge(Kind::Schema, FileChange::Added, Some(&source))
    }

    #[test]
    fn older_code_breaks_on_what_it_relies_on() {
        for (body, needle) in [
            ("remove_column :orders, :email, :string", "removes orders.email"),
            ("safety_assured { remove_column :orders, :email }", "removes orders.email"),
            ("drop_table :coupons", "drops table coupons"),
            ("rename_column :orders, :email, :contact", "renames orders.email to contact"),
            ("rename_table :orders, :purchases", "renames table orders"),
            ("change_column :orders, :status, :integer", "type of orders.status to integer"),
            ("change_column_null :orders, :email, false", "makes orders.email NOT NULL"),
            ("add_column :orders, :code, :string, null: false", "NOT NULL without a default"),
            ("change_table :orders do |t|\n  t.remove :email\nend", "removes orders.email"),
            ("change_table :orders do |t|\n  t.rename :email, :contact\nend", "renames orders.email"),
        ] {
            let v = verdict(body);
            assert_eq!(v.verdict, Verdict::Breaks, "{body}: {v:?}");
            assert!(v.reason.contains(needle), "{body}: {}", v.reason);
        }
    }

    #[test]
    fn older_code_lives_with_additions() {
        for body in [
            "add_column :orders, :loyalty_points, :integer, default: 0, null: false",
            "add_column :orders, :note, :text",
            "create_table :coupons do |t|\n  t.string :code, null: false\nend",
            "add_index :orders, :email, algorithm: :concurrently",
            "change_table :orders do |t|\n  t.string :note\n  t.index :note\nend",
            "# remove_column :orders, :email\nadd_column :orders, :x, :string",
            "reversible do |dir|\n  dir.down { remove_column :orders, :x }\nend",
        ] {
            let v = verdict(body);
            assert_eq!(v.verdict, Verdict::Compatible, "{body}: {v:?}");
        }
    }

    #[test]
    fn raw_sql_is_unknown_and_data_or_edited_migrations_change_no_schema() {
        assert_eq!(verdict("execute \"ALTER TABLE orders DROP COLUMN x\"").verdict, Verdict::Unknown);
        assert_eq!(judge(Kind::Data, FileChange::Added, None).verdict, Verdict::Compatible);
        let edited = judge(Kind::Schema, FileChange::Modified, Some("remove_column :a, :b"));
        assert_eq!(edited.verdict, Verdict::Compatible, "an edit never ran");
        assert_eq!(judge(Kind::Schema, FileChange::Added, None).verdict, Verdict::Unknown);
    }
}
