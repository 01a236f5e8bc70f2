//! The one Rails setting a check depends on: `config.active_record.partial_inserts` (Rails 6:
//! `partial_writes`). With partial inserts, an INSERT leaves out the columns the code did not
//! set, so a changed column default applies to rows written by the old code too. Rails 7.0's
//! defaults turn them off; older defaults (and an explicit `= true`) leave them on.

use super::syntax::{self, Call};
use tree_sitter::Node;

/// What `config/application.rb` (then `config/environments/production.rb`, which wins) say
/// about partial inserts; `None` when neither says anything readable.
pub fn partial_inserts(application_rb: Option<&str>, production_rb: Option<&str>) -> Option<bool> {
    let mut answer = None;
    for source in [application_rb, production_rb].into_iter().flatten() {
        let Some(tree) = syntax::parse(source) else { continue };
        let mut stack = vec![tree.root_node()];
        let mut explicit = None;
        let mut defaults = None;
        let mut visited = 0;
        while let Some(node) = stack.pop() {
            visited += 1;
            if visited > 100_000 {
                break; // a config file is small; anything this large is not one
            }
            match node.kind() {
                "assignment" => explicit = assigned(node, source).or(explicit),
                "call" => defaults = load_defaults(node, source).or(defaults),
                _ => {}
            }
            let mut cursor = node.walk();
            stack.extend(node.named_children(&mut cursor).filter(|c| !syntax::is_inert(c.kind())));
        }
        answer = explicit.or(defaults.map(|version| version < 7.0)).or(answer);
    }
    answer
}

/// `config.active_record.partial_inserts = false` (or `partial_writes`).
fn assigned(node: Node, source: &str) -> Option<bool> {
    let target = Call::of(node.child_by_field_name("left")?)?;
    if !matches!(target.method(source), "partial_inserts" | "partial_writes") {
        return None;
    }
    match node.child_by_field_name("right")?.kind() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// `config.load_defaults 7.1`.
fn load_defaults(node: Node, source: &str) -> Option<f64> {
    let call = Call::of(node)?;
    if call.method(source) != "load_defaults" {
        return None;
    }
    let version = *call.arguments(source).positional.first()?;
    let text = syntax::text(version, source).trim_matches(|c| c == '"' || c == '\'');
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::partial_inserts;

    #[test]
    fn rails_7_defaults_turn_partial_inserts_off_unless_set() {
        let app = |defaults: &str, extra: &str| {
            format!("module App\n  class Application < Rails::Application\n    config.load_defaults {defaults}\n{extra}  end\nend\n")
        };
        assert_eq!(partial_inserts(Some(&app("7.1", "")), None), Some(false));
        assert_eq!(partial_inserts(Some(&app("6.1", "")), None), Some(true));
        let on = app("7.1", "    config.active_record.partial_inserts = true\n");
        assert_eq!(partial_inserts(Some(&on), None), Some(true));
        let production = "Rails.application.configure do\n  config.active_record.partial_inserts = false\nend\n";
        assert_eq!(partial_inserts(Some(&on), Some(production)), Some(false), "production.rb wins");
        let commented = app("6.1", "    # config.active_record.partial_writes = false\n");
        assert_eq!(partial_inserts(Some(&commented), None), Some(true));
        assert_eq!(partial_inserts(None, None), None);
        assert_eq!(partial_inserts(Some("puts 1\n"), None), None);
    }
}
