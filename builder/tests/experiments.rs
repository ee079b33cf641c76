//! X001 from git: when each hub's values started selecting an experimental image, read from
//! generated histories and from one built of the corpus's `history/84f1b4f2c` files (2i2c's
//! `experimental-hub` era), then checked as `hublint check` does.

mod common;

use common::Repo;
use hublint_builder::experiments;
use hublint_core::{Diagnostic, Severity};
use std::path::{Path, PathBuf};

const CHARTPRESS: &str = "\
charts:
  - name: basehub
    imagePrefix: quay.io/org/
    images:
      hub:
        valuesPath: jupyterhub.hub.image
      exp:
        imageName: quay.io/org/exp
        contextPath: images/hub
";

fn cluster(hubs: &[&str]) -> String {
    let mut s = "name: c1\nprovider: gcp\nhubs:\n".to_string();
    for h in hubs {
        s.push_str(&format!(
            "  - name: {h}\n    domain: {h}.example.org\n    helm_chart: basehub\n    helm_chart_values_files:\n      - {h}.values.yaml\n"
        ));
    }
    s
}

fn on_exp(tag: &str) -> String {
    format!("jupyterhub:\n  hub:\n    image:\n      name: quay.io/org/exp\n      tag: \"{tag}\"\n")
}

const DEFAULT: &str = "jupyterhub:\n  hub:\n    config: {}\n";

/// Noon UTC on day `day` of 2024 (1 = January 1st; to March).
fn day_of_2024(day: u32) -> String {
    let (m, d) = if day <= 31 {
        (1, day)
    } else if day <= 60 {
        (2, day - 31)
    } else {
        (3, day - 60)
    };
    format!("2024-{m:02}-{d:02}T12:00:00Z")
}

/// `schedule[k]` dates the k-th commit (git runs before the first commit use `schedule[0]`,
/// those after the last the last one).
fn on_schedule(schedule: &[u32], commits: u32) -> String {
    day_of_2024(schedule[(commits as usize).min(schedule.len() - 1)])
}

fn check_at(top: &Path, today: &str) -> Vec<Diagnostic> {
    let mut loaded = hublint_discover::load(top).unwrap();
    loaded.ws.parse_all();
    let model = hublint_core::model::RepoModel::build(&loaded.ws, &loaded.config);
    loaded.config.experiment_history =
        experiments::for_repository(top, &loaded.ws, &model, &loaded.config);
    loaded.config.today = Some(today.into());
    hublint_core::check::check(&loaded.ws, &loaded.config)
        .into_iter()
        .filter(|d| d.code == "X001")
        .collect()
}

#[test]
fn starts_follow_each_hubs_own_switch_and_restart_after_a_break() {
    let mut r = Repo::new();
    r.date_of = |n| on_schedule(&[1, 1, 10, 20, 40, 45, 50, 55], n);
    let base: Vec<(&str, String)> = vec![
        ("helm-charts/chartpress.yaml", CHARTPRESS.into()),
        (
            "helm-charts/basehub/Chart.yaml",
            "apiVersion: v2\nname: basehub\nversion: 0.1.0\n".into(),
        ),
        (
            "helm-charts/basehub/values.yaml",
            "jupyterhub:\n  hub:\n    image:\n      name: quay.io/org/hub\n      tag: \"1\"\n"
                .into(),
        ),
        ("helm-charts/images/hub/Dockerfile", "FROM scratch\n".into()),
        (
            "config/clusters/c1/cluster.yaml",
            cluster(&["staging", "prod", "other"]),
        ),
        ("config/clusters/c1/staging.values.yaml", DEFAULT.into()),
        ("config/clusters/c1/prod.values.yaml", DEFAULT.into()),
        ("config/clusters/c1/other.values.yaml", DEFAULT.into()),
    ];
    let refs: Vec<(&str, &str)> = base.iter().map(|(a, b)| (*a, b.as_str())).collect();
    r.commit("c1 base", &refs); // 01-01
    let staging = r.commit(
        "c2 staging tries exp",
        &[("config/clusters/c1/staging.values.yaml", &on_exp("a"))],
    ); // 01-10
    r.commit(
        "c3 new exp tag on staging",
        &[("config/clusters/c1/staging.values.yaml", &on_exp("b"))],
    ); // 01-20
    r.commit(
        "c4 other tries exp",
        &[("config/clusters/c1/other.values.yaml", &on_exp("b"))],
    ); // 02-09
    r.commit(
        "c5 other goes back",
        &[("config/clusters/c1/other.values.yaml", DEFAULT)],
    ); // 02-14
    let other = r.commit(
        "c6 other tries again",
        &[("config/clusters/c1/other.values.yaml", &on_exp("c"))],
    ); // 02-19
    r.commit(
        "c7 a comment on prod",
        &[(
            "config/clusters/c1/prod.values.yaml",
            "# exp: quay.io/org/exp soon\njupyterhub:\n  hub:\n    config: {}\n",
        )],
    ); // 02-24
       // Not committed: prod switching now has no history yet.
    r.write("config/clusters/c1/prod.values.yaml", &on_exp("c"));

    let loaded = hublint_discover::load(r.path()).unwrap();
    loaded.ws.parse_all();
    let model = hublint_core::model::RepoModel::build(&loaded.ws, &loaded.config);
    let mut starts = experiments::for_repository(r.path(), &loaded.ws, &model, &loaded.config);
    starts.sort_by(|a, b| a.file.cmp(&b.file));
    let got: Vec<(&str, &str, &str)> = starts
        .iter()
        .map(|s| (s.file.as_str(), s.commit.as_str(), s.date.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("config/clusters/c1/other.values.yaml", other.as_str(), "2024-02-19"),
            ("config/clusters/c1/staging.values.yaml", staging.as_str(), "2024-01-10"),
        ],
        "the tag change keeps staging's start; other restarts after going back; prod's change is not committed"
    );

    // X001 on 2024-02-20: staging is 41 days in (warning), other 1 day (info), prod nothing.
    let x = check_at(r.path(), "2024-02-20");
    assert_eq!(x.len(), 2, "{x:#?}");
    let staging_d = x
        .iter()
        .find(|d| d.file.ends_with("staging.values.yaml"))
        .unwrap();
    assert_eq!(staging_d.severity, Severity::Warning);
    assert!(
        staging_d
            .message
            .contains(&format!("since commit {staging} (2024-01-10), 41 days")),
        "{}",
        staging_d.message
    );
    let other_d = x
        .iter()
        .find(|d| d.file.ends_with("other.values.yaml"))
        .unwrap();
    assert_eq!(other_d.severity, Severity::Info);
    assert!(
        other_d.message.contains("day 1 of 28"),
        "{}",
        other_d.message
    );
}

