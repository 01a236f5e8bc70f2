//! The sandbox's answers against ../shared/api-specs: a minimal JSON-schema check (types,
//! required fields, nullability, enums, `$ref`, combinators), enough to catch a wrong field
//! name or type. The API area's reusable validator can replace it once it lands.
use super::{start, Fx};
use bpdeploy::cli::Scenario;
use serde_json::Value;

struct Spec {
    root: Value,
}

impl Spec {
    fn load(name: &str) -> Option<Spec> {
        let dir = crate::support::api_specs_dir()?;
        let text = std::fs::read_to_string(dir.join(name)).ok()?;
        Some(Spec { root: serde_json::from_str(&text).ok()? })
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let mut node = &self.root;
                for part in r.trim_start_matches("#/").split('/') {
                    node = &node[part];
                }
                self.resolve(node)
            }
            None => schema,
        }
    }

    /// Problems found, as `path: message`.
    fn check(&self, schema: &Value, value: &Value, path: &str, out: &mut Vec<String>) {
        let schema = self.resolve(schema);
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for s in all {
                self.check(s, value, path, out);
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(options) = schema.get(key).and_then(Value::as_array) {
                let fits = options.iter().any(|s| {
                    let mut e = Vec::new();
                    self.check(s, value, path, &mut e);
                    e.is_empty()
                });
                if !fits {
                    out.push(format!("{path}: matches none of {key}"));
                }
            }
        }
        if value.is_null() && (schema.get("nullable") == Some(&Value::Bool(true)) || types(schema).contains(&"null")) {
            return;
        }
        let ts = types(schema);
        if !ts.is_empty() && !ts.iter().any(|t| is_type(value, t)) {
            out.push(format!("{path}: expected {ts:?}, got {value}"));
            return;
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            if !value.is_null() && !options.contains(value) {
                out.push(format!("{path}: {value} not in enum"));
            }
        }
        if let Value::Object(map) = value {
            for req in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                let name = req.as_str().unwrap_or_default();
                if !map.contains_key(name) {
                    out.push(format!("{path}: missing required {name}"));
                }
            }
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, v) in map {
                    if let Some(s) = props.get(k) {
                        self.check(s, v, &format!("{path}.{k}"), out);
                    }
                }
            }
        }
        if let (Value::Array(items), Some(s)) = (value, schema.get("items")) {
            for (i, item) in items.iter().enumerate().take(5) {
                self.check(s, item, &format!("{path}[{i}]"), out);
            }
        }
    }
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn assert_fits(spec: &Spec, schema: &Value, value: &Value, what: &str) {
    assert!(!schema.is_null(), "{what}: no schema found");
    let mut problems = Vec::new();
    spec.check(schema, value, what, &mut problems);
    assert!(problems.is_empty(), "{what} does not fit the spec:\n{}", problems.join("\n"));
}

/// The response schema of an OpenAPI operation.
fn openapi<'a>(spec: &'a Spec, path: &str, method: &str, status: &str) -> &'a Value {
    &spec.root["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
}

/// The target schema of a Heroku link, by definition and title.
fn heroku_target(spec: &Spec, definition: &str, title: &str) -> Value {
    let links = spec.root["definitions"][definition]["links"].as_array().cloned().unwrap_or_default();
    let link = links.into_iter().find(|l| l["title"] == title).unwrap_or_default();
    link.get("targetSchema")
        .cloned()
        .unwrap_or_else(|| serde_json::json!({"$ref": format!("#/definitions/{definition}")}))
}

