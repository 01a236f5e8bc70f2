//! The Ruby syntax tree and small views over tree-sitter-ruby nodes.
//!
//! Every check reads calls (`call` nodes) out of the tree, never the source text, so that a
//! comment, a string or a heredoc that merely mentions `remove_column` cannot trigger anything.
//! Node kinds come from tree-sitter-ruby 0.23's `node-types.json`.

use std::cell::RefCell;
use tree_sitter::{Node, Parser, Tree};

thread_local! {
    // One parser per thread: creating a parser and loading the grammar costs more than parsing a
    // typical migration, and preflight lints hundreds of files.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses Ruby source. `None` only if the grammar cannot be loaded (an ABI mismatch).
pub(crate) fn parse(source: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser.set_language(&tree_sitter_ruby::LANGUAGE.into()).ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(source, None)
    })
}

/// Node kinds whose subtree is literal text or a comment: walkers never descend into them, so
/// code-looking words inside SQL heredocs, strings or comments stay inert.
pub(super) fn is_inert(kind: &str) -> bool {
    matches!(
        kind,
        "comment"
            | "string"
            | "heredoc_body"
            | "heredoc_beginning"
            | "delimited_symbol"
            | "subshell"
            | "regex"
            | "string_array"
            | "symbol_array"
            | "character"
            | "uninterpreted"
    )
}

/// The source text of a node ("" if the range is not valid UTF-8 boundaries, which tree-sitter
/// never produces for `&str` input).
pub(super) fn text<'s>(node: Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// 1-based line of the node's first byte.
pub(super) fn line(node: Node) -> usize {
    node.start_position().row + 1
}

/// The first line of a node's text, trimmed and shortened, for a finding's `statement`.
pub(super) fn statement(node: Node, source: &str) -> String {
    const MAX_CHARS: usize = 120;
    let first = text(node, source).lines().next().unwrap_or("").trim();
    if first.chars().count() <= MAX_CHARS {
        return first.to_string();
    }
    let mut short: String = first.chars().take(MAX_CHARS - 1).collect();
    short.push('…');
    short
}

/// The name carried by a literal: `:users`, `"users"`, `users:` (a hash key), `%i[a]` items.
/// `None` for anything computed (an interpolated string, a variable, a call).
pub(super) fn literal_name(node: Node, source: &str) -> Option<String> {
    match node.kind() {
        "simple_symbol" => Some(text(node, source).trim_start_matches(':').to_string()),
        "hash_key_symbol" | "bare_symbol" | "bare_string" => Some(text(node, source).to_string()),
        "string" | "delimited_symbol" => {
            let mut cursor = node.walk();
            let mut out = String::new();
            for part in node.named_children(&mut cursor) {
                match part.kind() {
                    "string_content" => out.push_str(text(part, source)),
                    _ => return None, // interpolation or escape: not a plain literal
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// `Foo::Bar` for a constant or a scope resolution; `None` for anything else.
pub(super) fn constant_path(node: Node, source: &str) -> Option<String> {
    match node.kind() {
        "constant" => Some(text(node, source).to_string()),
        "scope_resolution" => {
            let name = text(node.child_by_field_name("name")?, source);
            match node.child_by_field_name("scope") {
                Some(scope) => Some(format!("{}::{name}", constant_path(scope, source)?)),
                None => Some(name.to_string()), // `::Foo`
            }
        }
        _ => None,
    }
}

/// A `call` node seen as a method call: receiver, method name, arguments, block.
#[derive(Clone, Copy)]
pub(super) struct Call<'t> {
    pub node: Node<'t>,
}

/// A call's arguments split the way Rails reads them: positional values, then keyword options
/// (a trailing `key: value` list or an explicit trailing `{ … }` hash).
pub(super) struct Arguments<'t> {
    pub positional: Vec<Node<'t>>,
    pub options: Vec<(String, Node<'t>)>,
    /// `&:name` passed as the block.
    pub block_argument: bool,
}

impl<'t> Call<'t> {
    pub fn of(node: Node<'t>) -> Option<Self> {
        (node.kind() == "call").then_some(Call { node })
    }

    pub fn method<'s>(&self, source: &'s str) -> &'s str {
        self.node.child_by_field_name("method").map_or("", |m| text(m, source))
    }

    pub fn receiver(&self) -> Option<Node<'t>> {
        self.node.child_by_field_name("receiver")
    }

    pub fn block(&self) -> Option<Node<'t>> {
        self.node.child_by_field_name("block")
    }

    /// The first block parameter's name (`t` in `do |t|`).
    pub fn block_parameter<'s>(&self, source: &'s str) -> Option<&'s str> {
        let params = self.block()?.child_by_field_name("parameters")?;
        let mut cursor = params.walk();
        let first = params.named_children(&mut cursor).find(|p| p.kind() == "identifier")?;
        Some(text(first, source))
    }

    pub fn arguments(&self, source: &str) -> Arguments<'t> {
        let mut args = Arguments { positional: Vec::new(), options: Vec::new(), block_argument: false };
        let Some(list) = self.node.child_by_field_name("arguments") else { return args };
        let mut cursor = list.walk();
        let children: Vec<Node<'t>> =
            list.named_children(&mut cursor).filter(|n| !matches!(n.kind(), "comment" | "heredoc_body")).collect();
        let count = children.len();
        for (index, child) in children.into_iter().enumerate() {
            match child.kind() {
                "pair" => push_pair(child, source, &mut args.options),
                "hash" if index + 1 == count => args.options.extend(hash_pairs(child, source)),
                "block_argument" => args.block_argument = true,
                _ => args.positional.push(child),
            }
        }
        args
    }
}

impl<'t> Arguments<'t> {
    pub fn option(&self, key: &str) -> Option<Node<'t>> {
        self.options.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
    }
}

/// The `key => value` pairs of a hash literal, keys normalized to their names.
pub(super) fn hash_pairs<'t>(hash: Node<'t>, source: &str) -> Vec<(String, Node<'t>)> {
    let mut pairs = Vec::new();
    if hash.kind() == "hash" {
        let mut cursor = hash.walk();
        for pair in hash.named_children(&mut cursor).filter(|n| n.kind() == "pair") {
            push_pair(pair, source, &mut pairs);
        }
    }
    pairs
}

fn push_pair<'t>(pair: Node<'t>, source: &str, into: &mut Vec<(String, Node<'t>)>) {
    let key = pair.child_by_field_name("key").and_then(|k| literal_name(k, source));
    if let (Some(key), Some(value)) = (key, pair.child_by_field_name("value")) {
        into.push((key, value));
    }
}

/// The value of an integer literal (`20`, `1_000`), `None` for anything else.
pub(super) fn integer(node: Node, source: &str) -> Option<u32> {
    (node.kind() == "integer").then(|| text(node, source).replace('_', "").parse().ok()).flatten()
}

/// True for the literal `false` or `nil`: Rails treats both as "off".
pub(super) fn is_off(node: Node) -> bool {
    matches!(node.kind(), "false" | "nil")
}

/// Walks a method chain down to its start: `User.where(x).update_all(y)` gives the `User`
/// constant node and the methods `["update_all", "where"]` (outermost first).
pub(super) fn chain<'t, 's>(call: Call<'t>, source: &'s str) -> (Node<'t>, Vec<&'s str>) {
    let mut methods = vec![call.method(source)];
    let mut node = call.node;
    while let Some(receiver) = Call::of(node).and_then(|c| c.receiver()) {
        if let Some(inner) = Call::of(receiver) {
            methods.push(inner.method(source));
        }
        node = receiver;
    }
    (node, methods)
}
