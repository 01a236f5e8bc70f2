//! What triage reads in Ruby source, from tree-sitter-ruby's syntax tree (never the text, so a
//! comment or a string that mentions a flag is inert): the method around a line, and the
//! feature flags and environment variables the code consults.
use crate::preflight::lint::parse_ruby as parse;
use tree_sitter::Node;

/// The lines (1-based, inclusive) of the method (`def`, `def self.`) that holds `line`.
pub fn method_span(source: &str, line: u32) -> Option<(u32, u32)> {
    let tree = parse(source)?;
    let row = line.checked_sub(1)? as usize;
    let text = source.lines().nth(row)?;
    let column = text.len() - text.trim_start().len();
    let point = tree_sitter::Point { row, column };
    let mut node = tree.root_node().descendant_for_point_range(point, point)?;
    loop {
        if matches!(node.kind(), "method" | "singleton_method") {
            return Some((node.start_position().row as u32 + 1, node.end_position().row as u32 + 1));
        }
        node = node.parent()?;
    }
}

/// A switch the code consults: a Flipper feature, or an environment variable (a config var on
/// Heroku).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Switch {
    Flipper { name: String, line: u32 },
    Env { key: String, line: u32 },
}

/// `Flipper.enabled?(:name, …)`, `Flipper.enable(:name)`, `Flipper[:name]`, `Flipper.feature(:name)`;
/// `ENV["KEY"]`, `ENV.fetch("KEY")`, `ENV.key?("KEY")`.
pub fn switches(source: &str) -> Vec<Switch> {
    let Some(tree) = parse(source) else { return Vec::new() };
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if matches!(node.kind(), "comment" | "string" | "heredoc_body") {
            continue;
        }
        if let Some(found) = switch_at(node, source) {
            out.push(found);
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    out.sort();
    out.dedup();
    out
}

fn switch_at(node: Node, source: &str) -> Option<Switch> {
    let text = |n: Node| source.get(n.byte_range()).unwrap_or("");
    let line = node.start_position().row as u32 + 1;
    let (receiver, method, first) = match node.kind() {
        "call" => {
            let method = text(node.child_by_field_name("method")?);
            let args = node.child_by_field_name("arguments")?;
            (node.child_by_field_name("receiver")?, method, args.named_child(0)?)
        }
        "element_reference" => (node.child_by_field_name("object")?, "[]", node.named_child(1)?),
        _ => return None,
    };
    let name = literal(first, source)?;
    match (text(receiver), method) {
        ("Flipper", "enabled?" | "enable" | "disable" | "feature" | "[]") => Some(Switch::Flipper { name, line }),
        ("ENV", "[]" | "fetch" | "key?") => Some(Switch::Env { key: name, line }),
        _ => None,
    }
}

/// A symbol or a plain string argument whose text is a name (`:checkout_button`, `"FEATURE_X"`).
fn literal(node: Node, source: &str) -> Option<String> {
    let raw = source.get(node.byte_range())?;
    let name = match node.kind() {
        "simple_symbol" => raw.strip_prefix(':')?,
        "string" if node.named_child_count() == 1 && node.named_child(0)?.kind() == "string_content" => {
            raw.get(1..raw.len().checked_sub(1)?)?
        }
        _ => return None,
    };
    let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    plain.then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPERIMENT: &str = "# Flipper.enabled?(:in_a_comment)\nclass CheckoutButtonExperiment\n  def self.enabled_for?(user)\n    Flipper.enabled?(:checkout_button_experiment, user) && ENV.fetch(\"CHECKOUT_AB\", \"on\") == \"on\"\n  end\n\n  def label\n    note = \"Flipper[:in_a_string]\"\n    VARIANTS.fetch(variant)\n  end\nend\n";

    #[test]
    fn the_method_around_a_line() {
        assert_eq!(method_span(EXPERIMENT, 9), Some((7, 10)));
        assert_eq!(method_span(EXPERIMENT, 4), Some((3, 5)), "def self.");
        assert_eq!(method_span(EXPERIMENT, 2), None, "the class body is no method");
        assert_eq!(method_span(EXPERIMENT, 99), None);
    }

    #[test]
    fn flags_and_env_keys_the_code_reads_not_the_comments_or_strings() {
        assert_eq!(
            switches(EXPERIMENT),
            vec![
                Switch::Flipper { name: "checkout_button_experiment".into(), line: 4 },
                Switch::Env { key: "CHECKOUT_AB".into(), line: 4 },
            ]
        );
        assert_eq!(
            switches("x = Flipper[:buy_now]\ny = ENV[\"AB_#{1}\"]\n"),
            vec![Switch::Flipper { name: "buy_now".into(), line: 1 }]
        );
    }
}
