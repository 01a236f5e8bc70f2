//! Creating the build and following it and its release phase on Heroku. The output stream is a
//! view; the object's status is the truth: at the end of a stream the status is read, and when a
//! stream drops the machine switches to polling the status.
use crate::api::github::GitHub;
use crate::api::heroku::{Build, Heroku, NewBuild, Release, SourceBlob};
use crate::api::stream::{OutputStream, StreamEvent};
use crate::api::{ApiError, SecretUrl, Transport};
use crate::deploy::steps::{BuildRef, Event, ReleaseRef};
use crate::error::Failure;
use std::collections::BTreeSet;
use std::time::Duration;

/// How many status polls to wait for the release a finished build creates.
const RELEASE_APPEARS_WITHIN_POLLS: u32 = 40;

pub fn build_ref(b: &Build) -> BuildRef {
    BuildRef { id: b.id.clone(), stream_url: b.output_stream_url.clone() }
}

pub fn release_ref(r: &Release) -> ReleaseRef {
    ReleaseRef { id: r.id.clone(), version: r.version, stream_url: r.output_stream_url.clone() }
}

/// An API error as the machine's `Failed` event, with what was being done.
pub fn failed(doing: &str, e: ApiError) -> Event {
    Event::Failed(Failure::from_anyhow(&anyhow::Error::new(e).context(doing.to_string())))
}

/// Gets the tarball URL and POSTs the build at once (a private repo's URL lives five minutes).
pub async fn create_build(heroku: &Heroku, github: &GitHub, app: &str, sha: &str, description: &str) -> Event {
    let url = match github.tarball_url(sha).await {
        Ok(url) => url,
        Err(e) => return failed("getting the source tarball from GitHub", e),
    };
    let blob = SourceBlob {
        url: Some(url),
        checksum: None,
        version: Some(sha.to_string()),
        version_description: Some(description.to_string()),
    };
    match heroku.create_build(app, &NewBuild { source_blob: blob }).await {
        Ok(build) => Event::BuildStarted(build_ref(&build)),
        Err(ApiError::Ambiguous { .. }) => Event::BuildOutcomeUnknown,
        Err(e) => failed("creating the build", e),
    }
}

/// After an unanswered build POST: the build of this sha, if Heroku has one that was not there
/// before the deploy started (`known` holds the ids listed then).
pub async fn find_build(heroku: &Heroku, app: &str, sha: &str, known: &BTreeSet<String>) -> Event {
    match heroku.builds(app, 20).await {
        Ok(builds) => builds
            .iter()
            .find(|b| b.source_blob.version.as_deref() == Some(sha) && !known.contains(&b.id))
            .map(|b| Event::BuildStarted(build_ref(b)))
            .unwrap_or(Event::BuildMissing),
        Err(e) => failed("looking for the build after an unanswered request", e),
    }
}

/// Reads an output stream to its end, handing each line over. `Err` carries why it dropped.
pub async fn read_stream(transport: &Transport, url: &SecretUrl, mut on_line: impl FnMut(&str)) -> Result<(), String> {
    let mut stream = OutputStream::new(transport, url.clone());
    while let Some(event) = stream.next().await {
        match event {
            StreamEvent::Line(line) => on_line(&line),
            StreamEvent::Ended => return Ok(()),
            StreamEvent::Dropped { reason } => return Err(reason),
        }
    }
    Ok(())
}

/// The event a finished (or not) build status means.
pub fn build_event(build: &Build) -> Option<Event> {
    match build.status.as_str() {
        "succeeded" => Some(Event::BuildSucceeded { release_id: build.release.as_ref().map(|r| r.id.clone()) }),
        "failed" => Some(Event::BuildFailed),
        _ => None,
    }
}

pub fn release_event(release: &Release) -> Option<Event> {
    match release.status.as_str() {
        "succeeded" => Some(Event::ReleaseSucceeded),
        // An expired release never ran: for the deploy it failed.
        "failed" | "expired" => Some(Event::ReleaseFailed),
        _ => None,
    }
}

/// Polls the build until it is no longer pending.
pub async fn poll_build(heroku: &Heroku, app: &str, id: &str, every: Duration) -> Event {
    loop {
        match heroku.build(app, id).await {
            Ok(b) => {
                if let Some(event) = build_event(&b) {
                    return event;
                }
            }
            Err(e) => return failed("reading the build status", e),
        }
        tokio::time::sleep(every).await;
    }
}

pub async fn poll_release(heroku: &Heroku, app: &str, id: &str, every: Duration) -> Event {
    loop {
        match heroku.release(app, id).await {
            Ok(r) => {
                if let Some(event) = release_event(&r) {
                    return event;
                }
            }
            Err(e) => return failed("reading the release status", e),
        }
        tokio::time::sleep(every).await;
    }
}

/// The release a succeeded build created: named by the build once Heroku links it, else the
/// newest release carrying the build's slug.
pub async fn find_release(
    heroku: &Heroku,
    app: &str,
    build: &BuildRef,
    release_id: Option<String>,
    every: Duration,
) -> Event {
    let mut release_id = release_id;
    for _ in 0..RELEASE_APPEARS_WITHIN_POLLS {
        if let Some(id) = &release_id {
            return match heroku.release(app, id).await {
                Ok(r) => Event::ReleaseFound(release_ref(&r)),
                Err(e) => failed("reading the new release", e),
            };
        }
        let b = match heroku.build(app, &build.id).await {
            Ok(b) => b,
            Err(e) => return failed("reading the build", e),
        };
        release_id = b.release.map(|r| r.id);
        if release_id.is_none() {
            if let Some(slug) = b.slug.map(|s| s.id) {
                let releases = match heroku.releases(app, 5).await {
                    Ok(r) => r,
                    Err(e) => return failed("listing releases", e),
                };
                if let Some(r) = releases.iter().find(|r| r.slug.as_ref().is_some_and(|s| s.id == slug)) {
                    return Event::ReleaseFound(release_ref(r));
                }
            }
            tokio::time::sleep(every).await;
        }
    }
    Event::Failed(
        Failure::new(crate::exit::Exit::Failure, "release_not_found", "the build succeeded but no release appeared")
            .with_hint("check `bpdeploy releases`; the release may still come"),
    )
}
