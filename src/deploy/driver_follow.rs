//! The driver's long-running tasks: creating the build (and reading it back when the POST got
//! no answer), following the build and the release phase (stream, then the status; or the
//! status alone once a stream dropped), and the watch.
use crate::deploy::driver::Driver;
use crate::deploy::events::{DeployEvent, OutputSource};
use crate::deploy::follow;
use crate::deploy::machine::{BuildRef, Event, Follow, ReleaseRef};
use crate::error::Failure;
use crate::exit::Exit;

impl Driver {
    pub(crate) async fn create_build(&mut self, sha: &str, attempt: u32) -> Event {
        if attempt > 1 {
            self.reporter.line(&format!("creating the build again (request {attempt}): Heroku has no build of it"));
        }
        let Some(github) = self.services.github.as_ref() else {
            return Event::Failed(Failure::new(Exit::Failure, "github_missing", "deploying needs GitHub"));
        };
        let mut description = format!("bpdeploy: {} by {}", self.setup.branch, self.setup.who);
        if let Some(id) = self.machine.facts.deployment_id {
            // The lock finds a deployment's work by this tag (see `lock_io`).
            description = format!("{description} {}", crate::deploy::lock_io::deployment_tag(id));
        }
        let event = follow::create_build(&self.services.heroku, github, &self.setup.app, sha, &description).await;
        self.note_build(&event);
        event
    }

    pub(crate) async fn find_build(&mut self, sha: &str) -> Event {
        self.reporter.warn("the build request got no answer; reading Heroku's builds back before anything else");
        let (heroku, app, poll) = (&self.services.heroku, &self.setup.app, self.setup.poll);
        let event = follow::find_build(heroku, app, sha, &self.known_builds, poll).await;
        self.reconciled_build = matches!(event, Event::BuildStarted(_));
        self.note_build(&event);
        event
    }

    fn note_build(&mut self, event: &Event) {
        if let Event::BuildStarted(b) = event {
            let status = "pending".to_string();
            self.reporter.event(DeployEvent::Build { id: b.id.clone(), status, reconciled: self.reconciled_build });
        }
    }

    pub(crate) async fn follow_build(&mut self, build: &BuildRef, via: Follow) -> Event {
        let app = self.setup.app.clone();
        let heroku = self.services.heroku.clone();
        if let (Follow::Stream, Some(url)) = (via, &build.stream_url) {
            self.reporter.follow("building", self.eta);
            let transport = self.services.transport.clone();
            let (reporter, tail) = (&mut self.reporter, &mut self.build_tail);
            let read = follow::read_stream(&transport, url, |line| {
                tail.push(line);
                reporter.output(OutputSource::Build, line, tail);
            })
            .await;
            self.reporter.finish_spinner();
            if let Err(reason) = read {
                self.reporter
                    .warn(&format!("the build output stream dropped ({reason}); polling the build status instead"));
                return Event::StreamDropped;
            }
        } else {
            self.reporter.follow("building (polling the status)", self.eta);
        }
        // The output is a view; the build's status is the truth.
        let event = follow::poll_build(&heroku, &app, &build.id, self.setup.poll).await;
        self.reporter.finish_spinner();
        self.build_finished(build, event)
    }

    fn build_finished(&mut self, build: &BuildRef, event: Event) -> Event {
        let status = match &event {
            Event::BuildSucceeded { .. } => "succeeded",
            Event::BuildFailed => "failed",
            _ => return event,
        };
        self.reporter.event(DeployEvent::Build { id: build.id.clone(), status: status.into(), reconciled: false });
        event
    }

    pub(crate) async fn find_release(&mut self, build: &BuildRef, release_id: Option<String>) -> Event {
        let event =
            follow::find_release(&self.services.heroku, &self.setup.app, build, release_id, self.setup.poll).await;
        if let Event::ReleaseFound(r) = &event {
            self.stage.release_version = Some(r.version);
            self.reporter.event(DeployEvent::Release { version: r.version, status: "pending".into() });
        }
        event
    }

    pub(crate) async fn follow_release(&mut self, release: &ReleaseRef, via: Follow) -> Event {
        let app = self.setup.app.clone();
        let heroku = self.services.heroku.clone();
        self.stage.release_version = Some(release.version);
        if let (Follow::Stream, Some(url)) = (via, &release.stream_url) {
            self.reporter.follow("release phase", None);
            match self.read_release_log(url, 0).await {
                Ok(()) => self.migrations.log_complete(),
                Err(reason) => {
                    self.reporter.finish_spinner();
                    self.reporter
                        .warn(&format!("the release phase stream dropped ({reason}); polling the release status"));
                    return Event::StreamDropped;
                }
            }
        } else {
            self.reporter.follow("release phase (polling the status)", None);
        }
        let event = follow::poll_release(&heroku, &app, &release.id, self.setup.poll).await;
        self.reporter.finish_spinner();
        if via == Follow::Poll && matches!(event, Event::ReleaseSucceeded | Event::ReleaseFailed) {
            self.read_release_log_again(release).await;
        }
        self.release_finished(release, event)
    }

    /// Reads the release-phase log, skipping the first `skip` lines (seen on an earlier read).
    async fn read_release_log(&mut self, url: &crate::api::SecretUrl, skip: usize) -> Result<(), String> {
        let transport = self.services.transport.clone();
        let (reporter, tail, migrations) = (&mut self.reporter, &mut self.release_tail, &mut self.migrations);
        let seen = &mut self.release_lines;
        let mut index = 0;
        follow::read_stream(&transport, url, |line| {
            index += 1;
            if index <= skip {
                return;
            }
            *seen += 1;
            tail.push(line);
            if let Some(m) = migrations.observe(line) {
                reporter.event(DeployEvent::Migration(m));
            }
            reporter.output(OutputSource::Release, line, tail);
        })
        .await
    }

    /// The stream dropped and the release has finished: its whole log is there now. Reading it
    /// once more tells which migrations ran instead of leaving them unknown.
    async fn read_release_log_again(&mut self, release: &ReleaseRef) {
        let Some(url) = release.stream_url.clone() else { return };
        let skip = self.release_lines;
        match self.read_release_log(&url, skip).await {
            Ok(()) => self.migrations.log_complete(),
            Err(reason) => self.reporter.warn(&format!(
                "the release phase log could not be read again ({reason}); migrations it did not show are unknown"
            )),
        }
    }

    fn release_finished(&mut self, release: &ReleaseRef, event: Event) -> Event {
        let status = match &event {
            Event::ReleaseSucceeded => "succeeded",
            Event::ReleaseFailed => "failed",
            _ => return event,
        };
        self.release_end = Some(status == "succeeded");
        self.reporter.event(DeployEvent::Release { version: release.version, status: status.into() });
        event
    }
}
