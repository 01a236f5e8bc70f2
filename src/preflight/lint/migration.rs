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
}

impl<'t> Migration<'t> {
    pub fn read(root: Node<'t>, source: &str) -> Migration<'t> {
        let class = find_migration_class(root, source);
        let class_name = class.and_then(|c| c.child_by_field_name("name")).map(|n| text(n, source).to_string());
        let scope = match class {
            Some(class) => class.child_by_field_name("body"),
            None => Some(root),
        };
        let mut migration = Migration { class_name, scope, disables_ddl_transaction: false, methods: Vec::new() };
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
    let inherits_migration = |class: &Node<'t>| {
        let Some(superclass) = class.child_by_field_name("superclass").and_then(|s| s.named_child(0)) else {
            return false;
        };
        // `ActiveRecord::Migration[7.1]` is an element reference on the constant.
        let parent = superclass.child_by_field_name("object").unwrap_or(superclass);
        constant_path(parent, source).is_some_and(|path| path.split("::").any(|segment| segment == "Migration"))
    };
    classes.iter().copied().find(inherits_migration).or_else(|| classes.first().copied())
}
