//! The schemas compiled into hublint agree with the jupyterhub chart's own
//! `values.schema.yaml` of every 3.x and 4.x release (`../shared/corpus/z2jh/schemas/`) on
//! every key path and type, and on the other facts validation uses.

mod schema_common;
use hublint_core::schema::{self, Additional, NodeId, Schema, SchemaRef};
use hublint_core::Workspace;
use schema_common::corpus;
use std::collections::BTreeMap;

/// Every schema node by path (`hub.image.tag`, `<.*>` for a pattern, `*` for
/// additionalProperties, `[]` for items, `oneOf[1]` …) with the facts validation reads.
fn facts(s: &Schema, id: NodeId, path: String, out: &mut BTreeMap<String, String>) {
    let n = s.node(id);
    let mut required: Vec<&str> = n.required.iter().map(|r| &**r).collect();
    required.sort_unstable();
    out.insert(
        path.clone(),
        format!(
            "types={:?} enum={:?} const={:?} required={required:?} additional={} min={:?} minItems={:?} never={}",
            n.types.names(),
            n.enum_values,
            n.const_value,
            match n.additional {
                Additional::Any => "any",
                Additional::Forbidden => "forbidden",
                Additional::Schema(_) => "schema",
            },
            n.minimum,
            n.min_items,
            n.never,
        ),
    );
    let join = |seg: &str| {
        if path.is_empty() {
            seg.to_string()
        } else {
            format!("{path}.{seg}")
        }
    };
    for (k, c) in &n.properties {
        facts(s, *c, join(k), out);
    }
    for (p, c) in &n.pattern_properties {
        facts(s, *c, join(&format!("<{}>", p.source)), out);
    }
    if let Additional::Schema(c) = n.additional {
        facts(s, c, join("*"), out);
    }
    if let Some(c) = n.items {
        facts(s, c, join("[]"), out);
    }
    for (i, c) in n.tuple_items.iter().enumerate() {
        facts(s, *c, join(&format!("[{i}]")), out);
    }
    for (name, list) in [
        ("oneOf", &n.one_of),
        ("anyOf", &n.any_of),
        ("allOf", &n.all_of),
    ] {
        for (i, c) in list.iter().enumerate() {
            facts(s, *c, join(&format!("{name}[{i}]")), out);
        }
    }
    for (name, c) in [("if", n.if_), ("then", n.then_), ("else", n.else_)] {
        if let Some(c) = c {
            facts(s, c, join(name), out);
        }
    }
}

fn all_facts(s: &SchemaRef) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    facts(s.schema(), s.root_id(), String::new(), &mut out);
    out
}

#[test]
fn compiled_schemas_agree_with_every_release() {
    let Some(dir) = corpus("z2jh/schemas") else {
        return;
    };
    let mut releases: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            name.strip_suffix(".values.schema.yaml").map(str::to_string)
        })
        .collect();
    releases.sort();
    assert!(releases.len() >= 26, "{releases:?}");
    assert!(
        releases.iter().any(|r| r.starts_with("3."))
            && releases.iter().any(|r| r.starts_with("4."))
    );
    for release in &releases {
        let path = format!("{release}.values.schema.yaml");
        let mut ws = Workspace::new();
        ws.insert_bytes(&path, std::fs::read(dir.join(&path)).unwrap());
        let from_file = SchemaRef::from_workspace_file(&ws, &path).unwrap();
        let compiled = schema::for_chart_version(release).unwrap();
        assert_eq!(
            compiled.origin,
            schema::Origin::CompiledIn {
                release: release.clone()
            },
            "{release} is compiled in exactly"
        );
        let want = all_facts(&from_file);
        let got = all_facts(&compiled);
        assert!(want.len() > 400, "{release}: {} nodes", want.len());
        let missing: Vec<_> = want
            .iter()
            .filter(|(k, v)| got.get(*k) != Some(v))
            .take(5)
            .collect();
        let extra: Vec<_> = got
            .keys()
            .filter(|k| !want.contains_key(*k))
            .take(5)
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{release}: differs at {missing:#?} / extra {extra:?}"
        );
        // Compiled-in schemas carry no description text; the file keeps it for hover.
        assert!(from_file
            .node_at(&["hub", "image"])
            .unwrap()
            .description()
            .is_some());
        assert!(compiled
            .node_at(&["hub", "image"])
            .unwrap()
            .description()
            .is_none());
    }
    // The comparison tells releases apart: 4.3.3 added null to two types and a key.
    let path = "4.3.3.values.schema.yaml";
    let mut ws = Workspace::new();
    ws.insert_bytes(path, std::fs::read(dir.join(path)).unwrap());
    let newer = all_facts(&SchemaRef::from_workspace_file(&ws, path).unwrap());
    let older = all_facts(&schema::for_chart_version("4.3.2").unwrap());
    let differ: Vec<&String> = newer
        .keys()
        .filter(|k| older.get(*k) != newer.get(*k))
        .collect();
    assert_eq!(
        differ,
        vec![
            "httpRoute.gateway.sectionName",
            "singleuser.storage.extraVolumeMounts",
            "singleuser.storage.extraVolumes",
        ]
    );
}

#[test]
fn releases_share_identical_subtrees() {
    // The compiled-in table stores a subtree once however many releases have it.
    let a = schema::for_chart_version("4.3.3").unwrap();
    let b = schema::for_chart_version("4.4.0").unwrap();
    let c = schema::for_chart_version("3.0.0").unwrap();
    assert_eq!(
        a.root_id(),
        b.root_id(),
        "4.3.3 and 4.4.0 have the same schema"
    );
    assert_ne!(a.root_id(), c.root_id());
    let id = |s: &SchemaRef, p: &[&str]| s.node_at(p).unwrap().id;
    assert_eq!(id(&a, &["hub", "image"]), id(&c, &["hub", "image"]));
    let raw = include_str!("../data/schemas/jupyterhub.json");
    assert!(raw.len() < 40_000, "{} bytes", raw.len());
    assert!(!raw.contains("description"));
}
