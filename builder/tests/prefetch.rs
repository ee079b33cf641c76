//! The prefetch thread's answers are used only for the job they were computed for.

mod common;

use common::Repo;
use hublint_builder::git::Git;
use hublint_builder::prefetch::{Prefetch, TagJob};
use hublint_builder::tag::{self, Request};
use std::sync::Arc;

fn request(paths: &[&str]) -> Request {
    Request {
        paths: paths.iter().map(|p| p.to_string()).collect(),
        long: false,
        base_version: None,
    }
}

fn job(paths: &[&[&str]], status: &[&str]) -> TagJob {
    TagJob {
        requests: paths.iter().map(|p| request(p)).collect(),
        registry: None,
        status_paths: Some(status.iter().map(|p| p.to_string()).collect()),
    }
}

fn versions(results: Vec<anyhow::Result<tag::Identifier>>) -> Vec<String> {
    results
        .into_iter()
        .map(|r| {
            r.map(|i| i.version)
                .unwrap_or_else(|e| format!("error: {e:#}"))
        })
        .collect()
}

/// Three commits: `a/` changed first, `b/` last, a release tag between.
fn repository() -> Repo {
    let mut repo = Repo::new();
    repo.commit("a", &[("a/file", "1\n"), ("b/file", "1\n")]);
    repo.commit("a again", &[("a/file", "2\n")]);
    repo.tag("1.0.0");
    repo.commit("b", &[("b/file", "2\n")]);
    repo
}

#[test]
fn the_guessed_job_answers_when_it_is_the_run_job() {
    let repo = repository();
    repo.write("b/new", "untracked\n");
    let top = repo.path().to_path_buf();
    let git = Arc::new(Git::at(&top));
    let wanted = job(&[&["a"], &["b"]], &["b"]);
    let guess = wanted.clone();
    let mut prefetch = Prefetch::start(git.clone(), top.clone(), move || Some(guess));
    prefetch.submit(&wanted);
    let got = versions(prefetch.tags_for(&git, &wanted));
    assert_eq!(got, versions(tag::identifiers(&git, &wanted.requests)));
    assert!(got[1].starts_with("1.0.0-0.dev.git.3.h"), "{got:?}");
    let dirty = prefetch.uncommitted(&git, &wanted).unwrap().unwrap();
    assert_eq!(dirty, ["b/new"]);
}

#[test]
fn a_wrong_guess_is_not_used() {
    let repo = repository();
    repo.write("a/new", "untracked\n");
    let top = repo.path().to_path_buf();
    let git = Arc::new(Git::at(&top));
    // The guess names other paths than the run: the run's own answers must come back.
    let wanted = job(&[&["a"]], &["a"]);
    let mut prefetch = Prefetch::start(git.clone(), top.clone(), || Some(job(&[&["b"]], &["b"])));
    prefetch.submit(&wanted);
    let got = versions(prefetch.tags_for(&git, &wanted));
    assert_eq!(got, versions(tag::identifiers(&git, &wanted.requests)));
    assert_eq!(got, ["1.0.0"]);
    let dirty = prefetch.uncommitted(&git, &wanted).unwrap().unwrap();
    assert_eq!(dirty, ["a/new"]);
    assert!(prefetch.registry_answers().is_none());
}

#[test]
fn without_a_guess_the_thread_answers_the_submitted_job() {
    let repo = repository();
    let top = repo.path().to_path_buf();
    let git = Arc::new(Git::at(&top));
    let wanted = TagJob {
        status_paths: None,
        ..job(&[&["b"], &["a", "b"]], &[])
    };
    let mut prefetch = Prefetch::start(git.clone(), top.clone(), || None);
    prefetch.submit(&wanted);
    let got = versions(prefetch.tags_for(&git, &wanted));
    assert_eq!(got, versions(tag::identifiers(&git, &wanted.requests)));
    assert!(prefetch.uncommitted(&git, &wanted).is_none());
}
