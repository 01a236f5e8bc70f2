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

/// A status read that fails (after the transport's own retries) is tried again at the next poll;
/// this many failures in a row end the following, and the account is read back.
pub const MAX_FAILED_POLLS: u32 = 5;

/// After a create (a build, a rollback, a GitHub deployment, a Slack post) got no answer, what
/// it made is read back this many times at least, over a window of time at least (twice the
/// request timeout, mostly): a request that reached the service late still shows up.
pub(crate) const READ_BACK_POLLS: u32 = 5;

/// The safe window of one read-back: [`READ_BACK_POLLS`] reads at least, over `window` at least,
/// before concluding that a request whose answer was lost did not happen.
pub(crate) struct ReadBack {
    started: std::time::Instant,
    window: Duration,
    reads: u32,
}

impl ReadBack {
    pub(crate) fn new(window: Duration) -> ReadBack {
        ReadBack { started: std::time::Instant::now(), window, reads: 0 }
    }

    /// Counts one read that did not find it: true once the window is over, so it did not happen.
    pub(crate) fn missed(&mut self) -> bool {
        self.reads += 1;
        self.reads >= READ_BACK_POLLS && self.started.elapsed() >= self.window
    }
}

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
/// before the deploy started (`known` holds the ids listed then). The builds are read over a
/// safe window (several polls over at least twice the request timeout): only when every read
/// answered and none shows the build may the POST be sent again.
pub async fn find_build(heroku: &Heroku, app: &str, sha: &str, known: &BTreeSet<String>, every: Duration) -> Event {
    let mut read_back = ReadBack::new((heroku.http().settings().timeout * 2).max(every * READ_BACK_POLLS));
    loop {
        match heroku.builds(app, 20).await {
            Ok(builds) => {
                let ours =
                    builds.iter().find(|b| b.source_blob.version.as_deref() == Some(sha) && !known.contains(&b.id));
                if let Some(b) = ours {
                    return Event::BuildStarted(build_ref(b));
                }
            }
            Err(e) => {
                let failure = Failure::from_anyhow(&anyhow::Error::new(e).context(
                    "the build request got no answer, and Heroku's builds cannot be read to see whether it happened",
                ));
                return Event::Failed(failure.with_hint(
                    "the outcome is unknown: `bpdeploy releases` and `heroku builds` show whether a build started",
                ));
            }
        }
        if read_back.missed() {
            return Event::BuildMissing;
        }
        tokio::time::sleep(every).await;
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

/// Polls the build until it is no longer pending. A failed read is tried again next poll;
/// [`MAX_FAILED_POLLS`] in a row end it.
pub async fn poll_build(heroku: &Heroku, app: &str, id: &str, every: Duration) -> Event {
    poll(every, "reading the build status", || heroku.build(app, id), |b| build_event(&b)).await
}

pub async fn poll_release(heroku: &Heroku, app: &str, id: &str, every: Duration) -> Event {
    poll(every, "reading the release status", || heroku.release(app, id), |r| release_event(&r)).await
}

async fn poll<T, F, Fut>(every: Duration, doing: &str, read: F, done: impl Fn(T) -> Option<Event>) -> Event
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let mut failures = 0;
    loop {
        match read().await {
            Ok(value) => {
                failures = 0;
                if let Some(event) = done(value) {
                    return event;
                }
            }
            Err(e) if failures + 1 < MAX_FAILED_POLLS => {
                failures += 1;
                tracing::info!("{doing} failed ({e}); trying again at the next poll");
            }
            Err(e) => return failed(doing, e),
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
    let mut failures = 0;
    for _ in 0..RELEASE_APPEARS_WITHIN_POLLS {
        match release_step(heroku, app, build, &mut release_id).await {
            Ok(Some(event)) => return event,
            Ok(None) => failures = 0,
            Err(e) if failures + 1 < MAX_FAILED_POLLS => {
                failures += 1;
                tracing::info!("looking for the new release failed ({e}); trying again at the next poll");
            }
            Err(e) => return failed("looking for the release the build created", e),
        }
        tokio::time::sleep(every).await;
    }
    Event::Failed(
        Failure::new(crate::exit::Exit::Failure, "release_not_found", "the build succeeded but no release appeared")
            .with_hint("check `bpdeploy releases`; the release may still come"),
    )
}

/// One look for the release a build created: by the build's link, else by its slug.
async fn release_step(
    heroku: &Heroku,
    app: &str,
    build: &BuildRef,
    release_id: &mut Option<String>,
) -> Result<Option<Event>, ApiError> {
    if release_id.is_none() {
        let b = heroku.build(app, &build.id).await?;
        *release_id = b.release.map(|r| r.id);
        if release_id.is_none() {
            return release_by_slug(heroku, app, b.slug.map(|s| s.id)).await;
        }
    }
    let id = release_id.as_deref().unwrap_or_default();
    Ok(Some(Event::ReleaseFound(release_ref(&heroku.release(app, id).await?))))
}

async fn release_by_slug(heroku: &Heroku, app: &str, slug: Option<String>) -> Result<Option<Event>, ApiError> {
    if let Some(slug) = slug {
        let releases = heroku.releases(app, 5).await?;
        if let Some(r) = releases.iter().find(|r| r.slug.as_ref().is_some_and(|s| s.id == slug)) {
            return Ok(Some(Event::ReleaseFound(release_ref(r))));
        }
    }
    Ok(None)
}
