//! Which column type changes PostgreSQL makes without rewriting the table, after
//! strong_migrations' `change_type_safe?` for PostgreSQL: raising or removing a varchar limit,
//! varchar/text/citext swaps without an index in the way, widening numeric precision, raising
//! the precision of timestamps, times and intervals, and cidr to inet. Everything else rewrites.

use crate::preflight::lint::dump::ColumnFacts;

/// The verdict on `change_column` from `existing` to `target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TypeChange {
    /// Only the catalog changes.
    InPlace,
    /// timestamp <-> timestamptz: in place only when the session time zone is UTC (PostgreSQL
    /// 12+), which a static check cannot see.
    InPlaceIfUtc,
    Rewrite,
}

/// The PostgreSQL type a Rails type name stands for (Rails' default `datetime_type`).
fn sql_type(rails_type: &str) -> &str {
    match rails_type {
        "string" => "varchar",
        "datetime" | "timestamp" => "timestamp",
        "decimal" | "numeric" => "numeric",
        other => other,
    }
}

/// Whether changing `existing` to `target` (a Rails type with its options) rewrites the table.
/// `indexed`: some index covers the column (citext compares differently from text).
pub(super) fn change(existing: &ColumnFacts, target: &ColumnFacts, indexed: bool) -> TypeChange {
    let from = sql_type(&existing.rails_type);
    let in_place = |safe: bool| if safe { TypeChange::InPlace } else { TypeChange::Rewrite };
    match sql_type(&target.rails_type) {
        "varchar" => in_place(match from {
            "varchar" => {
                target.limit.is_none() || existing.limit.zip(target.limit).is_some_and(|(old, new)| new >= old)
            }
            "text" => target.limit.is_none(),
            "citext" => target.limit.is_none() && !indexed,
            _ => false,
        }),
        "text" => in_place(matches!(from, "varchar" | "text") || (from == "citext" && !indexed)),
        "citext" => in_place(matches!(from, "varchar" | "text") && !indexed),
        "numeric" => in_place(
            from == "numeric"
                && ((target.precision.is_none() && target.scale.is_none())
                    || (target.precision.zip(existing.precision).is_some_and(|(new, old)| new >= old)
                        && target.scale == existing.scale)),
        ),
        to @ ("timestamp" | "timestamptz") => {
            // Rails sizes datetime by precision, timestamp and timestamptz by limit; 6 by default.
            let size = if target.rails_type == "datetime" { target.precision } else { target.limit };
            let wider = size.unwrap_or(6) >= existing.limit.or(existing.precision).unwrap_or(6);
            match (matches!(from, "timestamp" | "timestamptz") && wider, to == from) {
                (false, _) => TypeChange::Rewrite,
                (true, true) => TypeChange::InPlace,
                (true, false) => TypeChange::InPlaceIfUtc,
            }
        }
        to @ ("time" | "interval") => {
            let size = |c: &ColumnFacts| c.precision.or(c.limit).unwrap_or(6);
            in_place(from == to && size(target) >= size(existing))
        }
        "inet" => in_place(from == "cidr"),
        _ => TypeChange::Rewrite,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(rails_type: &str, limit: Option<u32>, precision: Option<u32>, scale: Option<u32>) -> ColumnFacts {
        ColumnFacts { rails_type: rails_type.into(), limit, precision, scale, null: true }
    }

    #[test]
    fn follows_postgres_rewrite_rules() {
        use TypeChange::*;
        let varchar20 = column("string", Some(20), None, None);
        let numeric = column("decimal", None, Some(10), Some(5));
        let cases = [
            (&varchar20, column("string", Some(21), None, None), false, InPlace),
            (&varchar20, column("string", Some(19), None, None), false, Rewrite),
            (&varchar20, column("string", None, None, None), false, InPlace),
            (&varchar20, column("text", None, None, None), false, InPlace),
            (&column("string", None, None, None), column("string", Some(20), None, None), false, Rewrite),
            (&column("citext", None, None, None), column("text", None, None, None), true, Rewrite),
            (&numeric, column("decimal", None, Some(11), Some(5)), false, InPlace),
            (&numeric, column("decimal", None, Some(10), Some(6)), false, Rewrite),
            (&numeric, column("decimal", None, None, None), false, InPlace),
            (&column("datetime", None, Some(0), None), column("datetime", None, Some(3), None), false, InPlace),
            (&column("datetime", None, None, None), column("datetime", None, Some(3), None), false, Rewrite),
            (&column("datetime", None, None, None), column("timestamptz", None, None, None), false, InPlaceIfUtc),
            (&column("time", None, Some(0), None), column("time", None, None, None), false, InPlace),
            (&column("interval", None, None, None), column("interval", None, Some(3), None), false, Rewrite),
            (&column("cidr", None, None, None), column("inet", None, None, None), false, InPlace),
            (&column("inet", None, None, None), column("cidr", None, None, None), false, Rewrite),
            (&column("integer", None, None, None), column("bigint", None, None, None), false, Rewrite),
        ];
        for (existing, target, indexed, expected) in cases {
            assert_eq!(change(existing, &target, indexed), expected, "{existing:?} -> {target:?}");
        }
    }
}
