//! The layering of docs/ARCHITECTURE.md ("Who may import whom"), checked on the sources:
//! the JSON API and the pages never reach into each other, the application layer stays
//! free of HTTP, and no adapter file grows into a knot again.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display())) {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
    out
}

fn src(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(sub)
}

/// Files under `dir` that name `forbidden` in code (comments aside).
fn offenders(dir: &Path, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(dir) {
        let text = std::fs::read_to_string(&file).expect("reading a source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if forbidden.iter().any(|f| code.contains(f)) {
                found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_api_never_imports_the_pages() {
    let found = offenders(&src("api"), &["crate::pages", "super::super::pages"]);
    assert!(found.is_empty(), "api/ imports pages/:\n{}", found.join("\n"));
}

#[test]
fn the_pages_never_import_the_api() {
    let found = offenders(&src("pages"), &["crate::api", "super::super::api"]);
    assert!(found.is_empty(), "pages/ imports api/:\n{}", found.join("\n"));
}

#[test]
fn the_application_layer_has_no_http_dependency() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app");
    let manifest = std::fs::read_to_string(app.join("Cargo.toml")).expect("reading crates/app/Cargo.toml");
    let deps: Vec<&str> = manifest
        .split("[dependencies]")
        .nth(1)
        .expect("a [dependencies] table")
        .lines()
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split(['=', '.']).next().map(str::trim))
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .collect();
    for http in ["axum", "askama", "tower", "tower-http", "http", "hyper", "hyper-util"] {
        assert!(!deps.contains(&http), "crates/app depends on {http}: {deps:?}");
    }
    let found = offenders(&app.join("src"), &["axum::", "askama::", "tower::", "http::"]);
    assert!(found.is_empty(), "crates/app uses HTTP types:\n{}", found.join("\n"));
}

#[test]
fn no_web_source_file_is_over_500_lines() {
    let long: Vec<String> = rust_files(&src(""))
        .into_iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(&f).expect("reading a source file").lines().count();
            (n > 500).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split by screen or move the use case to crates/app:\n{}", long.join("\n"));
}
