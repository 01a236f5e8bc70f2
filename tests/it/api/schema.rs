//! A small JSON-schema validator: enough of draft-04 (Heroku's hyper-schema) and OpenAPI 3.0
//! (GitHub, Sentry) to check canned and sandbox answers: type (incl. type arrays and
//! `nullable`), enum, properties, required, items, strictProperties/additionalProperties:false,
//! `$ref` into the same document, and anyOf/oneOf/allOf (oneOf checked loosely as anyOf).
use serde_json::Value;

/// Validates `value` against `schema`; `root` resolves `$ref`s. The error names the JSON path.
pub fn validate(root: &Value, schema: &Value, value: &Value) -> Result<(), String> {
    check(root, schema, value, "$", 0)
}

fn check(root: &Value, schema: &Value, value: &Value, at: &str, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Ok(()); // recursive schemas: deep enough
    }
    let Some(obj) = schema.as_object() else { return Ok(()) };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let target = resolve(root, r).ok_or_else(|| format!("{at}: unresolvable $ref {r}"))?;
        return check(root, target, value, at, depth + 1);
    }
    let nullable = obj.get("nullable").and_then(Value::as_bool).unwrap_or(false);
    if value.is_null() && nullable {
        return Ok(());
    }
    if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
        for s in all {
            check(root, s, value, at, depth + 1)?;
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(any) = obj.get(key).and_then(Value::as_array) {
            let errors: Vec<String> = any.iter().filter_map(|s| check(root, s, value, at, depth + 1).err()).collect();
            if errors.len() == any.len() && !any.is_empty() {
                return Err(format!("{at}: matches none of {key}: {}", errors.join(" | ")));
            }
        }
    }
    if let Some(t) = obj.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !types.is_empty() && !types.iter().any(|t| is_type(value, t)) {
            return Err(format!("{at}: expected {}, got {}", types.join("|"), kind(value)));
        }
    }
    if let Some(options) = obj.get("enum").and_then(Value::as_array) {
        if !value.is_null() && !options.contains(value) {
            return Err(format!("{at}: {value} is not one of {}", Value::Array(options.clone())));
        }
    }
    if let Some(map) = value.as_object() {
        let props = obj.get("properties").and_then(Value::as_object);
        if let Some(required) = obj.get("required").and_then(Value::as_array) {
            for r in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(r) {
                    return Err(format!("{at}: missing required field `{r}`"));
                }
            }
        }
        let strict = obj.get("strictProperties").and_then(Value::as_bool).unwrap_or(false)
            || obj.get("additionalProperties") == Some(&Value::Bool(false));
        for (k, v) in map {
            match props.and_then(|p| p.get(k)) {
                Some(s) => check(root, s, v, &format!("{at}.{k}"), depth + 1)?,
                None if strict && props.is_some() => return Err(format!("{at}: unexpected field `{k}`")),
                None => {
                    if let Some(extra) = obj.get("additionalProperties").filter(|a| a.is_object()) {
                        check(root, extra, v, &format!("{at}.{k}"), depth + 1)?;
                    }
                }
            }
        }
    }
    if let (Some(items), Some(list)) = (obj.get("items"), value.as_array()) {
        for (i, v) in list.iter().enumerate() {
            check(root, items, v, &format!("{at}[{i}]"), depth + 1)?;
        }
    }
    Ok(())
}

/// `#/components/schemas/x` or `#/definitions/app/definitions/id`.
pub fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    let decoded = percent_encoding::percent_decode_str(pointer).decode_utf8_lossy().into_owned();
    root.pointer(&decoded)
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "number" => v.is_number(),
        "integer" => v.as_i64().is_some() || v.as_u64().is_some() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => true,
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[test]
fn validator_catches_what_it_claims_to() {
    let root = serde_json::json!({"definitions": {"id": {"type": ["string"]}}});
    let schema = serde_json::json!({
        "type": ["object"], "strictProperties": true, "required": ["id"],
        "properties": {"id": {"$ref": "#/definitions/id"}, "n": {"type": "integer", "nullable": true},
                       "s": {"enum": ["a", "b"]}, "xs": {"type": "array", "items": {"type": "string"}},
                       "u": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}
    });
    let ok = |v: Value| validate(&root, &schema, &v);
    assert!(ok(serde_json::json!({"id": "x", "n": null, "s": "a", "xs": ["q"], "u": 3})).is_ok());
    assert!(ok(serde_json::json!({"n": 1})).unwrap_err().contains("missing required field `id`"));
    assert!(ok(serde_json::json!({"id": 1})).unwrap_err().contains("$.id: expected string"));
    assert!(ok(serde_json::json!({"id": "x", "s": "c"})).is_err());
    assert!(ok(serde_json::json!({"id": "x", "xs": [1]})).unwrap_err().contains("$.xs[0]"));
    assert!(ok(serde_json::json!({"id": "x", "zz": 1})).unwrap_err().contains("unexpected field"));
    assert!(ok(serde_json::json!({"id": "x", "u": true})).is_err());
}
