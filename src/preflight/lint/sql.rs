//! The few SQL statements the checks must understand inside `execute`: adding and validating a
//! check constraint, which is how migrations written before Rails 6.1 prepare a NOT NULL. Any
//! other SQL stays opaque (and `execute` is reported as such).

/// A constraint statement of an `execute`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ConstraintSql {
    /// `ALTER TABLE t ADD CONSTRAINT n CHECK (expr) [NOT VALID]`
    AddCheck { table: String, name: String, expression: String, validated: bool },
    /// `ALTER TABLE t VALIDATE CONSTRAINT n`
    Validate { table: String, name: String },
}

pub(super) fn constraint(sql: &str) -> Option<ConstraintSql> {
    let mut words = Words { rest: sql.trim().trim_end_matches(';') };
    words.keyword("alter")?;
    words.keyword("table")?;
    let table = words.identifier()?;
    if words.keyword("validate").is_some() {
        words.keyword("constraint")?;
        let name = words.identifier()?;
        return words.rest.trim().is_empty().then_some(ConstraintSql::Validate { table, name });
    }
    words.keyword("add")?;
    words.keyword("constraint")?;
    let name = words.identifier()?;
    words.keyword("check")?;
    let expression = words.parenthesized()?;
    let validated = match words.rest.trim() {
        "" => true,
        rest if rest.eq_ignore_ascii_case("not valid") => false,
        _ => return None,
    };
    Some(ConstraintSql::AddCheck { table, name, expression, validated })
}

/// The column a check expression requires to be present: `name IS NOT NULL`, `("name" IS NOT NULL)`.
pub(super) fn not_null_column(expression: &str) -> Option<String> {
    let mut e = expression.trim();
    while let Some(inner) = e.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        e = inner.trim();
    }
    let words: Vec<&str> = e.split_whitespace().collect();
    match words.as_slice() {
        [column, is, not, null]
            if is.eq_ignore_ascii_case("is")
                && not.eq_ignore_ascii_case("not")
                && null.eq_ignore_ascii_case("null") =>
        {
            let column = column.strip_prefix('"').and_then(|c| c.strip_suffix('"')).unwrap_or(column);
            let plain = !column.is_empty() && column.chars().all(|c| c.is_alphanumeric() || c == '_');
            plain.then(|| column.to_string())
        }
        _ => None,
    }
}

struct Words<'s> {
    rest: &'s str,
}

impl Words<'_> {
    fn keyword(&mut self, word: &str) -> Option<()> {
        let rest = self.rest.trim_start();
        let head = rest.get(..word.len())?;
        let after = rest[word.len()..].chars().next();
        if head.eq_ignore_ascii_case(word) && !matches!(after, Some(c) if c.is_alphanumeric() || c == '_') {
            self.rest = &rest[word.len()..];
            return Some(());
        }
        None
    }

    /// `users`, `"users"`, `public.users`: the last part, unquoted.
    fn identifier(&mut self) -> Option<String> {
        let rest = self.rest.trim_start();
        let end = if let Some(quoted) = rest.strip_prefix('"') {
            1 + quoted.find('"')? + 1
        } else {
            rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).unwrap_or(rest.len())
        };
        let word = &rest[..end];
        self.rest = &rest[end..];
        let last = word.rsplit('.').next()?.trim_matches('"');
        (!last.is_empty()).then(|| last.to_string())
    }

    /// The text inside balanced parentheses.
    fn parenthesized(&mut self) -> Option<String> {
        let rest = self.rest.trim_start().strip_prefix('(')?;
        let mut depth = 1;
        for (i, c) in rest.char_indices() {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            if depth == 0 {
                self.rest = &rest[i + 1..];
                return Some(rest[..i].to_string());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_check_constraints_added_and_validated_in_sql() {
        let add = constraint(r#"ALTER TABLE "users" ADD CONSTRAINT "test" CHECK ("name" IS NOT NULL) NOT VALID"#);
        assert_eq!(
            add,
            Some(ConstraintSql::AddCheck {
                table: "users".into(),
                name: "test".into(),
                expression: "\"name\" IS NOT NULL".into(),
                validated: false
            })
        );
        let validate = constraint("alter table public.users validate constraint users_name_null;");
        assert_eq!(validate, Some(ConstraintSql::Validate { table: "users".into(), name: "users_name_null".into() }));
        assert_eq!(constraint("ALTER TABLE users ADD COLUMN x int"), None);
        assert_eq!(constraint("ALTER TABLE users ADD CONSTRAINT c CHECK (x > 0) DEFERRABLE"), None);
        assert_eq!(not_null_column("(\"interval\" IS NOT NULL)").as_deref(), Some("interval"));
        assert_eq!(not_null_column("name is not null").as_deref(), Some("name"));
        assert_eq!(not_null_column("name IS NOT NULL AND x > 0"), None);
    }
}
