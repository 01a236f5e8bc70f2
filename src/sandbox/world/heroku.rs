//! The Heroku app: releases, builds and slugs, with their JSON shapes (platform API v3 names).
use super::output::OutputLog;
use crate::sandbox::clock::stamp;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Succeeded,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
        }
    }
}

/// Heroku ids are UUIDs; these are stable per kind and sequence number.
pub fn uuid(kind: u32, n: u64) -> String {
    format!("{:08x}-5a4d-4{:03x}-9e1f-{:012x}", 0x5a000000 + kind * 0x10000 + n as u32, kind, n)
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub email: String,
}

#[derive(Debug, Clone)]
pub struct Slug {
    pub id: String,
    pub commit: String,
    pub commit_description: String,
    pub process_types: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Release {
    pub id: String,
    pub version: u64,
    pub description: String,
    pub slug_id: Option<String>,
    pub status: Status,
    pub user: Account,
    pub addon_plan_names: Vec<String>,
    /// The config vars the release runs with (a rollback copies its target's).
    pub config: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub output: Option<Arc<OutputLog>>,
}

#[derive(Debug, Clone)]
pub struct Build {
    pub id: String,
    pub status: Status,
    pub source_blob: Value,
    pub user: Account,
    pub slug_id: Option<String>,
    pub release_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub output: Arc<OutputLog>,
}

#[derive(Debug)]
pub struct HerokuApp {
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub releases: Vec<Release>,
    pub builds: Vec<Build>,
    pub slugs: Vec<Slug>,
    /// Schema and data migration versions the app's database has run (rollback never undoes them).
    pub applied_schema: BTreeSet<String>,
    pub applied_data: BTreeSet<String>,
    pub maintenance: bool,
}

impl HerokuApp {
    /// The release serving traffic: the newest one whose release phase succeeded.
    pub fn current(&self) -> Option<&Release> {
        self.releases.iter().filter(|r| r.status == Status::Succeeded).max_by_key(|r| r.version)
    }

    pub fn release(&self, id_or_version: &str) -> Option<&Release> {
        let v = id_or_version.trim_start_matches('v').parse::<u64>().ok();
        self.releases.iter().find(|r| r.id == id_or_version || Some(r.version) == v)
    }

    /// The config of the current release: what `GET /apps/{app}/config-vars` answers.
    pub fn config(&self) -> BTreeMap<String, String> {
        self.current().map(|r| r.config.clone()).unwrap_or_default()
    }

    pub fn release_mut(&mut self, id: &str) -> Option<&mut Release> {
        self.releases.iter_mut().find(|r| r.id == id)
    }

    pub fn build_mut(&mut self, id: &str) -> Option<&mut Build> {
        self.builds.iter_mut().find(|b| b.id == id)
    }

    pub fn slug(&self, id: &str) -> Option<&Slug> {
        self.slugs.iter().find(|s| s.id == id)
    }

    pub fn next_version(&self) -> u64 {
        self.releases.iter().map(|r| r.version).max().unwrap_or(0) + 1
    }

    pub fn app_json(&self, base: &str) -> Value {
        let released_at = self.current().map(|r| stamp(r.updated_at));
        json!({
            "acm": false, "archived_at": null, "buildpack_provided_description": "Ruby",
            "build_stack": {"id": uuid(9, 24), "name": "heroku-24"},
            "created_at": stamp(self.created_at), "generation": {"id": uuid(8, 1), "name": "cedar"},
            "git_url": format!("https://git.heroku.com/{}.git", self.name), "id": self.id,
            "internal_routing": null, "maintenance": self.maintenance, "name": self.name,
            "owner": {"email": "you@acme.test", "id": uuid(7, 1)}, "organization": {"id": uuid(6, 1), "name": "acme"},
            "team": {"id": uuid(6, 1), "name": "acme"}, "region": {"id": uuid(5, 1), "name": "us"},
            "released_at": released_at, "repo_size": null, "slug_size": 54_613_000, "space": null,
            "stack": {"id": uuid(9, 24), "name": "heroku-24"}, "updated_at": released_at,
            "web_url": format!("{base}/{}/", self.name),
        })
    }

