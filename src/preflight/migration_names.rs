//! What a migration's path says: Rails' file-name conventions (version, class name) and the
//! globs that say which paths are migrations.

/// `*` and `?` stay within a directory, `**` crosses directories; everything else is literal.
pub fn glob_match(pattern: &[u8], path: &[u8]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((b'*', rest)) if rest.first() == Some(&b'*') => {
            let rest = rest[1..].strip_prefix(b"/").unwrap_or(&rest[1..]);
            (0..=path.len()).any(|i| glob_match(rest, &path[i..]))
        }
        Some((b'*', rest)) => {
            let limit = path.iter().position(|&c| c == b'/').unwrap_or(path.len());
            (0..=limit).any(|i| glob_match(rest, &path[i..]))
        }
        Some((b'?', rest)) => path.first().is_some_and(|&c| c != b'/') && glob_match(rest, &path[1..]),
        Some((c, rest)) => path.first() == Some(c) && glob_match(rest, &path[1..]),
    }
}

/// `db/migrate/20240105120000_add_index.rb` -> `20240105120000`.
pub fn version_of(path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?;
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && name[digits..].starts_with('_')).then(|| name[..digits].to_string())
}

/// Rails' file-name convention: `20240105120000_add_index_to_users.rb` -> `AddIndexToUsers`.
pub fn class_name_from_path(path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?.strip_suffix(".rb")?;
    let name = match version_of(path) {
        Some(v) => &name[v.len() + 1..],
        None => name,
    };
    let camel: String = name
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect();
    (!camel.is_empty()).then_some(camel)
}

/// The directory part of a glob before its first wildcard: `db/migrate/*.rb` -> `db/migrate`.
pub(crate) fn literal_dir(glob: &str) -> String {
    let wild = glob.find(['*', '?', '[']).unwrap_or(glob.len());
    glob[..wild].rsplit_once('/').map(|(d, _)| d.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_stay_in_their_directory_unless_doubled() {
        assert!(glob_match(b"db/migrate/*.rb", b"db/migrate/20240101000000_a.rb"));
        assert!(!glob_match(b"db/migrate/*.rb", b"db/migrate/old/20240101000000_a.rb"));
        assert!(glob_match(b"db/**/*.rb", b"db/migrate/old/1_a.rb"));
        assert!(glob_match(b"db/**/*.rb", b"db/1_a.rb"));
        assert!(!glob_match(b"db/migrate/*.rb", b"db/migrate/README"));
        assert!(glob_match(b"db/data/?_x.rb", b"db/data/1_x.rb"));
    }

    #[test]
    fn version_and_class_name_come_from_the_file_name() {
        let p = "db/migrate/20240105120000_add_index_to_users.rb";
        assert_eq!(version_of(p).as_deref(), Some("20240105120000"));
        assert_eq!(class_name_from_path(p).as_deref(), Some("AddIndexToUsers"));
        assert_eq!(version_of("db/migrate/add_things.rb"), None);
        assert_eq!(class_name_from_path("db/migrate/add_things.rb").as_deref(), Some("AddThings"));
        assert_eq!(literal_dir("db/migrate/*.rb"), "db/migrate");
        assert_eq!(literal_dir("*.rb"), "");
    }
}
