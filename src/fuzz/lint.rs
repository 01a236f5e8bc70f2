//! The migration linter on arbitrary bytes and on grammar-shaped Ruby (migrations built from the
//! statements, blocks and literals real ones hold): a report, never a panic, and every finding on
//! a line of the file.
use super::{fuzz, text_from};
use crate::preflight::lint::{lint_data_migration, lint_schema_migration, MigrationLint};
use arbtest::arbitrary::{Result, Unstructured};

/// How deep generated blocks may nest: 5,000, the depth that once overflowed the linter's stack.
/// The linter now reports anything past its depth cap as `unchecked` instead of walking it.
const MAX_NESTING: u32 = 5_000;

fn check(source: &str, report: &MigrationLint) {
    let lines = source.lines().count().max(1);
    for risk in &report.risks {
        assert!(risk.line >= 1 && risk.line <= lines + 1, "finding on line {} of {lines}:\n{source}", risk.line);
    }
}

#[test]
fn arbitrary_bytes() {
    fuzz(|u| {
        let source = String::from_utf8_lossy(u.arbitrary::<&[u8]>()?).into_owned();
        check(&source, &lint_schema_migration(&source));
        check(&source, &lint_data_migration(&source));
        Ok(())
    });
}

#[test]
fn grammar_shaped_ruby() {
    fuzz(|u| {
        let mut body = String::new();
        block(u, &mut body, 2, 0)?;
        let class = u.choose(&["AddEmailToUsers", "Backfill", "X"])?;
        let version = u.choose(&["[7.1]", "[5.0]", "", "[", "[7.1"])?;
        let header = if u.ratio(1, 4)? { "  disable_ddl_transaction!\n" } else { "" };
        let method = u.choose(&["change", "up", "down", "self.up"])?;
        let source =
            format!("class {class} < ActiveRecord::Migration{version}\n{header}  def {method}\n{body}  end\nend\n");
        check(&source, &lint_schema_migration(&source));
        check(&source, &lint_data_migration(&source));
        Ok(())
    });
}

const STATEMENTS: &[&str] = &[
    "remove_column :users, :email",
    "add_column :users, :email, :string, default: -> { \"now()\" }",
    "add_column :users, :n, :integer, null: false, default: 0",
    "change_column :orders, :status, :integer",
    "rename_column :users, :a, :b",
    "rename_table :a, :b",
    "add_index :users, :email",
    "add_index :users, [:a, :b], algorithm: :concurrently",
    "remove_index :users, :email",
    "add_foreign_key :orders, :users",
    "add_foreign_key :orders, :users, validate: false",
    "validate_foreign_key :orders, :users",
    "add_reference :orders, :user, index: true",
    "change_column_null :users, :email, false",
    "add_check_constraint :users, \"n > 0\", name: \"n_positive\"",
    "create_table :things, force: true",
    "execute \"UPDATE users SET n = 0\"",
    "execute <<~SQL\n      ALTER TABLE users ADD COLUMN x int\n    SQL",
    "User.update_all(n: 0)",
    "User.find_each { |u| u.touch }",
    "Net::HTTP.get(URI(\"https://example.com\"))",
    "raise ActiveRecord::IrreversibleMigration",
    "# remove_column :users, :commented",
    "puts \"remove_column :users, :in_a_string\"",
    "x = %w[a b c]",
    "t.string :name",
    "t.remove :name",
    "@@x ||= {a: 1, \"b\" => [1, 2.5, nil, true]}",
    "end",
    "(",
    "\"unterminated",
    "\u{1b}]0;pwned\u{7}",
];

/// Statements and nested blocks, `depth` deep at most (see [`MAX_NESTING`]).
fn block(u: &mut Unstructured<'_>, out: &mut String, indent: usize, depth: u32) -> Result<()> {
    let pad = "  ".repeat(indent);
    for _ in 0..u.int_in_range(0..=6)? {
        if depth < MAX_NESTING && u.ratio(1, 4)? {
            let opener = u.choose(&[
                "change_table :users do |t|",
                "safety_assured do",
                "reversible do |dir|",
                "dir.up do",
                "if ENV[\"X\"]",
                "User.transaction do",
                "[1, 2].each do |i|",
                "begin",
                "def down",
            ])?;
            out.push_str(&format!("{pad}{opener}\n"));
            block(u, out, indent + 1, depth + 1)?;
            out.push_str(&format!("{pad}end\n"));
        } else if u.ratio(1, 10)? {
            out.push_str(&text_from(u, STATEMENTS, 3)?);
            out.push('\n');
        } else {
            out.push_str(&format!("{pad}{}\n", u.choose(STATEMENTS)?));
        }
    }
    Ok(())
}
