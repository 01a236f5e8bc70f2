//! The four ways the services page their lists, behind one rule: follow until the service
//! says there is no more, the caller has enough, or the page cap is reached.
//!
//! - Heroku: `Range` request header; `206 Partial Content` + `Next-Range` while more remains.
//! - GitHub: `Link: <…>; rel="next"` (absolute URL; followed only under our own base URL).
//! - Sentry: `Link: <…>; rel="next"; results="true"; cursor="…"`; `results="false"` ends it.
//! - Slack: `response_metadata.next_cursor` in the body.
use crate::api::http::{Call, HttpCore, Reply};
use crate::api::ApiError;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Follows Heroku's Range paging, from `range` (e.g. `version ..; max=200, order=desc`), or
/// from the API's default order when `range` is None.
pub async fn heroku<T: DeserializeOwned>(
    core: &HttpCore,
    call: Call,
    range: Option<String>,
    want: Option<usize>,
) -> Result<Vec<T>, ApiError> {
    let mut items: Vec<T> = vec![];
    let mut range = range;
    for _ in 0..core.settings().page_cap {
        let this = match &range {
            Some(r) => call.clone().header("Range", r.clone()),
            None => call.clone(),
        };
        let reply = core.send(&this).await?;
        items.extend(reply.json::<Vec<T>>()?);
        match (reply.status, reply.header("next-range")) {
            (206, Some(next)) if !enough(&items, want) => range = Some(next.to_string()),
            _ => return Ok(truncate(items, want)),
        }
    }
    capped(core, &call);
    Ok(truncate(items, want))
}

/// Follows GitHub's `Link` paging. Each page is an array, or an object whose `field` holds
/// the array (`check_runs`).
pub async fn github<T: DeserializeOwned>(
    core: &HttpCore,
    call: Call,
    want: Option<usize>,
    field: Option<&str>,
) -> Result<Vec<T>, ApiError> {
    let mut items = vec![];
    let mut call = call;
    for _ in 0..core.settings().page_cap {
        let reply = core.send(&call).await?;
        items.extend(page_items::<T>(&reply, field)?);
        let next = reply.header("link").and_then(|l| link_next(l).map(|(url, _)| url));
        match next {
            Some(url) if !enough(&items, want) => {
                let path = relative_to_base(core, &url).ok_or_else(|| {
                    reply.decode_error("the next-page link points outside the configured base URL; not following it")
                })?;
                call = call.with_path(path);
            }
            _ => return Ok(truncate(items, want)),
        }
    }
    capped(core, &call);
    Ok(truncate(items, want))
}

fn page_items<T: DeserializeOwned>(reply: &Reply, field: Option<&str>) -> Result<Vec<T>, ApiError> {
    let Some(field) = field else { return reply.json() };
    let mut body: Value = reply.json()?;
    let list =
        body.get_mut(field).map(Value::take).ok_or_else(|| reply.decode_error(format!("missing field `{field}`")))?;
    serde_json::from_value(list).map_err(|e| reply.decode_error(crate::api::error_body_message(&e)))
}

/// Follows Sentry's cursor paging: resends `call` with `cursor=` while `results="true"`.
pub async fn sentry<T: DeserializeOwned>(core: &HttpCore, call: Call, want: Option<usize>) -> Result<Vec<T>, ApiError> {
    let mut items: Vec<T> = vec![];
    let mut this = call.clone();
    for _ in 0..core.settings().page_cap {
        let reply = core.send(&this).await?;
        items.extend(reply.json::<Vec<T>>()?);
        let cursor = reply.header("link").and_then(sentry_next_cursor);
        match cursor {
            Some(cursor) if !enough(&items, want) => this = call.clone().query("cursor", cursor),
            _ => return Ok(truncate(items, want)),
        }
    }
    capped(core, &call);
    Ok(truncate(items, want))
}

/// Slack's cursor for the next page of a `conversations.*`-style list, if any.
pub fn slack_next_cursor(body: &Value) -> Option<String> {
    body.pointer("/response_metadata/next_cursor").and_then(Value::as_str).filter(|c| !c.is_empty()).map(String::from)
}

/// The `rel="next"` entry of a Link header: its URL and its other parameters.
pub fn link_next(header: &str) -> Option<(String, Vec<(String, String)>)> {
    for entry in split_links(header) {
        let (url_part, params) = entry.split_once(';').unwrap_or((entry, ""));
        let url = url_part.trim().trim_start_matches('<').trim_end_matches('>').to_string();
        let params: Vec<(String, String)> = params
            .split(';')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().trim_matches('"').to_string()))
            .collect();
        if params.iter().any(|(k, v)| k == "rel" && v.split_whitespace().any(|r| r == "next")) {
            return Some((url, params));
        }
    }
    None
}

/// Sentry's next cursor, only while the link says more results exist.
pub fn sentry_next_cursor(header: &str) -> Option<String> {
    let (_, params) = link_next(header)?;
    let get = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    (get("results").as_deref() == Some("true")).then(|| get("cursor")).flatten()
}

/// Link entries are comma-separated, but commas may sit inside `<…>`; split outside them.
fn split_links(header: &str) -> Vec<&str> {
    let mut out = vec![];
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in header.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(header[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(header[start..].trim());
    out
}

/// The next-page URL as a path relative to the base, or None when it leaves the base (our
/// token must never travel to another host or prefix).
fn relative_to_base(core: &HttpCore, url: &str) -> Option<String> {
    url.strip_prefix(core.base().as_str()).map(str::to_string)
}

fn enough<T>(items: &[T], want: Option<usize>) -> bool {
    want.is_some_and(|w| items.len() >= w)
}

fn truncate<T>(mut items: Vec<T>, want: Option<usize>) -> Vec<T> {
    if let Some(w) = want {
        items.truncate(w);
    }
    items
}

fn capped(core: &HttpCore, call: &Call) {
    tracing::warn!(service = core.service.slug(), endpoint = %call.endpoint(), pages = core.settings().page_cap, "page cap reached; the rest of the list was not read");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_link_next_is_found_among_others() {
        let h = r#"<https://api.github.com/repositories/1/pulls?page=1>; rel="prev", <https://api.github.com/repositories/1/pulls?page=3>; rel="next", <https://api.github.com/repositories/1/pulls?page=5>; rel="last""#;
        assert_eq!(link_next(h).unwrap().0, "https://api.github.com/repositories/1/pulls?page=3");
        assert!(link_next(r#"<https://x/?page=1>; rel="prev""#).is_none());
    }

    #[test]
    fn sentry_cursor_only_while_results_true() {
        let more = r#"<https://sentry.io/api/0/organizations/o/issues/?&cursor=0:0:1>; rel="previous"; results="false"; cursor="0:0:1", <https://sentry.io/api/0/organizations/o/issues/?&cursor=0:100:0>; rel="next"; results="true"; cursor="0:100:0""#;
        assert_eq!(sentry_next_cursor(more).as_deref(), Some("0:100:0"));
        let done = more.replace(r#"results="true""#, r#"results="false""#);
        assert_eq!(sentry_next_cursor(&done), None);
    }

    #[test]
    fn slack_cursor_empty_means_done() {
        assert_eq!(slack_next_cursor(&serde_json::json!({"response_metadata":{"next_cursor":""}})), None);
        assert_eq!(
            slack_next_cursor(&serde_json::json!({"response_metadata":{"next_cursor":"dXNlcj"}})).as_deref(),
            Some("dXNlcj")
        );
    }
}
