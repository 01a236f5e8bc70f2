//! A repository shaped like a long-lived Rails application's, for the "real history" case when
//! no real one is at hand: ~4,000 files in deep trees (namespaced models and controllers, React
//! components five levels down, a spec tree mirroring app/), 5,700 first-parent commits over a
//! full history (merge PRs of one to three commits, squash PRs, direct pushes), 534 migrations,
//! and frequent edits to big files (db/schema.rb grows with each migration, Gemfile.lock and
//! the main locale file change often). Written through `git fast-import` as a stream, then
//! repacked with deltas as a clone would be.
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};

pub const FIRST_PARENT: usize = 5_700;
pub const MIGRATIONS: usize = 534;

/// Builds the repository in `dir`; returns (root, tip) shas: the full first-parent history.
pub fn build(dir: &Path) -> (String, String) {
    git(dir, &["init", "--quiet", "--initial-branch=master"]);
    let marks = dir.join(".git/bench-marks");
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["fast-import", "--quiet"])
        .arg(format!("--export-marks={}", marks.display()))
        .stdin(Stdio::piped())
        .spawn()
        .expect("git fast-import");
    let stdin = child.stdin.take().expect("stdin");
    let mut w = Stream { out: BufWriter::with_capacity(1 << 20, stdin), mark: 0, clock: 1_500_000_000 };
    let (root, tip) = history(&mut w);
    w.out.flush().expect("flush");
    drop(w);
    assert!(child.wait().expect("fast-import").success());
    git(dir, &["repack", "-a", "-d", "-f", "--depth=50", "--window=50", "--quiet"]);
    let marks = std::fs::read_to_string(marks).expect("marks");
    let sha = |m: usize| marks.lines().find_map(|l| l.strip_prefix(&format!(":{m} "))).expect("mark").to_string();
    (sha(root), sha(tip))
}

struct Stream<W: Write> {
    out: W,
    mark: usize,
    clock: u64,
}

impl<W: Write> Stream<W> {
    fn commit(&mut self, branch: &str, who: &str, msg: &str, from: Option<usize>, merge: Option<usize>) -> usize {
        self.mark += 1;
        self.clock += 600;
        let (m, c) = (self.mark, self.clock);
        let w = &mut self.out;
        write!(w, "commit refs/heads/{branch}\nmark :{m}\nauthor {who} <{who}@example.com> {c} +0000\n").unwrap();
        write!(w, "committer {who} <{who}@example.com> {c} +0000\ndata {}\n{msg}\n", msg.len()).unwrap();
        if let Some(f) = from {
            writeln!(w, "from :{f}").unwrap();
        }
        if let Some(g) = merge {
            writeln!(w, "merge :{g}").unwrap();
        }
        m
    }

    fn put(&mut self, path: &str, content: &str) {
        write!(self.out, "M 100644 inline {path}\ndata {}\n{content}\n", content.len()).unwrap();
    }

    fn delete(&mut self, path: &str) {
        writeln!(self.out, "D {path}").unwrap();
    }
}

/// The application's files: deep, namespaced, as a big Rails monolith lays them out.
fn base_files() -> Vec<String> {
    let mut files = Vec::new();
    let domains = ["billing", "catalog", "checkout", "accounts", "search", "shipping", "reports", "admin"];
    for d in domains {
        for i in 0..40 {
            files.push(format!("app/models/{d}/record_{i}.rb"));
            files.push(format!("spec/models/{d}/record_{i}_spec.rb"));
        }
        for i in 0..25 {
            files.push(format!("app/controllers/api/v2/{d}/resource_{i}_controller.rb"));
            files.push(format!("spec/requests/api/v2/{d}/resource_{i}_spec.rb"));
            files.push(format!("app/services/{d}/operations/step_{i}.rb"));
        }
        for area in 0..6 {
            for c in 0..12 {
                let base = format!("app/javascript/components/{d}/area_{area}/Component{c}");
                files.push(format!("{base}/index.tsx"));
                files.push(format!("{base}/styles.module.scss"));
                files.push(format!("{base}/__tests__/Component{c}.test.tsx"));
            }
        }
        for v in 0..15 {
            for a in ["index", "show", "edit", "_form"] {
                files.push(format!("app/views/{d}/view_{v}/{a}.html.erb"));
            }
        }
    }
    for i in 0..120 {
        files.push(format!("lib/tasks/maintenance/task_{i}.rake"));
        files.push(format!("config/initializers/setting_{i}.rb"));
    }
    files
}

fn small(path: &str, version: usize) -> String {
    format!("# {path}\n# revision {version}\nmodule App\n  class Part\n    def call\n      :ok\n    end\n  end\nend\n")
}

/// A big text file of `lines` lines whose line `edit` carries `version`.
fn big(kind: &str, lines: usize, edit: usize, version: usize) -> String {
    let mut s = String::with_capacity(lines * 48);
    for i in 0..lines {
        if i == edit % lines {
            s.push_str(&format!("  {kind}_{i}: \"changed in {version}\"\n"));
        } else {
            s.push_str(&format!("  {kind}_{i}: \"value number {i} of the {kind} file\"\n"));
        }
    }
    s
}

