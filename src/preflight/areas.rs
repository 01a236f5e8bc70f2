//! An area is a file's top two directory levels: how PRs and the ownership table group files.

/// The area of files directly at the repository root.
pub const ROOT_AREA: &str = "(root)";

/// `app/models/user.rb` -> `app/models`; `config/routes.rb` -> `config`; `Gemfile` -> `(root)`.
pub fn area_of(path: &str) -> String {
    area(path).to_string()
}

/// [`area_of`] without allocating: the table looks up one area per changed file.
pub(super) fn area(path: &str) -> &str {
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