async fn deployed(fx: &Fx) {
    let build = fx.build("master").await;
    fx.poll(&format!("apps/storefront/builds/{}", build["id"].as_str().unwrap()), |b| b["status"] != "pending").await;
    fx.poll("apps/storefront/releases/7", |r| r["status"] == "succeeded").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_fit_the_shared_api_specs() {
    let (Some(heroku), Some(github), Some(sentry)) = (
        Spec::load("heroku-platform-api.subset.json"),
        Spec::load("github-rest.subset.json"),
        Spec::load("sentry-api.subset.json"),
    ) else {
        eprintln!("../shared/api-specs not beside this checkout: contract check not run");
        return;
    };
    let fx = start(Scenario::ErrorSpike).await;
    deployed(&fx).await;
    let h = |title: &str, def: &str| heroku_target(&heroku, def, title);
    assert_fits(&heroku, &h("List", "release"), &fx.heroku_json("apps/storefront/releases").await, "heroku releases");
    assert_fits(&heroku, &h("Info", "release"), &fx.heroku_json("apps/storefront/releases/7").await, "heroku release");
    assert_fits(&heroku, &h("List", "build"), &fx.heroku_json("apps/storefront/builds").await, "heroku builds");
    let slug_id = fx.heroku_json("apps/storefront/releases/7").await["slug"]["id"].as_str().unwrap().to_string();
    assert_fits(
        &heroku,
        &h("Info", "slug"),
        &fx.heroku_json(&format!("apps/storefront/slugs/{slug_id}")).await,
        "heroku slug",
    );
    assert_fits(&heroku, &h("Info", "app"), &fx.heroku_json("apps/storefront").await, "heroku app");
    assert_fits(&heroku, &h("List", "dyno"), &fx.heroku_json("apps/storefront/dynos").await, "heroku dynos");
    assert_fits(
        &heroku,
        &h("List", "formation"),
        &fx.heroku_json("apps/storefront/formation").await,
        "heroku formation",
    );

    let (from, to) = (fx.sb.scratch().released.to_string(), fx.sb.scratch().head.to_string());
    let g = |path: &str, method: &str, status: &str| openapi(&github, path, method, status).clone();
    let repo = "/repos/{owner}/{repo}";
    assert_fits(
        &github,
        &g(&format!("{repo}/compare/{{basehead}}"), "get", "200"),
        &fx.github_json(&format!("repos/acme/storefront/compare/{from}...{to}")).await,
        "github compare",
    );
    assert_fits(
        &github,
        &g(&format!("{repo}/commits/{{commit_sha}}/pulls"), "get", "200"),
        &fx.github_json(&format!("repos/acme/storefront/commits/{to}/pulls")).await,
        "github commit pulls",
    );
    assert_fits(
        &github,
        &g(&format!("{repo}/commits/{{ref}}/status"), "get", "200"),
        &fx.github_json("repos/acme/storefront/commits/master/status").await,
        "github status",
    );
    assert_fits(
        &github,
        &g(&format!("{repo}/commits/{{ref}}/check-runs"), "get", "200"),
        &fx.github_json("repos/acme/storefront/commits/master/check-runs").await,
        "github check runs",
    );
    assert_fits(
        &github,
        &g(&format!("{repo}/pulls/{{pull_number}}"), "get", "200"),
        &fx.github_json("repos/acme/storefront/pulls/4").await,
        "github pull",
    );
    assert_fits(
        &github,
        &g(&format!("{repo}/pulls/{{pull_number}}/files"), "get", "200"),
        &fx.github_json("repos/acme/storefront/pulls/4/files").await,
        "github pull files",
    );
    assert_fits(
        &github,
        &g(&format!("{repo}/pulls"), "get", "200"),
        &fx.github_json("repos/acme/storefront/pulls?state=all").await,
        "github pulls",
    );
    let body = serde_json::json!({"ref": to, "environment": "storefront", "auto_merge": false});
    let created: Value = fx
        .github(reqwest::Method::POST, "repos/acme/storefront/deployments")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_fits(&github, &g(&format!("{repo}/deployments"), "post", "201"), &created, "github deployment");

    let s = |path: &str| {
        openapi(&sentry, &format!("/api/0/organizations/{{organization_id_or_slug}}/{path}"), "get", "200").clone()
    };
    let issues = fx.sentry_json("api/0/organizations/acme/issues/?statsPeriod=24h").await;
    assert_fits(&sentry, &s("issues/"), &issues, "sentry issues");
    let id = issues[0]["id"].as_str().unwrap().to_string();
    assert_fits(
        &sentry,
        &s("issues/{issue_id}/"),
        &fx.sentry_json(&format!("api/0/organizations/acme/issues/{id}/")).await,
        "sentry issue",
    );
    assert_fits(
        &sentry,
        &s("issues/{issue_id}/events/{event_id}/"),
        &fx.sentry_json(&format!("api/0/organizations/acme/issues/{id}/events/latest/")).await,
        "sentry event",
    );
    assert_fits(
        &sentry,
        &s("releases/"),
        &fx.sentry_json("api/0/organizations/acme/releases/").await,
        "sentry releases",
    );
    assert_fits(
        &sentry,
        &s("events-timeseries/"),
        &fx.sentry_json("api/0/organizations/acme/events-timeseries/?dataset=errors&statsPeriod=1h").await,
        "sentry timeseries",
    );
    assert_fits(
        &sentry,
        &s("events/"),
        &fx.sentry_json("api/0/organizations/acme/events/?dataset=errors&field=release&field=count()&statsPeriod=1h")
            .await,
        "sentry events",
    );
}
