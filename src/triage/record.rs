//! The record an error message names, as Rails writes them: `Couldn't find User with 'id'=42`
//! (ActiveRecord::RecordNotFound) and `#<User id: 42, …>` (an inspected record). For a data
//! issue this is the row to look at.

/// `User 42` (model and id), when the message names one.
pub fn named(message: &str) -> Option<String> {
    if let Some(rest) = message.split("Couldn't find ").nth(1) {
        let model = ident(rest)?;
        let after = &rest[model.len()..];
        let value = after.strip_prefix(" with ")?;
        let (column, value) = value.split_once('=')?;
        let column = column.trim().trim_matches('\'').trim_matches('"');
        let value: String = value.trim_matches('\'').chars().take_while(|c| !c.is_whitespace() && *c != ',').collect();
        return (!value.is_empty()).then(|| format!("{model} with {column}={}", value.trim_end_matches(['\'', ')'])));
    }
    let rest = message.split("#<").nth(1)?;
    let model = ident(rest)?;
    let id = rest[model.len()..].strip_prefix(" id: ")?;
    let id: String = id.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    (!id.is_empty()).then(|| format!("{model} with id={id}"))
}

/// A Ruby constant (`User`, `Billing::Invoice`) at the start of `text`.
fn ident(text: &str) -> Option<&str> {
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(text.len());
    let name = text[..end].trim_end_matches(':');
    name.starts_with(|c: char| c.is_ascii_uppercase()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::named;

    #[test]
    fn rails_messages_name_their_record() {
        assert_eq!(named("Couldn't find Order with 'id'=0").as_deref(), Some("Order with id=0"));
        assert_eq!(
            named("Couldn't find Billing::Invoice with 'number'=INV-7").as_deref(),
            Some("Billing::Invoice with number=INV-7")
        );
        assert_eq!(
            named("undefined method 'split' for nil (on #<User id: 4711, email: nil>)").as_deref(),
            Some("User with id=4711")
        );
        assert_eq!(named("undefined method 'split' for nil"), None);
        assert_eq!(named("Couldn't find it"), None);
    }
}
