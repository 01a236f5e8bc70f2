//! Who changed which part of the code in this range, so that a problem after the deploy
//! reaches the person who knows that code. An area is a file's top two directory levels.
use super::pulls::{DirectCommit, PullRequest};
use serde::Serialize;
use std::collections::BTreeMap;

/// The area of files directly at the repository root.
pub const ROOT_AREA: &str = "(root)";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AreaOwners {
    pub area: String,
    /// Files changed in this area over the range (a file counted once per PR or direct commit).
    pub files: usize,
    /// Most files changed first.
    pub people: Vec<Owner>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Owner {
    /// GitHub login when known, else the git author name.
    pub name: String,
    pub files: usize,
    pub pull_requests: Vec<u64>,
    pub direct_commits: Vec<String>,
}

/// `app/models/user.rb` -> `app/models`; `config/routes.rb` -> `config`; `Gemfile` -> `(root)`.
pub fn area_of(path: &str) -> String {
    area(path).to_string()
}

/// [`area_of`] without allocating: the table looks up one area per changed file.
fn area(path: &str) -> &str {
    let Some(first) = path.find('/') else { return ROOT_AREA };
    match path[first + 1..].find('/') {
        Some(second) => &path[..first + 1 + second],
        None => &path[..first],
    }
}

pub fn areas_of(files: &[String]) -> Vec<String> {
    let mut areas: Vec<String> = files.iter().map(|f| area_of(f)).collect();
    areas.sort();
    areas.dedup();
    areas
}

/// The ownership table: areas with the most changed files first.
pub fn table(prs: &[PullRequest], direct: &[DirectCommit]) -> Vec<AreaOwners> {
    let mut areas: BTreeMap<String, BTreeMap<String, Owner>> = BTreeMap::new();
    for pr in prs {
        let name = pr.author.as_deref().unwrap_or(&pr.git_author);
        for file in &pr.files {
            let o = owner(&mut areas, area(file), name);
            o.files += 1;
            if o.pull_requests.last() != Some(&pr.number) {
                o.pull_requests.push(pr.number);
            }
        }
    }
    for c in direct {
        for file in &c.files {
            let o = owner(&mut areas, area(file), &c.author);
            o.files += 1;
            if o.direct_commits.last() != Some(&c.sha) {
                o.direct_commits.push(c.sha.clone());
            }
        }
    }
    let mut rows: Vec<AreaOwners> = areas
        .into_iter()
        .map(|(area, people)| {
            let mut people: Vec<Owner> = people.into_values().collect();
            people.sort_by(|a, b| b.files.cmp(&a.files).then_with(|| a.name.cmp(&b.name)));
            for p in &mut people {
                p.pull_requests.sort_unstable();
            }
            AreaOwners { files: people.iter().map(|p| p.files).sum(), area, people }
        })
        .collect();
    rows.sort_by(|a, b| b.files.cmp(&a.files).then_with(|| a.area.cmp(&b.area)));
    rows
}

/// The owner row of `name` in `area`; keys are allocated only the first time they are seen.
fn owner<'a>(areas: &'a mut BTreeMap<String, BTreeMap<String, Owner>>, area: &str, name: &str) -> &'a mut Owner {
    if !areas.contains_key(area) {
        areas.insert(area.to_string(), BTreeMap::new());
    }
    let people = areas.get_mut(area).expect("inserted above");
    if !people.contains_key(name) {
        let owner = Owner { name: name.to_string(), files: 0, pull_requests: Vec::new(), direct_commits: Vec::new() };
        people.insert(name.to_string(), owner);
    }
    people.get_mut(name).expect("inserted above")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_area_is_the_top_two_directory_levels() {
        assert_eq!(area_of("app/models/concerns/billing.rb"), "app/models");
        assert_eq!(area_of("app/models/user.rb"), "app/models");
        assert_eq!(area_of("config/routes.rb"), "config");
        assert_eq!(area_of("Gemfile"), ROOT_AREA);
        assert_eq!(area_of("db/schema.rb"), "db");
        assert_eq!(area_of("a/b/c/d/e.rb"), "a/b");
    }
}
