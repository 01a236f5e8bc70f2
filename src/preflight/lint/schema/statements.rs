//! Checks on statements rather than columns or indexes: raw SQL, enum and schema renames, and
//! data changes (backfills) inside a schema migration.

use crate::preflight::lint::advice::Hazard;
use crate::preflight::lint::rails::{is_model_constant, CONNECTION_DATA_METHODS, DATA_METHODS};
use crate::preflight::lint::syntax::{chain, constant_path, text};
use crate::preflight::lint::walk::Operation;

pub(super) fn check(op: &Operation, source: &str, out: &mut Vec<Hazard>) {
    let receiverless = op.call.receiver().is_none();
    match op.name.as_str() {
        "execute" if receiverless || is_connection(op, source) => out.push(Hazard::Execute),
        "rename_enum_value" if receiverless => out.push(Hazard::RenameEnumValue),
        "rename_schema" if receiverless => out.push(Hazard::RenameSchema),
        _ => {}
    }
}

/// `connection.execute`, `ActiveRecord::Base.connection.execute`.
fn is_connection(op: &Operation, source: &str) -> bool {
    op.call.receiver().is_some_and(|receiver| {
        let name = match receiver.kind() {
            "identifier" => text(receiver, source),
            "call" => receiver.child_by_field_name("method").map_or("", |m| text(m, source)),
            _ => "",
        };
        name == "connection"
    })
}

/// A call that changes rows: a data method (`update_all`, `save`, `find_each`…), any call on a
/// model class, or SQL data statements the migration sends to its connection.
pub(super) fn is_backfill(op: &Operation, source: &str) -> bool {
    if op.in_table_block || op.name == "reset_column_information" {
        // Refreshing the column cache is harmless on its own; the backfill that follows is reported.
        return false;
    }
    if op.call.receiver().is_none() {
        return CONNECTION_DATA_METHODS.contains(&op.name.as_str());
    }
    if DATA_METHODS.contains(&op.name.as_str()) {
        return true;
    }
    let (root, _) = chain(op.call, source);
    constant_path(root, source).is_some_and(|path| is_model_constant(&path))
}
