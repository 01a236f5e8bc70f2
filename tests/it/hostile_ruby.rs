//! Migrations an attacker (or a generator gone wrong) could merge: nesting past any parser's
//! stack and files far past any hand-written size. Preflight, and the previews that read
//! migrations again, must report them, never abort on them.

/// `execute` of `depth` nested parentheses.
pub fn nested_parens(class: &str, depth: usize) -> String {
    format!(
        "class {class} < ActiveRecord::Migration[7.1]\n  def up\n    execute {}1{}\n  end\nend\n",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

/// `depth` nested `change_table` blocks around one `remove`.
pub fn nested_change_tables(table: &str, column: &str, depth: usize) -> String {
    format!(
        "class NestedTables < ActiveRecord::Migration[7.1]\n  def change\n{}t.remove :{column}\n{}  end\nend\n",
        format!("change_table :{table} do |t|\n").repeat(depth),
        "end\n".repeat(depth)
    )
}

/// A `remove_column` padded with `lines` comment lines (76 bytes each).
pub fn padded(class: &str, table: &str, column: &str, lines: usize) -> String {
    let padding = "    # padding to make the file larger than anything a person writes by hand\n".repeat(lines);
    format!(
        "class {class} < ActiveRecord::Migration[7.1]\n  def up\n    remove_column :{table}, :{column}\n{padding}  end\nend\n"
    )
}
