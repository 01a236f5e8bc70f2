//! What Ruby and Rails names mean to the lint: which constants are models, which methods
//! change data or read a table in batches.

/// Constants that are never Active Record models: Rails itself, Ruby's core and standard
/// library. A migration may use them freely.
const NON_MODEL_ROOTS: &[&str] = &[
    "ActiveRecord",
    "ActiveSupport",
    "ActiveModel",
    "ActiveJob",
    "ActionMailer",
    "Arel",
    "Rails",
    "Migration",
    "Kernel",
    "Object",
    "Class",
    "Module",
    "Time",
    "Date",
    "DateTime",
    "JSON",
    "YAML",
    "Integer",
    "Float",
    "String",
    "Symbol",
    "Array",
    "Hash",
    "Set",
    "Struct",
    "Range",
    "Regexp",
    "Rational",
    "Complex",
    "BigDecimal",
    "Math",
    "Comparable",
    "Enumerable",
    "SecureRandom",
    "File",
    "Dir",
    "IO",
    "Pathname",
    "Logger",
    "Base64",
    "Digest",
    "OpenSSL",
    "Benchmark",
    "Process",
    "Thread",
    "Mutex",
    "Timeout",
    "Signal",
    "Zlib",
    "Marshal",
    "ObjectSpace",
    "Exception",
    "StandardError",
    "RuntimeError",
    "ArgumentError",
    "NotImplementedError",
    "Concurrent",
    "Rake",
];

/// `User`, `Admin::Account`: CamelCase constants outside Rails and the standard library.
/// SCREAMING_CASE constants (`BATCH_SIZE`, `URI`) are values, not models.
pub(super) fn is_model_constant(path: &str) -> bool {
    let mut segments = path.split("::");
    let Some(first) = segments.next() else { return false };
    let camel = |s: &str| s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().any(|c| c.is_ascii_lowercase());
    !NON_MODEL_ROOTS.contains(&first) && camel(first) && path.split("::").all(camel)
}

/// Methods that write rows (or walk a table to write them) when called on a model or record.
pub(super) const DATA_METHODS: &[&str] = &[
    "update_all",
    "update",
    "update!",
    "update_column",
    "update_columns",
    "update_attribute",
    "update_attributes",
    "save",
    "save!",
    "find_each",
    "find_in_batches",
    "in_batches",
    "delete_all",
    "destroy_all",
    "destroy",
    "insert_all",
    "insert_all!",
    "upsert_all",
    "create",
    "create!",
    "increment!",
    "decrement!",
    "toggle!",
    "touch",
];

/// Receiver-less calls that a migration delegates to its connection and that change rows.
pub(super) const CONNECTION_DATA_METHODS: &[&str] =
    &["update", "delete", "insert", "exec_update", "exec_delete", "exec_insert"];

/// Methods that read a relation a slice at a time, or only a bounded part of it.
pub(super) const BATCHED_OR_BOUNDED: &[&str] = &[
    "find_each",
    "find_in_batches",
    "in_batches",
    "each_record",
    "limit",
    "first",
    "last",
    "take",
    "find",
    "find_by",
    "find_by!",
    "sole",
    "find_sole_by",
];

/// Enumerable methods that load every element of their receiver to run a block over it.
pub(super) const ITERATORS: &[&str] = &[
    "each",
    "each_with_index",
    "each_with_object",
    "each_slice",
    "map",
    "collect",
    "flat_map",
    "filter_map",
    "select",
    "filter",
    "reject",
    "find_all",
    "group_by",
    "index_by",
    "partition",
    "inject",
    "reduce",
    "sum",
    "sort_by",
    "min_by",
    "max_by",
    "each_entry",
];

#[cfg(test)]
mod tests {
    use super::is_model_constant;

    #[test]
    fn models_are_camel_case_constants_outside_rails_and_ruby() {
        for (path, expected) in [
            ("User", true),
            ("Admin::Account", true),
            ("ActiveRecord::Base", false),
            ("ActiveRecord::IrreversibleMigration", false),
            ("BATCH_SIZE", false),
            ("URI", false),
            ("Time", false),
            ("User::STATUSES", false),
        ] {
            assert_eq!(is_model_constant(path), expected, "{path}");
        }
    }
}
