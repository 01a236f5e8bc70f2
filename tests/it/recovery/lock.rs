//! The rollback's deploy lock against wiremock: this run's GitHub deployment is made, the list is
//! read, and a run that loses to an older deployment, or finds production moved on since its
//! preview, is refused with exit 5 and closes its own deployment, never leaving it to hold the lock.
use crate::api::fixtures::{heroku as h, sha};
use crate::api::fixtures_github as g;
use crate::api::{serve, Kit};
use bpdeploy::exit::Exit;
use bpdeploy::recovery::rollback_lock::RollbackLock;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::Mock;

const DEPLOYMENTS: &str = "/github/repos/acme/shop/deployments";

/// Heroku with nothing in flight and v100 current; GitHub makes deployment 41 (this run's) and
/// lists `listed`; each status this run sets on 41 is expected once.
async fn services(kit: &Kit, listed: Vec<Value>, states: &[&str]) {
    let (builds, releases) = ("/heroku/apps/shop/builds", "/heroku/apps/shop/releases");
    Mock::given(method("GET"))
        .and(path(builds))
        .respond_with(serve("GET", builds, 200, json!([])))
        .mount(&kit.server)
        .await;
    let list = h::releases(100, 3);
    Mock::given(method("GET"))
        .and(path(releases))
        .respond_with(serve("GET", releases, 200, list))
        .mount(&kit.server)
        .await;
    let made = g::deployment(41);
    Mock::given(method("POST"))
        .and(path(DEPLOYMENTS))
        .respond_with(serve("POST", DEPLOYMENTS, 201, made))
        .expect(1)
        .mount(&kit.server)
        .await;
    let listed = Value::Array(listed);
    Mock::given(method("GET"))
        .and(path(DEPLOYMENTS))
        .respond_with(serve("GET", DEPLOYMENTS, 200, listed))
        .mount(&kit.server)
        .await;
    for id in [40, 41] {
        let p = format!("{DEPLOYMENTS}/{id}/statuses");
        let now = json!([g::deployment_status(id, "in_progress")]);
        Mock::given(method("GET")).and(path(&p)).respond_with(serve("GET", &p, 200, now)).mount(&kit.server).await;
    }
    let p = format!("{DEPLOYMENTS}/41/statuses");
    for state in states {
        Mock::given(method("POST"))
            .and(path(&p))
            .and(body_partial_json(json!({"state": state})))
            .respond_with(serve("POST", &p, 201, g::deployment_status(41, state)))
            .expect(1)
            .mount(&kit.server)
            .await;
    }
}

/// A bpdeploy deployment made just now by carol.
fn young(id: u64) -> Value {
    let mut d = g::deployment(id);
    d["description"] = json!("bpdeploy: carol deploying 0000007");
    d["creator"] = g::user("carol");
    d["created_at"] = json!(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    d
}

#[tokio::test]
async fn a_rollback_that_loses_the_lock_to_an_older_deployment_is_refused_and_closes_its_own() {
    let kit = Kit::new().await;
    services(&kit, vec![young(41), young(40)], &["in_progress", "error"]).await;
    let mut lock = RollbackLock::new(kit.c.heroku.clone(), Some(kit.c.github.clone()), "dee".into());
    let mut warnings = vec![];
    let refusal =
        lock.take("shop", Some(&sha(99)), 100, &mut |w: &str| warnings.push(w.to_string())).await.unwrap_err();
    assert_eq!((refusal.exit, refusal.code.as_str()), (Exit::Locked, "locked"));
    assert!(refusal.message.contains("(GitHub deployment 40) by carol since"), "{}", refusal.message);
    assert!(warnings.is_empty(), "{warnings:?}");
    kit.assert_contract().await;
}

#[tokio::test]
async fn a_rollback_decided_on_a_release_production_left_is_refused_and_closes_its_deployment() {
    let kit = Kit::new().await;
    services(&kit, vec![young(41)], &["in_progress", "error"]).await;
    let mut lock = RollbackLock::new(kit.c.heroku.clone(), Some(kit.c.github.clone()), "dee".into());
    // The preview saw v99 current; someone has moved production to v100 since.
    let refusal = lock.take("shop", Some(&sha(99)), 99, &mut |_: &str| {}).await.unwrap_err();
    assert_eq!((refusal.exit, refusal.code.as_str()), (Exit::Locked, "production_changed"));
    assert_eq!(refusal.message, "production changed since the preview: shop runs v100 now, not v99");
    kit.assert_contract().await;
}