    pub fn release_json(&self, r: &Release, base: &str) -> Value {
        let current = self.current().is_some_and(|c| c.id == r.id);
        // Heroku offers rollback to code releases that succeeded; never to the current one.
        let eligible = r.status == Status::Succeeded && !current && r.slug_id.is_some();
        json!({
            "addon_plan_names": r.addon_plan_names,
            "artifacts": r.slug_id.iter().map(|id| json!({"type": "slug", "id": id})).collect::<Vec<_>>(),
            "app": {"id": self.id, "name": self.name},
            "created_at": stamp(r.created_at), "description": r.description, "id": r.id,
            "updated_at": stamp(r.updated_at),
            "slug": r.slug_id.as_ref().map(|id| json!({"id": id})),
            "status": r.status.as_str(),
            "user": {"id": r.user.id, "email": r.user.email},
            "version": r.version, "current": current,
            "output_stream_url": r.output.as_ref().map(|_| format!("{base}/streams/releases/{}.log", r.id)),
            "eligible_for_rollback": eligible,
        })
    }

    pub fn build_json(&self, b: &Build, base: &str) -> Value {
        json!({
            "app": {"id": self.id},
            "buildpacks": [{"url": "heroku/ruby", "name": "heroku/ruby"}],
            "created_at": stamp(b.created_at), "generation": "cedar", "id": b.id,
            "output_stream_url": format!("{base}/streams/builds/{}.log", b.id),
            "source_blob": b.source_blob,
            "release": b.release_id.as_ref().map(|id| json!({"id": id})),
            "slug": b.slug_id.as_ref().map(|id| json!({"id": id})),
            "stack": "heroku-24", "status": b.status.as_str(), "updated_at": stamp(b.updated_at),
            "user": {"id": b.user.id, "email": b.user.email},
        })
    }

    pub fn slug_json(&self, s: &Slug, base: &str) -> Value {
        json!({
            "blob": {"method": "get", "url": format!("{base}/streams/slugs/{}.tgz", s.id)},
            "buildpack_provided_description": "Ruby/Rails",
            "checksum": format!("SHA256:{:0>64}", &s.commit), "commit": s.commit,
            "commit_description": s.commit_description, "created_at": stamp(s.created_at), "id": s.id,
            "process_types": s.process_types, "size": 54_613_000,
            "stack": {"id": uuid(9, 24), "name": "heroku-24"}, "updated_at": stamp(s.created_at), "deleted_at": null,
        })
    }

    /// Two web dynos and a worker, on the current release.
    pub fn dynos_json(&self) -> Vec<Value> {
        let Some(current) = self.current() else { return Vec::new() };
        let at = stamp(current.updated_at);
        [
            ("web", 1, "bundle exec puma -C config/puma.rb"),
            ("web", 2, "bundle exec puma -C config/puma.rb"),
            ("worker", 1, "bundle exec sidekiq"),
        ]
        .iter()
        .enumerate()
        .map(|(i, (kind, n, command))| {
            json!({
                "attach_url": null, "command": command, "created_at": at, "id": uuid(4, i as u64 + 1),
                "name": format!("{kind}.{n}"), "release": {"id": current.id, "version": current.version},
                "app": {"id": self.id, "name": self.name}, "size": "Standard-2X", "state": "up",
                "type": kind, "updated_at": at,
            })
        })
        .collect()
    }

    pub fn formation_json(&self) -> Vec<Value> {
        let at = stamp(self.created_at);
        [
            ("web", 2, "bundle exec puma -C config/puma.rb"),
            ("worker", 1, "bundle exec sidekiq"),
            ("release", 0, "bundle exec rake db:migrate data:migrate"),
        ]
        .iter()
        .enumerate()
        .map(|(i, (kind, quantity, command))| {
            json!({
                "app": {"id": self.id, "name": self.name}, "command": command, "created_at": at,
                "dyno_size": {"id": uuid(3, 2), "name": "Standard-2X"}, "id": uuid(2, i as u64 + 1),
                "quantity": quantity, "size": "Standard-2X", "type": kind, "updated_at": at,
            })
        })
        .collect()
    }
}
