//! Contract checks against the official API descriptions in ../shared/api-specs/.
//!
//! Reusable by any test (the sandbox's too):
//! - [`check_request`]: the method and path match an operation of the service's schema, the
//!   headers every service requires are present, required query parameters and body fields are
//!   there, and the body fits the request schema.
//! - [`check_response`]: a body served for that operation and status fits the response schema.
//!
//! `service` is `heroku`, `github`, `sentry` or `slack`; `path` is relative to the service's
//! base (a sandbox prefix such as `/heroku` stripped), starting with `/`, query allowed. When
//! the specs are absent both answer Ok after the header checks ([`specs_dir`] says why).
#![allow(dead_code)]
use super::schema;
use serde_json::Value;
use std::sync::OnceLock;

/// One operation of a schema.
struct Operation {
    method: String,
    template: String,
    /// Request body schema (Heroku link `schema`, OpenAPI requestBody).
    body: Option<Value>,
    /// Response schemas by status ("2xx" for Heroku's single `targetSchema`).
    responses: Vec<(String, Value)>,
    required_query: Vec<String>,
    /// Heroku list links: the fields a `Range` header may sort by.
    ranges: Option<Vec<String>>,
}

struct Spec {
    doc: Value,
    ops: Vec<Operation>,
}

/// Where the specs are, or None with the reason printed once per caller.
pub fn specs_dir() -> Option<std::path::PathBuf> {
    crate::support::api_specs_dir()
}

fn spec(service: &str) -> Option<&'static Spec> {
    static HEROKU: OnceLock<Option<Spec>> = OnceLock::new();
    static GITHUB: OnceLock<Option<Spec>> = OnceLock::new();
    static SENTRY: OnceLock<Option<Spec>> = OnceLock::new();
    let (cell, file) = match service {
        "heroku" => (&HEROKU, "heroku-platform-api.subset.json"),
        "github" => (&GITHUB, "github-rest.subset.json"),
        "sentry" => (&SENTRY, "sentry-api.subset.json"),
        _ => return None,
    };
    cell.get_or_init(|| {
        let text = std::fs::read_to_string(specs_dir()?.join(file)).ok()?;
        let doc: Value = serde_json::from_str(&text).expect("spec is JSON");
        let ops = if service == "heroku" { heroku_ops(&doc) } else { openapi_ops(&doc) };
        Some(Spec { doc, ops })
    })
    .as_ref()
}

fn heroku_ops(doc: &Value) -> Vec<Operation> {
    let mut ops = vec![];
    for def in doc["definitions"].as_object().into_iter().flat_map(|d| d.values()) {
        for link in def["links"].as_array().into_iter().flatten() {
            ops.push(Operation {
                method: link["method"].as_str().unwrap_or("GET").to_string(),
                template: link["href"].as_str().unwrap_or("").to_string(),
                body: link.get("schema").cloned(),
                responses: link.get("targetSchema").map(|s| vec![("2xx".to_string(), s.clone())]).unwrap_or_default(),
                required_query: vec![],
                ranges: link["ranges"]
                    .as_array()
                    .map(|r| r.iter().filter_map(Value::as_str).map(String::from).collect()),
            });
        }
    }
    ops
}

fn openapi_ops(doc: &Value) -> Vec<Operation> {
    let mut ops = vec![];
    for (template, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let params = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(item["parameters"].as_array().into_iter().flatten());
            let required_query = params
                .map(|p| deref(doc, p))
                .filter(|p| p["in"] == "query" && p["required"] == true)
                .filter_map(|p| p["name"].as_str().map(String::from))
                .collect();
            let responses = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(status, r)| {
                    let r = deref(doc, r);
                    Some((status.clone(), r.pointer("/content/application~1json/schema")?.clone()))
                })
                .collect();
            ops.push(Operation {
                method: method.to_uppercase(),
                template: template.clone(),
                body: op.pointer("/requestBody/content/application~1json/schema").cloned(),
                responses,
                required_query,
                ranges: None,
            });
        }
    }
    ops
}

fn deref<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => schema::resolve(doc, r).unwrap_or(v),
        None => v,
    }
}

/// Does `path` fit `template`? `{x}` is one segment; GitHub's `{basehead}` and `{ref}` take
/// one or more; Heroku's `{(…)}` is one.
fn matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    fit(&t, &p)
}

fn fit(t: &[&str], p: &[&str]) -> bool {
    match (t.first(), p.first()) {
        (None, None) => true,
        (Some(seg), Some(_)) if seg.starts_with('{') && seg.ends_with('}') => {
            let multi = *seg == "{basehead}" || *seg == "{ref}";
            if p[0].is_empty() {
                return false;
            }
            if multi {
                (1..=p.len()).any(|n| fit(&t[1..], &p[n..]))
            } else {
                fit(&t[1..], &p[1..])
            }
        }
        (Some(seg), Some(part)) => seg == part && fit(&t[1..], &p[1..]),
        _ => false,
    }
}

