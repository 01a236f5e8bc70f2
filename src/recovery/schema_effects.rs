//! What a schema migration does to the database when it runs (`change`, `up`), read from its
//! syntax tree: which tables and columns it creates, drops, renames or retypes. The lint asks
//! "is this statement dangerous to run?"; recovery asks "once it has run, can older code live
//! with the result?", which needs the effect, not the hazard: a `remove_column` inside
//! `safety_assured` is no lint finding, yet older code still breaks on it.
//!
//! Parsed with tree-sitter-ruby like the lint, never with regular expressions: a comment or a
//! heredoc that mentions `remove_column` has no effect.
use super::statements::{schema_call, table_call, Args, UNKNOWN};
pub use super::statements::{Change, Effect};
use crate::preflight::lint;
use tree_sitter::Node;

/// The effects of a schema migration's `change`/`up` code, in source order. `None` when the Ruby
/// grammar cannot be loaded.
pub fn effects(source: &str) -> Option<Vec<Effect>> {
    effects_of(source, &["change", "up"])
}

/// The effects of the named methods' code (`["down"]`: what a rollback of it does). `None` as
/// well for a file too large or too deeply nested to read safely (the lint's limits: the walk
/// below recurses, and a hostile file would exhaust the stack).
pub fn effects_of(source: &str, methods: &[&str]) -> Option<Vec<Effect>> {
    if source.len() > lint::DEFAULT_MAX_SIZE {
        return None;
    }
    let tree = lint::parse_ruby(source)?;
    if lint::too_deeply_nested(tree.root_node()) {
        return None;
    }
    let mut out = Vec::new();
    for body in bodies(tree.root_node(), source, methods) {
        visit(body, source, None, &mut out);
    }
    Some(out)
}

/// The names of the migration class's methods (`change`, `up`, `down`, helpers).
pub fn method_names(source: &str) -> Vec<String> {
    let Some(tree) = lint::parse_ruby(source) else { return Vec::new() };
    let Some(scope) = migration_class(tree.root_node(), source).and_then(|c| c.child_by_field_name("body")) else {
        return Vec::new();
    };
    let mut cursor = scope.walk();
    let names = scope
        .named_children(&mut cursor)
        .filter(|m| matches!(m.kind(), "method" | "singleton_method"))
        .filter_map(|m| m.child_by_field_name("name").map(|n| text(n, source).to_string()))
        .collect();
    names
}

fn migration_class<'t>(root: Node<'t>, source: &str) -> Option<Node<'t>> {
    classes(root).into_iter().find(|c| superclass_text(*c, source).contains("Migration"))
}

/// The `X.Y` of `ActiveRecord::Migration[X.Y]`, if the file declares one.
pub fn rails_version(source: &str) -> Option<String> {
    let tree = lint::parse_ruby(source)?;
    let text = superclass_text(migration_class(tree.root_node(), source)?, source);
    let inner = text.split_once('[')?.1.split_once(']')?.0.trim();
    (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || c == '.')).then(|| inner.to_string())
}

fn text<'s>(node: Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

fn classes(root: Node) -> Vec<Node> {
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "class" {
            found.push(node);
        }
        let mut cursor = node.walk();
        stack.extend(
            node.named_children(&mut cursor).filter(|c| matches!(c.kind(), "class" | "module" | "body_statement")),
        );
    }
    found.sort_by_key(|c| c.start_byte());
    found
}

fn superclass_text<'s>(class: Node, source: &'s str) -> &'s str {
    class.child_by_field_name("superclass").map_or("", |s| text(s, source))
}

/// The bodies of the migration class's methods of these names (also `def self.up`).
fn bodies<'t>(root: Node<'t>, source: &str, names: &[&str]) -> Vec<Node<'t>> {
    let Some(scope) = migration_class(root, source).and_then(|c| c.child_by_field_name("body")) else {
        return Vec::new();
    };
    let mut cursor = scope.walk();
    scope
        .named_children(&mut cursor)
        .filter(|m| matches!(m.kind(), "method" | "singleton_method"))
        .filter(|m| m.child_by_field_name("name").is_some_and(|n| names.contains(&text(n, source))))
        .filter_map(|m| m.child_by_field_name("body"))
        .collect()
}

