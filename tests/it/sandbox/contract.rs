//! The sandbox's answers against ../shared/api-specs, through the API area's checker
//! ([`crate::api::contract::check_response`], the one wiremock's canned answers go through):
//! every answer the sandbox gave to a broad set of reads and writes is checked from its
//! exchange log. The requests the real clients send are checked by the e2e tests.
use super::{start, Fx};
use crate::api::contract;
use bpdeploy::cli::Scenario;
use reqwest::Method;

async fn deployed(fx: &Fx) {
    let build = fx.build("master").await;
    fx.poll(&format!("apps/storefront/builds/{}", build["id"].as_str().unwrap()), |b| b["status"] != "pending").await;
    fx.poll("apps/storefront/releases/7", |r| r["status"] == "succeeded").await;
}

/// The reads every command makes, and the writes a deploy makes.
async fn exercise(fx: &Fx) {
    for path in [
        "apps/storefront",
        "apps/storefront/releases",
        "apps/storefront/releases/7",
        "apps/storefront/builds",
        "apps/storefront/dynos",
        "apps/storefront/formation",
    ] {
        fx.heroku_json(path).await;
    }
    let slug_id = fx.heroku_json("apps/storefront/releases/7").await["slug"]["id"].as_str().unwrap().to_string();
    fx.heroku_json(&format!("apps/storefront/slugs/{slug_id}")).await;

    let (from, to) = (fx.sb.scratch().released.to_string(), fx.sb.scratch().head.to_string());
    for path in [
        format!("repos/acme/storefront/compare/{from}...{to}"),
        format!("repos/acme/storefront/commits/{to}/pulls"),
        "repos/acme/storefront/commits/master/status".into(),
        "repos/acme/storefront/commits/master/check-runs".into(),
        "repos/acme/storefront/pulls/4".into(),
        "repos/acme/storefront/pulls/4/files".into(),
        "repos/acme/storefront/pulls?state=all".into(),
    ] {
        fx.github_json(&path).await;
    }
    let body = serde_json::json!({"ref": to, "environment": "storefront", "auto_merge": false});
    let created = fx.github(Method::POST, "repos/acme/storefront/deployments").json(&body).send().await.unwrap();
    assert_eq!(created.status(), 201);

    let issues = fx.sentry_json("api/0/organizations/acme/issues/?statsPeriod=24h").await;
    let id = issues[0]["id"].as_str().unwrap().to_string();
    for path in [
        format!("api/0/organizations/acme/issues/{id}/"),
        format!("api/0/organizations/acme/issues/{id}/events/latest/"),
        "api/0/organizations/acme/releases/".into(),
        "api/0/organizations/acme/events-timeseries/?dataset=errors&statsPeriod=1h".into(),
        "api/0/organizations/acme/events/?dataset=errors&field=release&field=count()&statsPeriod=1h".into(),
    ] {
        fx.sentry_json(&path).await;
    }
    // An error answer too: Heroku's error bodies have their own shape.
    let missing = fx.heroku(Method::GET, "apps/storefront/releases/99").send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_fit_the_shared_api_specs() {
    if contract::specs_dir().is_none() {
        eprintln!("../shared/api-specs not beside this checkout: contract check not run");
        return;
    }
    let fx = start(Scenario::ErrorSpike).await;
    deployed(&fx).await;
    exercise(&fx).await;
    let exchanges = fx.sb.exchanges();
    let mut checked = Vec::new();
    let mut problems = Vec::new();
    for x in exchanges.iter().filter(|x| x.service != "slack" && x.path != "/graphql") {
        let Some(body) = &x.response else { continue };
        checked.push(format!("{} {} {}", x.service, x.method, x.path.split('?').next().unwrap_or_default()));
        if let Err(e) = contract::check_response(x.service, &x.method, &x.path, x.status, body) {
            problems.push(e);
        }
    }
    assert!(problems.is_empty(), "the sandbox's answers do not fit the specs:\n{}", problems.join("\n"));
    // The log really holds what was asked (a checker fed nothing passes anything).
    for want in [
        "heroku GET /apps/storefront/slugs/",
        "github POST /repos/acme/storefront/deployments",
        "sentry GET /api/0/organizations/acme/events-timeseries/",
        "heroku GET /apps/storefront/releases/99",
    ] {
        assert!(checked.iter().any(|c| c.starts_with(want)), "{want} checked: {checked:#?}");
    }
}
