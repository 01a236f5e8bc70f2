//! Paging as each service does it: Heroku's Range/Next-Range, GitHub's page/per_page with a
//! Link header, Sentry's cursor with `results="true|false"`.
use super::{set_header, Req};
use axum::response::Response;
use serde_json::Value;
use std::cmp::Ordering;

/// A parsed Heroku `Range` header: `version ]12..; max=15, order=desc`.
#[derive(Debug, Clone, PartialEq)]
pub struct HerokuRange {
    pub field: String,
    pub start: Option<String>,
    pub exclusive: bool,
    pub max: usize,
    pub desc: bool,
}

pub fn parse_range(header: Option<&str>, default_field: &str) -> HerokuRange {
    let mut range = HerokuRange { field: default_field.into(), start: None, exclusive: false, max: 200, desc: false };
    let Some(h) = header else { return range };
    let (spec, params) = h.split_once(';').unwrap_or((h, ""));
    let mut words = spec.trim().splitn(2, ' ');
    if let Some(field) = words.next().filter(|f| !f.is_empty()) {
        range.field = field.to_string();
    }
    if let Some(bounds) = words.next() {
        let start = bounds.trim().split("..").next().unwrap_or("");
        range.exclusive = start.starts_with(']');
        let start = start.trim_start_matches(']').trim();
        range.start = (!start.is_empty()).then(|| start.to_string());
    }
    for p in params.split([',', ';']) {
        match p.trim().split_once('=') {
            Some(("max", n)) => range.max = n.trim().parse().unwrap_or(200).clamp(1, 1000),
            Some(("order", o)) => range.desc = o.trim() == "desc",
            _ => {}
        }
    }
    range
}

fn compare(a: &Value, b: &str) -> Ordering {
    match (a.as_f64(), b.parse::<f64>()) {
        (Some(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.as_str().unwrap_or("").cmp(b),
    }
}

/// One page of `items` and the `Next-Range` value when more remain.
pub fn heroku_page(mut items: Vec<Value>, range: &HerokuRange) -> (Vec<Value>, Option<String>) {
    let key = |v: &Value| v.get(&range.field).cloned().unwrap_or(Value::Null);
    items.sort_by(|a, b| {
        let o = compare(&key(a), key(b).to_string().trim_matches('"'));
        if range.desc {
            o.reverse()
        } else {
            o
        }
    });
    if let Some(start) = &range.start {
        items.retain(|v| {
            let o = compare(&key(v), start);
            let o = if range.desc { o.reverse() } else { o };
            if range.exclusive {
                o == Ordering::Greater
            } else {
                o != Ordering::Less
            }
        });
    }
    let more = items.len() > range.max;
    items.truncate(range.max);
    let next = match (more, items.last()) {
        (true, Some(last)) => {
            let v = key(last);
            let v = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
            let order = if range.desc { "desc" } else { "asc" };
            Some(format!("{} ]{v}..; max={}, order={order}", range.field, range.max))
        }
        _ => None,
    };
    (items, next)
}

/// GitHub: `page`/`per_page` (default 30, at most 100) and a Link header when there is more.
pub fn github_page<T: Clone>(req: &Req, base: &str, items: &[T], resp: &mut Response) -> Vec<T> {
    let per_page: usize = req.param("per_page").and_then(|p| p.parse().ok()).unwrap_or(30).clamp(1, 100);
    let page: usize = req.param("page").and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
    let last = items.len().div_ceil(per_page).max(1);
    let url = |p: usize| {
        let mut query: Vec<String> = req
            .query
            .iter()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| format!("{k}={}", url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()))
            .collect();
        query.push(format!("page={p}"));
        format!("<{base}{}?{}>", req.path, query.join("&"))
    };
    let mut links = Vec::new();
    if page < last {
        links.push(format!("{}; rel=\"next\"", url(page + 1)));
        links.push(format!("{}; rel=\"last\"", url(last)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", url(page - 1)));
        links.push(format!("{}; rel=\"first\"", url(1)));
    }
    if !links.is_empty() {
        set_header(resp, "link", links.join(", "));
    }
    items.iter().skip((page - 1) * per_page).take(per_page).cloned().collect()
}

/// Sentry: `cursor=0:<offset>:0`, both links always present, `results` says if a page has data.
pub fn sentry_page<T: Clone>(req: &Req, base: &str, items: &[T], limit: usize, resp: &mut Response) -> Vec<T> {
    let offset: usize = req.param("cursor").and_then(|c| c.split(':').nth(1)).and_then(|o| o.parse().ok()).unwrap_or(0);
    let page: Vec<T> = items.iter().skip(offset).take(limit).cloned().collect();
    let link = |cursor: String, rel: &str, results: bool| {
        let mut query: Vec<String> = req
            .query
            .iter()
            .filter(|(k, _)| k != "cursor")
            .map(|(k, v)| format!("{k}={}", url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()))
            .collect();
        query.push(format!("cursor={cursor}"));
        format!("<{base}{}?{}>; rel=\"{rel}\"; results=\"{results}\"; cursor=\"{cursor}\"", req.path, query.join("&"))
    };
    let prev = link(format!("0:{}:1", offset.saturating_sub(limit)), "previous", offset > 0);
    let next = link(format!("0:{}:0", offset + limit), "next", offset + limit < items.len());
    set_header(resp, "link", format!("{prev}, {next}"));
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn heroku_range_pages_newest_first_and_resumes_after_the_last_version() {
        let items: Vec<Value> = (1..=5).map(|v| json!({"version": v})).collect();
        let r = parse_range(Some("version ..; max=2, order=desc"), "id");
        let (page, next) = heroku_page(items.clone(), &r);
        assert_eq!(page, vec![json!({"version": 5}), json!({"version": 4})]);
        let next = next.unwrap();
        assert_eq!(next, "version ]4..; max=2, order=desc");
        let (page, _) = heroku_page(items.clone(), &parse_range(Some(&next), "id"));
        assert_eq!(page, vec![json!({"version": 3}), json!({"version": 2})]);
        let (page, next) = heroku_page(items, &parse_range(Some("version ]2..; max=2, order=desc"), "id"));
        assert_eq!((page, next), (vec![json!({"version": 1})], None));
    }

    #[test]
    fn heroku_range_accepts_the_reordered_form() {
        let r = parse_range(Some("version ..; order=desc,max=10;"), "id");
        assert_eq!((r.max, r.desc, r.field.as_str()), (10, true, "version"));
    }
}