/// The table block being walked: `t` of `change_table :orders do |t|`.
#[derive(Clone, Copy)]
struct TableBlock<'s> {
    parameter: &'s str,
    table: &'s str,
    creating: bool,
}

fn visit<'s>(node: Node, source: &'s str, block: Option<TableBlock<'s>>, out: &mut Vec<Effect>) {
    if matches!(node.kind(), "comment" | "string" | "heredoc_body" | "heredoc_beginning" | "regex") {
        return;
    }
    let mut inner = block;
    if node.kind() == "call" {
        let method = node.child_by_field_name("method").map_or("", |m| text(m, source));
        let receiver = node.child_by_field_name("receiver").map(|r| text(r, source));
        match (receiver, block) {
            // `dir.down { … }` runs only on rollback.
            (Some(_), _) if method == "down" => return,
            // Columns of a table being created are part of a new table.
            (Some(r), Some(b)) if r == b.parameter && !b.creating => {
                if let Some(change) = table_call(method, b.table, &args(node, source)) {
                    out.push(Effect { line: node.start_position().row + 1, change });
                }
            }
            (None, _) => {
                let a = args(node, source);
                if let Some(change) = schema_call(method, &a) {
                    out.push(Effect { line: node.start_position().row + 1, change });
                }
                if matches!(method, "create_table" | "change_table") {
                    let parameter = block_parameter(node, source);
                    let table = a.name(0);
                    inner =
                        parameter.map(|parameter| TableBlock { parameter, table, creating: method == "create_table" });
                }
            }
            _ => {}
        }
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        // The block of a call gets the call's table block; everything else the enclosing one.
        let in_block = matches!(child.kind(), "do_block" | "block");
        visit(child, source, if in_block { inner } else { block }, out);
    }
}

fn block_parameter<'s>(call: Node, source: &'s str) -> Option<&'s str> {
    let params = call.child_by_field_name("block")?.child_by_field_name("parameters")?;
    let mut cursor = params.walk();
    let first = params.named_children(&mut cursor).find(|p| p.kind() == "identifier")?;
    Some(text(first, source))
}

fn args<'s>(call: Node<'s>, source: &'s str) -> Args<'s> {
    let mut out = Args { names: Vec::new(), options: Vec::new() };
    let Some(list) = call.child_by_field_name("arguments") else { return out };
    let mut cursor = list.walk();
    for arg in list.named_children(&mut cursor) {
        match arg.kind() {
            "pair" => push_pair(arg, source, &mut out.options),
            "hash" => {
                let mut c = arg.walk();
                for pair in arg.named_children(&mut c).filter(|p| p.kind() == "pair") {
                    push_pair(pair, source, &mut out.options);
                }
            }
            _ => out.names.push(literal(arg, source).unwrap_or(UNKNOWN)),
        }
    }
    out
}

fn push_pair<'s>(pair: Node<'s>, source: &'s str, into: &mut Vec<(&'s str, Node<'s>)>) {
    let key = pair.child_by_field_name("key").map(|k| text(k, source).trim_start_matches(':').trim_end_matches(':'));
    if let (Some(key), Some(value)) = (key, pair.child_by_field_name("value")) {
        into.push((key, value));
    }
}

/// `:orders`, `"orders"` (without interpolation), `true`/`false`/`nil`; anything computed is `None`.
fn literal<'s>(node: Node, source: &'s str) -> Option<&'s str> {
    match node.kind() {
        "simple_symbol" => Some(text(node, source).trim_start_matches(':')),
        "true" | "false" | "nil" => Some(text(node, source)),
        "string" => {
            let mut cursor = node.walk();
            let parts: Vec<Node> = node.named_children(&mut cursor).collect();
            match parts.as_slice() {
                [] => Some(""),
                [p] if p.kind() == "string_content" => Some(text(*p, source)),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "schema_effects_tests.rs"]
mod tests;
