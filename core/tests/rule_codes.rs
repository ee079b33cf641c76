//! Every diagnostic a check emits carries the code of a declared rule, and a rule declared
//! `fixable: false` offers no fix — on the corpus (2i2c's repository and the `wild/` ones).

mod schema_common;

use hublint_core::rules;
use hublint_core::schema::Check;
use hublint_core::{Config, Workspace};
use schema_common::{corpus, load_files};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file below `root` under 1 MB, so that every rule family (Dockerfiles,
/// requirements, chartpress, values) has its input.
fn load_all(root: &Path) -> Workspace {
    load_files(root, |_, path| {
        std::fs::metadata(path).is_ok_and(|m| m.len() < 1 << 20)
    })
}

/// A values file with one planted defect per schema rule, most of them with a fix.
const PLANTED: &str = "# hublint: chart=jupyterhub version=4.4.0
hub:
  config:
    KubeSpawner:
      mem_limt: 1G
  extraEnv:
    FLAG: yes
singleuser:
  imagee: {}
  cpu:
    limit: lots
  image:
    tag: 1.10
    pullPolicy: Alwayz
  profileList:
    - display_name: small
      kubespawner_override:
        mem_limt: 1G
";

/// `code` -> (diagnostics, diagnostics with a fix), checking each diagnostic on the way.
fn tally(ws: &Workspace, seen: &mut BTreeMap<&'static str, (usize, usize)>) {
    for d in hublint_core::check(ws, &Config::default()) {
        let rule = rules::all().iter().find(|r| r.code == d.code);
        let rule = rule.unwrap_or_else(|| panic!("{}: {} is no rule's code", d.file, d.code));
        assert!(
            rule.fixable || d.fixes.is_empty(),
            "{} is declared fixable: false but offers a fix at {}: {:?}",
            d.code,
            d.file,
            d.fixes
        );
        let entry = seen.entry(rule.code).or_default();
        entry.0 += 1;
        entry.1 += usize::from(!d.fixes.is_empty());
    }
}

#[test]
fn planted_defects_come_with_their_rules_codes_and_fixes() {
    let mut ws = Workspace::new();
    ws.insert_text("values.yaml", PLANTED);
    let mut seen = BTreeMap::new();
    tally(&ws, &mut seen);
    // (diagnostics, with a fix): S002 (`limit: lots`) is declared unfixable.
    let expected: BTreeMap<&str, (usize, usize)> = [
        ("K001", (1, 1)),
        ("S001", (1, 1)),
        ("S002", (1, 0)),
        ("S003", (1, 1)),
        ("S005", (1, 1)),
        ("Y003", (2, 2)),
    ]
    .into();
    assert_eq!(seen, expected);
}

#[test]
fn every_code_belongs_to_a_rule_and_unfixable_rules_offer_no_fix() {
    let Some(root) = corpus("2i2c-infrastructure") else {
        return;
    };
    let mut repos = vec![root];
    if let Some(wild) = corpus("wild") {
        let mut dirs: Vec<_> = std::fs::read_dir(wild)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        repos.extend(dirs);
    }
    let mut seen: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for repo in &repos {
        tally(&load_all(repo), &mut seen);
    }
    // The corpus really exercises both sides of the claim.
    let unfixable_seen = seen
        .keys()
        .filter(|c| rules::by_code(c).is_some_and(|r| !r.fixable))
        .count();
    let fixes_seen: usize = seen.values().map(|(_, f)| f).sum();
    assert!(seen.len() >= 10, "{seen:?}");
    assert!(unfixable_seen >= 3, "{seen:?}");
    assert!(fixes_seen > 0, "{seen:?}");
}

#[test]
fn every_hub_check_is_reported_by_its_own_rule() {
    let mut codes: Vec<&str> = Check::ALL.iter().map(|c| rules::rule_of(*c).code).collect();
    for code in &codes {
        assert!(rules::all().iter().any(|r| r.code == *code), "{code}");
    }
    codes.sort();
    assert_eq!(
        codes,
        ["S001", "S002", "S003", "S004", "S005", "S006", "Y003"],
        "each check has a rule of its own"
    );
}