fn schema_rb(tables: usize) -> String {
    let mut s = String::from("ActiveRecord::Schema[7.1].define(version: 2024_01_01_000000) do\n");
    for t in 0..tables {
        s.push_str(&format!("  create_table \"table_{t}\", force: :cascade do |t|\n"));
        for c in 0..8 {
            s.push_str(&format!("    t.string \"column_{c}\"\n"));
        }
        s.push_str("    t.datetime \"created_at\", null: false\n    t.datetime \"updated_at\", null: false\n  end\n\n");
    }
    s.push_str("end\n");
    s
}

fn migration(n: usize) -> (String, String) {
    let class = format!("ChangeNumber{n}");
    let body = match n % 5 {
        0 => format!("    create_table :table_{n} do |t|\n      t.string :name\n      t.references :account\n      t.timestamps\n    end"),
        1 => format!("    add_column :table_{}, :extra_{n}, :string", n / 2),
        2 => format!("    add_index :table_{}, :column_1, algorithm: :concurrently", n / 2),
        3 => format!("    change_column_null :table_{}, :column_2, false", n / 2),
        _ => format!("    remove_column :table_{}, :column_3, :string", n / 2),
    };
    let ddl = if n % 5 == 2 { "  disable_ddl_transaction!\n\n" } else { "" };
    let text = format!("class {class} < ActiveRecord::Migration[7.1]\n{ddl}  def change\n{body}\n  end\nend\n");
    (format!("db/migrate/{}_change_number_{n}.rb", 20_180_000_000_000u64 + n as u64 * 10_000), text)
}

fn history<W: Write>(w: &mut Stream<W>) -> (usize, usize) {
    let mut files = base_files();
    let mut rng = fastrand::Rng::with_seed(42);
    let people = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"];
    let root = w.commit("master", "alice", "Initial application", None, None);
    w.put("Procfile", "web: bundle exec puma\nrelease: bin/rails db:migrate && bin/rails data:migrate\n");
    w.put(
        "config/application.rb",
        "module App\n  class Application < Rails::Application\n    config.load_defaults 7.1\n  end\nend\n",
    );
    for f in &files {
        w.put(f, &small(f, 0));
    }
    let mut tables = 300;
    w.put("db/schema.rb", &schema_rb(tables));
    w.put("Gemfile.lock", &big("gem", 600, 0, 0));
    w.put("config/locales/en.yml", &big("key", 1_500, 0, 0));
    let mut head = root;
    let mut migrations = 0;
    for n in 1..FIRST_PARENT {
        let who = people[rng.usize(..people.len())];
        // What the change touches: a few app files, sometimes a new file, sometimes a big file.
        let mut change: Vec<(String, Option<String>)> = Vec::new();
        for _ in 0..rng.usize(1..6) {
            let f = files[rng.usize(..files.len())].clone();
            change.push((f.clone(), Some(small(&f, n))));
        }
        if rng.usize(..10) == 0 {
            let f = format!("app/javascript/components/new/feature_{n}/Widget/index.tsx");
            change.push((f.clone(), Some(small(&f, n))));
            files.push(f);
        }
        if rng.usize(..40) == 0 && files.len() > 100 {
            let gone = files.swap_remove(rng.usize(..files.len()));
            change.push((gone, None));
        }
        if rng.usize(..8) == 0 {
            change.push(("Gemfile.lock".into(), Some(big("gem", 600, n, n))));
        }
        if rng.usize(..6) == 0 {
            change.push(("config/locales/en.yml".into(), Some(big("key", 1_500, n, n))));
        }
        if migrations < MIGRATIONS && n % (FIRST_PARENT / MIGRATIONS) == 0 {
            migrations += 1;
            let (path, text) = migration(migrations);
            change.push((path, Some(text)));
            if migrations % 5 == 0 {
                tables += 1;
            }
            change.push(("db/schema.rb".into(), Some(schema_rb(tables))));
        }
        let apply = |w: &mut Stream<W>, change: &[(String, Option<String>)]| {
            for (path, content) in change {
                match content {
                    Some(c) => w.put(path, c),
                    None => w.delete(path),
                }
            }
        };
        match n % 10 {
            // Merge PRs: a topic branch of one to three commits, merged with GitHub's message.
            0..=5 => {
                let mut tip = head;
                let commits = rng.usize(1..4);
                let per = change.len().div_ceil(commits).max(1);
                for (i, part) in change.chunks(per).enumerate() {
                    tip = w.commit("topic", who, &format!("Work on feature {n}, step {i}"), Some(tip), None);
                    apply(w, part);
                }
                let msg = format!("Merge pull request #{n} from acme/feature-{n}\n\nFeature {n}");
                head = w.commit("master", "web-flow", &msg, Some(head), Some(tip));
                apply(w, &change);
            }
            // Squash merges.
            6..=8 => {
                head = w.commit("master", who, &format!("Feature {n} (#{n})"), Some(head), None);
                apply(w, &change);
            }
            _ => {
                head = w.commit("master", who, &format!("Fix typo {n}"), Some(head), None);
                apply(w, &change);
            }
        }
    }
    (root, head)
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git").arg("-C").arg(dir).args(args).status().expect("git").success();
    assert!(ok, "git {args:?}");
}
