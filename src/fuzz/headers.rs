//! The paging headers bpdeploy reads (GitHub's and Sentry's `Link`, `Retry-After`) and the
//! Heroku `Range` header the sandbox reads: any value is parsed or ignored, never a panic.
use super::{fuzz, text_from};
use crate::api::page::{link_next, sentry_next_cursor};
use crate::api::retry::server_wait;
use crate::sandbox::http::paging::parse_range;
use reqwest::header::{HeaderMap, HeaderValue};

const LINK: &[&str] = &[
    "<https://api.github.com/repositories/1/pulls?page=2>",
    "<",
    ">",
    "; ",
    ";",
    ", ",
    ",",
    "rel=\"next\"",
    "rel=\"last\"",
    "rel=next",
    "results=\"true\"",
    "results=\"false\"",
    "cursor=\"1:0:0\"",
    "\"",
    "=",
    " ",
    "<https://sentry.io/api/0/x/?cursor=0:100:0>",
    "rel=\"previous\"",
    "\u{0}",
    "é",
];

#[test]
fn link_headers() {
    fuzz(|u| {
        let header = text_from(u, LINK, 24)?;
        if let Some((url, params)) = link_next(&header) {
            assert!(header.contains(url.as_str()), "the next URL comes from the header: {header:?}");
            let lower = header.to_ascii_lowercase();
            assert!(params.iter().all(|(k, _)| lower.contains(k.as_str())), "{params:?} from {header:?}");
        }
        let _ = sentry_next_cursor(&header);
        Ok(())
    });
}

#[test]
fn a_well_formed_next_link_is_always_found() {
    fuzz(|u| {
        let page: u32 = u.arbitrary()?;
        let next = format!("https://api.github.com/repositories/7/pulls?per_page=100&page={page}");
        let mut links = vec![format!("<{next}>; rel=\"next\"")];
        for _ in 0..u.int_in_range(0..=3)? {
            let rel = u.choose(&["prev", "last", "first"])?;
            links.insert(u.choose_index(links.len() + 1)?, format!("<https://api.github.com/x?page=1>; rel=\"{rel}\""));
        }
        let found = link_next(&links.join(", ")).map(|(url, _)| url);
        assert_eq!(found.as_deref(), Some(next.as_str()), "{links:?}");
        Ok(())
    });
}

#[test]
fn retry_after_values() {
    fuzz(|u| {
        let pieces = ["1", "120", "0", "-5", "Wed, 21 Oct 2015 07:28:00 GMT", " ", "1e9", "99999999999999999999", "x"];
        let value = text_from(u, &pieces, 4)?;
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert("retry-after", v.clone());
            headers.insert("x-ratelimit-reset", v.clone());
            headers.insert("x-sentry-rate-limit-reset", v);
        }
        let _ = server_wait(&headers);
        Ok(())
    });
}

#[test]
fn heroku_range_headers() {
    fuzz(|u| {
        let pieces = [
            "version",
            "id",
            "created_at",
            " ",
            "..",
            "]",
            "12",
            "; ",
            "max=",
            "order=",
            "desc",
            "asc",
            ",",
            "=",
            "0",
            "5000",
            "é",
        ];
        let header = text_from(u, &pieces, 16)?;
        let range = parse_range(Some(&header), "id");
        assert!((1..=1000).contains(&range.max), "{header:?} gave max {}", range.max);
        assert!(!range.field.is_empty());
        Ok(())
    });
}
