//! Limits that keep the lint bounded on hostile input: a file too large to parse quickly, or a
//! tree too deep for the checks' walks. Either gives an `unchecked` finding that says why, so
//! the migration is never silently passed and preflight never crashes.

use super::Risk;
use tree_sitter::Node;

/// Deeper than any migration a person writes (a real one stays under 60 levels of syntax
/// nodes), shallow enough that every walk of the checks fits a 2 MiB thread stack.
pub(super) const MAX_DEPTH: usize = 400;

/// The finding for a migration larger than `max_size`.
pub(super) fn too_large(size: usize, max_size: usize) -> Risk {
    unchecked(format!(
        "This migration is {} bytes, larger than the {max_size} bytes the lint parses ([migrations] max_size \
         in bpdeploy.toml): it was not checked.",
        size
    ))
}

/// The finding for a syntax tree deeper than [`MAX_DEPTH`].
pub(super) fn too_deep() -> Risk {
    unchecked(format!(
        "This migration is too deeply nested to check (more than {MAX_DEPTH} levels of Ruby syntax): it was \
         not checked."
    ))
}

pub(super) fn unchecked(message: String) -> Risk {
    Risk {
        check: "unchecked".to_string(),
        line: 1,
        statement: String::new(),
        message,
        recipe: "Review this migration by hand, then split or simplify it so that it can be checked.".to_string(),
    }
}

/// True when some node lies deeper than [`MAX_DEPTH`]. One cursor, no recursion, and it stops
/// at the first node too deep. Every recursive walk of a migration's tree (the lint's, and
/// recovery's reading of what a migration did) asks this first.
pub fn too_deeply_nested(root: Node) -> bool {
    let mut cursor = root.walk();
    let mut depth = 0usize;
    loop {
        if cursor.goto_first_child() {
            depth += 1;
            if depth > MAX_DEPTH {
                return true;
            }
            continue;
        }
        while !cursor.goto_next_sibling() {
            if depth == 0 || !cursor.goto_parent() {
                return false;
            }
            depth -= 1;
        }
    }
}