/// The operations a request may be, most literal template first.
fn candidates(spec: &'static Spec, method: &str, path: &str) -> Vec<&'static Operation> {
    let mut found: Vec<&Operation> =
        spec.ops.iter().filter(|o| o.method.eq_ignore_ascii_case(method) && matches(&o.template, path)).collect();
    found.sort_by_key(|o| std::cmp::Reverse(o.template.split('/').filter(|s| !s.starts_with('{')).count()));
    found
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// Checks one request a client sent. See the module docs.
pub fn check_request(
    service: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<&Value>,
) -> Result<(), String> {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let want = |name: &str, ok: &dyn Fn(&str) -> bool| -> Result<(), String> {
        match header(headers, name) {
            Some(v) if ok(v) => Ok(()),
            Some(v) if name.eq_ignore_ascii_case("authorization") => {
                Err(format!("{method} {path}: bad {name} ({} chars)", v.len()))
            }
            other => Err(format!("{method} {path}: header {name} is {other:?}")),
        }
    };
    want("user-agent", &|v| v.starts_with("bpdeploy/"))?;
    want("authorization", &|v| v.starts_with("Bearer ") && v.len() > 7)?;
    match service {
        "heroku" => want("accept", &|v| v == "application/vnd.heroku+json; version=3")?,
        "github" => {
            want("accept", &|v| v.contains("application/vnd.github+json"))?;
            want("x-github-api-version", &|v| v == "2022-11-28")?;
        }
        _ => {}
    }
    if service == "github" && path == "/graphql" {
        return check_graphql(body);
    }
    if service == "slack" {
        return check_slack(method, path, query, body);
    }
    let Some(spec) = spec(service) else { return Ok(()) };
    let ops = candidates(spec, method, path);
    if ops.is_empty() {
        return Err(format!("{service}: {method} {path} matches no operation of the official schema"));
    }
    let keys: Vec<String> = url::form_urlencoded::parse(query.as_bytes()).map(|(k, _)| k.into_owned()).collect();
    let mut errors = vec![];
    // Heroku's release Create and Rollback share a path: any candidate that fits will do.
    for op in &ops {
        let result = (|| {
            for q in &op.required_query {
                if !keys.contains(q) {
                    return Err(format!("{method} {path}: required query parameter `{q}` missing"));
                }
            }
            if let (Some(ranges), Some(range)) = (&op.ranges, header(headers, "range")) {
                let field = range.split_whitespace().next().unwrap_or("");
                if !ranges.iter().any(|r| r == field) {
                    return Err(format!("{method} {path}: Range field `{field}` is not one of {ranges:?}"));
                }
            }
            if let Some(schema) = &op.body {
                let body =
                    body.ok_or_else(|| format!("{method} {path}: the operation takes a JSON body, none sent"))?;
                schema::validate(&spec.doc, schema, body).map_err(|e| format!("{method} {path} body: {e}"))?;
            }
            Ok(())
        })();
        match result {
            Ok(()) => return Ok(()),
            Err(e) => errors.push(e),
        }
    }
    Err(errors.join("; "))
}

/// Checks a body served for `method path` with `status`. Statuses the schema does not describe
/// pass, except that Heroku errors must be `{id, message}`.
pub fn check_response(service: &str, method: &str, path: &str, status: u16, body: &Value) -> Result<(), String> {
    let path = path.split('?').next().unwrap_or(path);
    if service == "heroku" && status >= 400 && (body["id"].as_str().is_none() || body["message"].as_str().is_none()) {
        return Err(format!("heroku {status}: error bodies are {{id, message}}, got {body}"));
    }
    let Some(spec) = spec(service) else { return Ok(()) };
    let ops = candidates(spec, method, path);
    let op = ops.first().ok_or_else(|| format!("{service}: {method} {path} matches no operation"))?;
    let key = status.to_string();
    let schema =
        op.responses.iter().find(|(s, _)| *s == key || (s == "2xx" && (200..300).contains(&status))).map(|(_, s)| s);
    match schema {
        Some(s) => schema::validate(&spec.doc, s, body).map_err(|e| format!("{service} {method} {path} {status}: {e}")),
        None => Ok(()),
    }
}

/// GraphQL documents in the shapes of CONTRACTS.md.
fn check_graphql(body: Option<&Value>) -> Result<(), String> {
    let body = body.ok_or("graphql: no body")?;
    let query = body["query"].as_str().ok_or("graphql: no `query` string")?;
    if !body["variables"].is_object() {
        return Err("graphql: `variables` must be an object".into());
    }
    if query.starts_with("query PullRequests(") {
        let aliases = query.matches(": pullRequest(number: ").count();
        if aliases == 0 || aliases > 50 || !query.contains("fragment Pr on PullRequest") {
            return Err(format!("graphql: PullRequests with {aliases} aliases (1..=50) and the Pr fragment"));
        }
    } else if query.starts_with("mutation RevertPullRequest(") {
        if body.pointer("/variables/input/pullRequestId").and_then(Value::as_str).is_none() {
            return Err("graphql: revert needs variables.input.pullRequestId".into());
        }
    } else {
        return Err(format!("graphql: unknown document {:?}", query.chars().take(40).collect::<String>()));
    }
    Ok(())
}

/// Slack Web API methods bpdeploy calls and their required arguments (api-notes §10). Reads
/// are GETs with their arguments in the query (Slack's preferred method for them).
fn check_slack(method: &str, method_path: &str, query: &str, body: Option<&Value>) -> Result<(), String> {
    let path = method_path;
    let reads: &[&str] = match method_path {
        "/conversations.history" => &["channel"],
        "/conversations.replies" => &["channel", "ts"],
        "/users.lookupByEmail" => &["email"],
        "/conversations.list" | "/auth.test" => &[],
        _ => &["-"],
    };
    if reads != ["-"] {
        if method != "GET" {
            return Err(format!("slack: {method_path} is read with GET"));
        }
        let args: Vec<String> = url::form_urlencoded::parse(query.as_bytes()).map(|(k, _)| k.into_owned()).collect();
        return match reads.iter().find(|r| !args.iter().any(|a| a == *r)) {
            Some(missing) => Err(format!("slack {method_path}: missing `{missing}`")),
            None => Ok(()),
        };
    }
    let required: &[&str] = match path {
        "/chat.postMessage" => &["channel", "text"],
        "/chat.update" => &["channel", "ts", "text"],
        "/reactions.add" => &["channel", "timestamp", "name"],
        _ => return Err(format!("slack: unknown method {path}")),
    };
    if method != "POST" {
        return Err(format!("slack: {path} is called with POST"));
    }
    let body = body.ok_or_else(|| format!("slack {path}: no JSON body"))?;
    for r in required {
        if body.get(*r).is_none() {
            return Err(format!("slack {path}: missing `{r}`"));
        }
    }
    Ok(())
}

#[test]
fn templates_match_the_readme_rules() {
    assert!(matches("/repos/{owner}/{repo}/compare/{basehead}", "/repos/o/r/compare/a...feature/x"));
    assert!(matches("/repos/{owner}/{repo}/commits/{ref}/status", "/repos/o/r/commits/feature/x/status"));
    assert!(!matches("/repos/{owner}/{repo}/pulls/{pull_number}", "/repos/o/r/pulls/1/files"));
    assert!(matches("/apps/{(%23%2Fdefinitions%2Fapp%2Fdefinitions%2Fidentity)}/releases", "/apps/my-app/releases"));
    assert!(matches("/api/0/organizations/{organization_id_or_slug}/issues/", "/api/0/organizations/acme/issues/"));
    assert!(!matches("/api/0/organizations/{organization_id_or_slug}/issues/", "/api/0/organizations/acme/issues"));
}

#[test]
fn specs_load_when_present() {
    let Some(dir) = specs_dir() else {
        eprintln!("skipping: ../shared/api-specs is absent (CI has it)");
        return;
    };
    for s in ["heroku", "github", "sentry"] {
        let spec = spec(s).unwrap_or_else(|| panic!("{s} spec in {}", dir.display()));
        assert!(spec.ops.len() > 10, "{s}: {} operations", spec.ops.len());
    }
    let h = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    let heroku = h(&[
        ("user-agent", "bpdeploy/0"),
        ("authorization", "Bearer t"),
        ("accept", "application/vnd.heroku+json; version=3"),
    ]);
    assert!(check_request("heroku", "GET", "/apps/x/nonsense", &heroku, None)
        .unwrap_err()
        .contains("matches no operation"));
    let rollback = serde_json::json!({"release": "01234567-89ab-cdef-0123-456789abcdef"});
    assert!(check_request("heroku", "POST", "/apps/x/releases", &heroku, Some(&rollback)).is_ok());
    assert!(check_request("heroku", "POST", "/apps/x/releases", &heroku, Some(&serde_json::json!({}))).is_err());
    assert!(check_request("heroku", "GET", "/apps/x", &heroku[..2], None).unwrap_err().contains("accept"));
    let github =
        h(&[("user-agent", "bpdeploy/0"), ("authorization", "Bearer t"), ("accept", "application/vnd.github+json")]);
    assert!(check_request("github", "GET", "/repos/o/r/pulls/1", &github, None)
        .unwrap_err()
        .contains("x-github-api-version"));
    let sentry = h(&[("user-agent", "bpdeploy/0"), ("authorization", "Bearer t")]);
    let events = check_request("sentry", "GET", "/api/0/organizations/o/events-timeseries/?query=x", &sentry, None);
    assert!(events.unwrap_err().contains("`dataset`"));
    assert!(check_response("heroku", "GET", "/apps/x", 200, &serde_json::json!({"name": 3})).is_err());
}
