//! Git fixtures built with git2: fixed signatures and timestamps, so shas are stable.
use git2::{IndexEntry, IndexTime, Oid, Repository, Signature, Time};
use std::collections::BTreeMap;
use std::path::Path;

pub struct Fixture {
    pub repo: Repository,
    /// The files of the commit being prepared: path -> content.
    pub files: BTreeMap<String, String>,
    clock: i64,
}

impl Fixture {
    pub fn init(dir: &Path) -> Fixture {
        let repo = Repository::init(dir).expect("init");
        Fixture { repo, files: BTreeMap::new(), clock: 1_704_067_200 }
    }

    pub fn write(&mut self, path: &str, content: &str) -> &mut Self {
        self.files.insert(path.into(), content.into());
        self
    }

    pub fn remove(&mut self, path: &str) -> &mut Self {
        self.files.remove(path);
        self
    }

    pub fn rename(&mut self, from: &str, to: &str) -> &mut Self {
        let content = self.files.remove(from).expect("renamed file exists");
        self.files.insert(to.into(), content);
        self
    }

    /// Commits the current files with `parents`; an hour after the previous commit.
    pub fn commit(&mut self, author: &str, message: &str, parents: &[Oid]) -> Oid {
        self.clock += 3600;
        let sig = Signature::new(author, &format!("{}@example.com", author.to_lowercase()), &Time::new(self.clock, 0))
            .expect("signature");
        let tree = self.tree();
        let parents: Vec<git2::Commit<'_>> = parents.iter().map(|p| self.repo.find_commit(*p).unwrap()).collect();
        let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        self.repo.commit(None, &sig, &sig, message, &self.repo.find_tree(tree).unwrap(), &refs).expect("commit")
    }

    /// The files of commit `oid` become the current files (to prepare a branch off it).
    pub fn checkout(&mut self, oid: Oid) -> &mut Self {
        let mut files = BTreeMap::new();
        let tree = self.repo.find_commit(oid).unwrap().tree().unwrap();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if let Some(git2::ObjectType::Blob) = entry.kind() {
                let blob = self.repo.find_blob(entry.id()).unwrap();
                let path = format!("{dir}{}", entry.name().unwrap());
                files.insert(path, String::from_utf8_lossy(blob.content()).into_owned());
            }
            git2::TreeWalkResult::Ok
        })
        .unwrap();
        drop(tree);
        self.files = files;
        self
    }

    pub fn set_ref(&self, name: &str, oid: Oid) {
        self.repo.reference(name, oid, true, "fixture").expect("reference");
    }

    fn tree(&self) -> Oid {
        let mut index = git2::Index::new().expect("index");
        for (path, content) in &self.files {
            let id = self.repo.blob(content.as_bytes()).expect("blob");
            index.add(&entry(path, id, content.len())).expect("add");
        }
        index.write_tree_to(&self.repo).expect("write tree")
    }
}

/// An index entry for a regular file (shared with tests that build trees by hand).
pub fn entry(path: &str, id: Oid, size: usize) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: size as u32,
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// The shas of the standard release fixture, by role.
pub struct Release {
    pub production: Oid,
    pub pr1_merge: Oid,
    pub pr2_squash: Oid,
    pub direct: Oid,
    pub pr3_squash: Oid,
    pub hotfix: Oid,
}

pub const CREATE_INVOICES: &str = "db/migrate/20240201000000_create_invoices.rb";
pub const ADD_EMAIL: &str = "db/migrate/20240104000000_add_email.rb";
pub const OLD_THING: &str = "db/migrate/20240103000000_old_thing.rb";
pub const ADD_NAME_OLD: &str = "db/migrate/20240102000000_add_name_to_users.rb";
pub const ADD_NAME_NEW: &str = "db/migrate/20240301000000_add_name_to_users.rb";
pub const BACKFILL: &str = "db/data/20240302000000_backfill_names.rb";
pub const RISKY: &str = "db/migrate/20240401000000_index_emails.rb";
pub const HOTFIX_INDEX: &str = "db/migrate/20240105000000_hotfix_index.rb";

fn migration(class: &str, body: &str) -> String {
    format!("class {class} < ActiveRecord::Migration[7.1]\n  def change\n    {body}\n  end\nend\n")
}

/// production (tag `production`, ref `heroku/master`) then, on master (`origin/master`):
/// PR #1 as a merge commit (adds a migration), PR #2 squashed (edits a merged migration),
/// a direct push (deletes a migration), PR #3 squashed (renames one to a new version and adds
/// a data migration). `hotfix` is a commit off production that master never got.
pub fn release(f: &mut Fixture) -> Release {
    f.write("Procfile", "web: bundle exec puma\nrelease: bin/rails db:migrate && bin/rails data:migrate\n")
        .write("app/models/user.rb", "class User < ApplicationRecord\nend\n")
        .write("config/routes.rb", "Rails.application.routes.draw do\nend\n")
        .write(ADD_NAME_OLD, &migration("AddNameToUsers", "add_column :users, :name, :string"))
        .write(OLD_THING, &migration("OldThing", "create_table :things"))
        .write(ADD_EMAIL, &migration("AddEmail", "add_column :users, :email, :string"));
    let production = f.commit("Alice", "Initial app", &[]);

    f.write("app/models/invoice.rb", "class Invoice < ApplicationRecord\nend\n")
        .write(CREATE_INVOICES, &migration("CreateInvoices", "create_table :invoices"));
    let pr1_branch = f.commit("Bob", "Add invoices", &[production]);
    let pr1_merge =
        f.commit("Carol", "Merge pull request #1 from acme/invoices\n\nCreate invoices\n", &[production, pr1_branch]);

    f.write(ADD_EMAIL, &migration("AddEmail", "add_column :users, :email, :string, null: false"))
        .write("app/controllers/users_controller.rb", "class UsersController < ApplicationController\nend\n");
    let pr2_squash = f.commit("Dave", "Require emails (#2)\n\n* squashed commits", &[pr1_merge]);

    f.write("config/routes.rb", "Rails.application.routes.draw do\n  root 'home#index'\nend\n").remove(OLD_THING);
    let direct = f.commit("Erin", "Fix the root route", &[pr2_squash]);

    f.rename(ADD_NAME_OLD, ADD_NAME_NEW)
        .write(BACKFILL, "class BackfillNames < ActiveRecord::Migration[7.1]\n  def up\n  end\nend\n");
    let pr3_squash = f.commit("Dave", "Rename the name migration (#3)", &[direct]);

    f.checkout(production).write(HOTFIX_INDEX, &migration("HotfixIndex", "add_index :users, :email"));
    let hotfix = f.commit("Alice", "Production hotfix", &[production]);

    f.set_ref("refs/tags/production", production);
    f.set_ref("refs/remotes/heroku/master", production);
    f.set_ref("refs/remotes/origin/master", pr3_squash);
    f.set_ref("refs/heads/hotfix", hotfix);
    Release { production, pr1_merge, pr2_squash, direct, pr3_squash, hotfix }
}