#[test]
fn a_merged_branch_starts_at_the_merge_on_the_main_line() {
    let mut r = Repo::new();
    r.date_of = |n| on_schedule(&[1, 1, 5, 30], n);
    r.commit(
        "c1",
        &[
            ("helm-charts/chartpress.yaml", CHARTPRESS),
            ("config/clusters/c1/cluster.yaml", &cluster(&["staging"])),
            ("config/clusters/c1/staging.values.yaml", DEFAULT),
        ],
    );
    r.git(&["checkout", "-q", "-b", "try-exp"]);
    r.commit(
        "on a branch",
        &[("config/clusters/c1/staging.values.yaml", &on_exp("a"))],
    ); // 01-05
    r.git(&["checkout", "-q", "main"]);
    r.commit("meanwhile on main", &[("README.md", "docs\n")]); // 01-30
    r.git(&["merge", "-q", "--no-ff", "-m", "merge", "try-exp"]); // 01-30
    let merge = r.git(&["rev-parse", "--short", "HEAD"]);
    let pairs = vec![(
        "config/clusters/c1/staging.values.yaml".to_string(),
        "quay.io/org/exp".to_string(),
    )];
    let starts = experiments::starts(r.path(), &pairs).unwrap();
    assert_eq!(starts.len(), 1);
    assert_eq!(
        (starts[0].commit.as_str(), starts[0].date.as_str()),
        (merge.as_str(), "2024-01-30"),
        "the hubs run what the main line holds: from the merge, not the branch's 01-05"
    );
}

/// The corpus's 2023-07-27 state of 2i2c's repository: the leap hub on
/// `quay.io/2i2c/experimental-hub`, built by a chartpress entry without a valuesPath.
fn corpus_era() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/2i2c-infrastructure/history/84f1b4f2c");
    dir.is_dir().then_some(dir)
}

#[test]
fn the_experimental_hub_era_of_2i2c() {
    let Some(era) = corpus_era() else {
        eprintln!("note: no corpus beside the repository; skipped");
        return;
    };
    let mut files: Vec<(String, String)> = Vec::new();
    let mut stack = vec![era.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(&era).unwrap().to_string_lossy().to_string();
                files.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let leap = "config/clusters/leap/common.values.yaml";
    let real = files.iter().find(|(p, _)| p == leap).unwrap().1.clone();
    let switch = "      image:\n        name: quay.io/2i2c/experimental-hub\n        tag: \"0.0.1-0.dev.git.6406.hc1091b1c\"\n";
    assert!(real.contains(switch), "the corpus file changed");
    // Before the experiment: leap on the default image (the override removed).
    let before = real.replacen(switch, "", 1);
    let mut r = Repo::new();
    r.date_of = |n| {
        let dates = [
            "2023-06-01T10:00:00Z",
            "2023-06-01T10:00:00Z",
            "2023-07-27T16:30:00Z",
            "2023-08-20T09:00:00Z",
        ];
        dates[(n as usize).min(dates.len() - 1)].to_string()
    };
    let mut first: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    first.retain(|(p, _)| *p != leap);
    first.push((leap, &before));
    r.commit("before the experiment", &first);
    let switched = r.commit("leap tries the experimental hub image", &[(leap, &real)]);
    r.commit("unrelated", &[("README.md", "docs\n")]);

    let x = check_at(r.path(), "2023-08-10");
    assert_eq!(x.len(), 1, "{x:#?}");
    assert_eq!(x[0].file, leap);
    assert_eq!(x[0].severity, Severity::Info);
    assert!(x[0].message.contains("day 14 of 28"), "{}", x[0].message);

    let x = check_at(r.path(), "2023-09-01");
    assert_eq!(x.len(), 1);
    assert_eq!(x[0].severity, Severity::Warning);
    assert!(
        x[0].message.contains(&format!(
            "`quay.io/2i2c/experimental-hub` since commit {switched} (2023-07-27), 36 days (limit 28)"
        )),
        "{}",
        x[0].message
    );
    assert_eq!(x[0].related[0].file, "helm-charts/chartpress.yaml");
}
