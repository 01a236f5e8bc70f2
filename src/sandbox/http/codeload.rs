//! The tarball download GitHub's redirect points at. Like codeload, it needs no token but a
//! valid signature in the query; the body is an uncompressed tar of the commit's tree.
use super::SharedState;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub async fn serve(State(s): State<SharedState>, Path(rest): Path<String>, RawQuery(query): RawQuery) -> Response {
    let url = format!("{}/codeload/{rest}?{}", s.base_url, query.unwrap_or_default());
    let sha = rest.rsplit('/').next().unwrap_or_default().to_string();
    let tar = s.codeload_valid(&url).then(|| s.origin_repo()).flatten().and_then(|repo| tarball(&repo, &sha));
    match tar {
        Some(bytes) => (StatusCode::OK, [("content-type", "application/x-tar")], bytes).into_response(),
        None => (StatusCode::NOT_FOUND, "404: Not Found").into_response(),
    }
}

/// A ustar archive with a `acme-storefront-<sha7>/` prefix, as GitHub names it.
fn tarball(repo: &git2::Repository, sha: &str) -> Option<Vec<u8>> {
    let oid = repo.revparse_single(sha).ok()?.peel_to_commit().ok()?.id();
    let prefix = format!("acme-storefront-{}", &oid.to_string()[..7]);
    let mut out = Vec::new();
    for path in crate::sandbox::scratch::tree::list_files(repo, oid, "") {
        let content = crate::sandbox::scratch::tree::read_file(repo, oid, &path).unwrap_or_default();
        let name = format!("{prefix}/{path}");
        if name.len() > 100 {
            continue;
        }
        let mut header = [0u8; 512];
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[100..107].copy_from_slice(b"0000644");
        header[108..115].copy_from_slice(b"0000000");
        header[116..123].copy_from_slice(b"0000000");
        header[124..135].copy_from_slice(format!("{:011o}", content.len()).as_bytes());
        header[136..147].copy_from_slice(b"00000000000");
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|b| *b as u32).sum();
        header[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(content.as_bytes());
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    Some(out)
}
