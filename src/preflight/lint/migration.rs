//! The shape of a migration file: its class, its class-level declarations and its methods.

use super::syntax::{constant_path, text, Call};
use tree_sitter::Node;

/// Which way a piece of code runs. Checks only apply to code that runs on deploy (`Up`):
/// strong_migrations skips `down` as well, and a rollback is a different decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Up,
    Down,
}

/// A method defined in the migration class (`def change`, `def up`, `def self.down`, helpers).
pub(super) struct MigrationMethod<'t> {
    pub name: String,
    pub node: Node<'t>,
    pub body: Option<Node<'t>>,
}

impl MigrationMethod<'_> {
    pub fn direction(&self) -> Direction {
        if self.name == "down" {
            Direction::Down
        } else {
            Direction::Up
        }
    }

    /// True when the method has no statements at all (`def down; end`).
    pub fn is_empty(&self) -> bool {
        self.body.map_or(true, |body| {
            let mut cursor = body.walk();
            let only_comments = body.named_children(&mut cursor).all(|n| n.kind() == "comment");
            only_comments
        })
    }
}

/// The migration class found in a file, or the file's top level when there is none.
pub(super) struct Migration<'t> {
    pub class_name: Option<String>,
    /// Where the methods and class-level calls live: the class body, or the whole program.
    pub scope: Option<Node<'t>>,
    pub disables_ddl_transaction: bool,
    pub methods: Vec<MigrationMethod<'t>>,
    /// `ActiveRecord::Schema` (a schema definition loaded into an empty database, as
    /// db/schema.rb is), not a migration: nothing in it runs against live tables.
    pub schema_definition: bool,
}

impl<'t> Migration<'t> {
    pub fn read(root: Node<'t>, source: &str) -> Migration<'t> {
        let class = find_migration_class(root, source);
        let class_name = class.and_then(|c| c.child_by_field_name("name")).map(|n| text(n, source).to_string());
        let scope = match class {
            Some(class) => class.child_by_field_name("body"),
            None => Some(root),
        };
        let schema_definition = match class {
            Some(class) => superclass_path(class, source).is_some_and(|p| p.rsplit("::").next() == Some("Schema")),
            None => defines_schema(root, source),
        };
        let mut migration =
            Migration { class_name, scope, disables_ddl_transaction: false, methods: Vec::new(), schema_definition };
        let Some(body) = scope else { return migration };
        let mut cursor = body.walk();
        for item in body.named_children(&mut cursor) {
            match item.kind() {
                "method" | "singleton_method" => {
                    let name = item.child_by_field_name("name").map_or("", |n| text(n, source)).to_string();
                    migration.methods.push(MigrationMethod {
                        name,
                        node: item,
                        body: item.child_by_field_name("body"),
                    });
                }
                // `disable_ddl_transaction!`, possibly behind a modifier (`… if concurrent_supported?`):
                // the author means the statements to run outside a transaction.
                "call" | "identifier" | "if_modifier" | "unless_modifier" => {
                    let statement = item.child_by_field_name("body").unwrap_or(item);
                    let name = Call::of(statement).map_or_else(|| text(statement, source), |c| c.method(source));
                    if name == "disable_ddl_transaction!" {
                        migration.disables_ddl_transaction = true;
                    }
                }
                _ => {}
            }
        }
        migration
    }

    pub fn method(&self, name: &str) -> Option<&MigrationMethod<'t>> {
        self.methods.iter().find(|m| m.name == name)
    }

    pub fn found_class(&self) -> bool {
        self.class_name.is_some()
    }
}

/// The first class whose superclass mentions `Migration` (`ActiveRecord::Migration[7.1]`,
/// `ActiveRecord::Migration`); failing that, the first class in the file.
fn find_migration_class<'t>(root: Node<'t>, source: &str) -> Option<Node<'t>> {
    let mut classes = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "class" {
            classes.push(node);
        }
        if matches!(node.kind(), "program" | "module" | "body_statement" | "class") {
            let mut cursor = node.walk();
            let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
            stack.extend(children.into_iter().rev());
        }
    }
    classes.sort_by_key(|c| c.start_byte());
    let inherits = |class: &Node<'t>, name: &str| {
        superclass_path(*class, source).is_some_and(|path| path.split("::").any(|segment| segment == name))
    };
    let found = classes.iter().copied().find(|c| inherits(c, "Migration"));
    found.or_else(|| classes.iter().copied().find(|c| inherits(c, "Schema"))).or_else(|| classes.first().copied())
}

/// `ActiveRecord::Migration` for `class X < ActiveRecord::Migration[7.1]`.
fn superclass_path(class: Node, source: &str) -> Option<String> {
    let superclass = class.child_by_field_name("superclass")?.named_child(0)?;
    // `ActiveRecord::Migration[7.1]` is an element reference on the constant.
    let parent = superclass.child_by_field_name("object").unwrap_or(superclass);
    constant_path(parent, source)
}

/// A top-level `ActiveRecord::Schema[7.1].define do … end`, as in db/schema.rb.
fn defines_schema(root: Node, source: &str) -> bool {
    let mut cursor = root.walk();
    let statements: Vec<Node> = root.named_children(&mut cursor).collect();
    statements.into_iter().filter_map(Call::of).any(|call| {
        let receiver = call.receiver().map(|r| r.child_by_field_name("object").unwrap_or(r));
        call.method(source) == "define"
            && receiver.and_then(|r| constant_path(r, source)).is_some_and(|p| p.rsplit("::").next() == Some("Schema"))
    })
}
