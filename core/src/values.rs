//! Helm's merge of a hub's values files, keeping where every key was written.
//!
//! helm reads the chart's own `values.yaml` (for a wrapper chart, each subchart's defaults
//! under its key), then every `-f` file in order: mappings merge deeply, later files win,
//! scalars and lists replace, and `null` deletes a key. Each merged node remembers the file
//! and node it came from, so a diagnostic found on the merged tree points at the line that
//! wrote it.

use crate::model::{Hub, RepoModel};
use crate::workspace::{join, Workspace};
use crate::yaml::Node;
use std::borrow::Cow;

#[derive(Debug, Clone)]
pub struct Merged<'a> {
    /// The file that last wrote this node (the whole node for a leaf).
    pub file: &'a str,
    /// The key node it was written under (`None` for the root and made-up parents).
    pub key: Option<&'a Node>,
    /// The value node (`None` for a parent made up to hold a prefix).
    pub node: Option<&'a Node>,
    pub kind: MergedKind<'a>,
}

#[derive(Debug, Clone)]
pub enum MergedKind<'a> {
    Map(Vec<(Cow<'a, str>, Merged<'a>)>),
    Leaf,
}

impl<'a> Merged<'a> {
    pub fn get(&self, key: &str) -> Option<&Merged<'a>> {
        match &self.kind {
            MergedKind::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            MergedKind::Leaf => None,
        }
    }

    pub fn get_path<S: AsRef<str>>(&self, path: &[S]) -> Option<&Merged<'a>> {
        path.iter().try_fold(self, |m, k| m.get(k.as_ref()))
    }

    pub fn entries(&self) -> &[(Cow<'a, str>, Merged<'a>)] {
        match &self.kind {
            MergedKind::Map(e) => e,
            MergedKind::Leaf => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, MergedKind::Map(_))
    }

    /// The scalar's text, for a leaf scalar.
    pub fn as_str(&self) -> Option<&'a str> {
        self.node?.as_str()
    }

    fn from_node(file: &'a str, key: Option<&'a Node>, node: &'a Node) -> Merged<'a> {
        let kind = match node.as_mapping() {
            Some(entries) => MergedKind::Map({
                let shadowed = shadowed_entries(entries);
                entries
                    .iter()
                    .enumerate()
                    .filter(|(n, _)| !shadowed.contains(n))
                    .filter_map(|(_, e)| {
                        Some((
                            Cow::Borrowed(e.key.as_str()?),
                            Merged::from_node(file, Some(&e.key), &e.value),
                        ))
                    })
                    .collect()
            }),
            None => MergedKind::Leaf,
        };
        Merged {
            file,
            key,
            node: Some(node),
            kind,
        }
    }

    /// Merge `node` (from `file`) over this one, at `prefix` below it.
    pub fn merge(&mut self, file: &'a str, node: &'a Node, prefix: &[&str]) {
        if let Some((first, rest)) = prefix.split_first() {
            let entries = match &mut self.kind {
                MergedKind::Map(e) => e,
                MergedKind::Leaf => {
                    self.kind = MergedKind::Map(Vec::new());
                    match &mut self.kind {
                        MergedKind::Map(e) => e,
                        MergedKind::Leaf => unreachable!(),
                    }
                }
            };
            let i = match entries.iter().position(|(k, _)| k == first) {
                Some(i) => i,
                None => {
                    entries.push((
                        Cow::Owned(first.to_string()),
                        Merged {
                            file,
                            key: None,
                            node: None,
                            kind: MergedKind::Map(Vec::new()),
                        },
                    ));
                    entries.len() - 1
                }
            };
            entries[i].1.merge(file, node, rest);
            return;
        }
        match (&mut self.kind, node.as_mapping()) {
            (MergedKind::Map(entries), Some(new)) => {
                let shadowed = shadowed_entries(new);
                for (n, e) in new.iter().enumerate() {
                    let Some(k) = e.key.as_str() else { continue };
                    if shadowed.contains(&n) {
                        // A key written again later in this mapping: helm's YAML reader
                        // keeps only the last value, without merging the two.
                        continue;
                    }
                    let existing = entries.iter().position(|(key, _)| key == k);
                    if e.value.is_null() {
                        // null deletes a key set by an earlier file or the chart defaults; a
                        // key set nowhere else stays, as null (helm validates it so).
                        match existing {
                            Some(i) => {
                                entries.remove(i);
                            }
                            None => entries.push((
                                Cow::Borrowed(k),
                                Merged::from_node(file, Some(&e.key), &e.value),
                            )),
                        }
                        continue;
                    }
                    match existing {
                        Some(i) if entries[i].1.is_map() && e.value.as_mapping().is_some() => {
                            let slot = &mut entries[i].1;
                            slot.key = Some(&e.key);
                            slot.file = file;
                            slot.node = Some(&e.value);
                            slot.merge(file, &e.value, &[]);
                        }
                        Some(i) => entries[i].1 = Merged::from_node(file, Some(&e.key), &e.value),
                        None => entries.push((
                            Cow::Borrowed(k),
                            Merged::from_node(file, Some(&e.key), &e.value),
                        )),
                    }
                }
            }
            _ => {
                let key = self.key;
                *self = Merged::from_node(file, key, node);
            }
        }
    }

    /// Every leaf below this node with its key path.
    pub fn walk<'s>(
        &'s self,
        path: &mut Vec<&'s str>,
        f: &mut dyn FnMut(&[&'s str], &'s Merged<'a>),
    ) {
        f(path, self);
        if let MergedKind::Map(entries) = &self.kind {
            for (k, v) in entries {
                path.push(k.as_ref());
                v.walk(path, f);
                path.pop();
            }
        }
    }
}

/// An empty mapping to merge into.
pub fn empty<'a>() -> Merged<'a> {
    Merged {
        file: "",
        key: None,
        node: None,
        kind: MergedKind::Map(Vec::new()),
    }
}

/// A hub's values as helm sees them: chart defaults along the nesting, then each YAML
/// values file in order (secrets and jsonnet are not visible and are skipped).
pub fn hub_values<'a>(
    ws: &'a Workspace,
    model: &RepoModel,
    hub: &Hub,
    with_chart_defaults: bool,
) -> Merged<'a> {
    let mut merged = empty();
    if with_chart_defaults {
        if let Some(chart_file) = &hub.chart_file {
            for (prefix, values_file) in chart_default_values(model, chart_file, &hub.nesting) {
                if let Some(file) = ws.get(&values_file) {
                    if let Some(root) = file.yaml_root() {
                        if root.as_mapping().is_some() {
                            merged.merge(
                                &file.path,
                                root,
                                &prefix.iter().map(String::as_str).collect::<Vec<_>>(),
                            );
                        }
                    }
                }
            }
        }
    }
    for v in hub.values_files.iter().filter(|v| v.not_yaml.is_none()) {
        if let Some(file) = ws.get(&v.path) {
            if let Some(root) = file.yaml_root() {
                if root.as_mapping().is_some() && !crate::model::is_sops_encrypted(root) {
                    merged.merge(&file.path, root, &[]);
                }
            }
        }
    }
    merged
}

/// The `values.yaml` of each local chart along the path from `chart_file` down to the
/// jupyterhub chart, with the key prefix it sits under. An override file (`lis-chart.yaml`)
/// stands in for the chart named in it, so its defaults are that chart's `values.yaml`.
pub fn chart_default_values(
    model: &RepoModel,
    chart_file: &str,
    nesting: &[String],
) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut chart = model.chart(chart_file);
    let mut prefix: Vec<String> = Vec::new();
    for key in nesting {
        let Some(c) = chart else { break };
        let real = c.name().and_then(|n| model.chart_named(n)).unwrap_or(c);
        out.push((prefix.clone(), join(&real.dir, "values.yaml")));
        prefix.push(key.clone());
        chart = real
            .dependencies
            .iter()
            .find(|d| d.values_key() == key)
            .and_then(|d| {
                let repo = d.repository.as_deref()?.strip_prefix("file://")?;
                model.chart(&join(&join(&real.dir, repo), "Chart.yaml"))
            });
    }
    out
}

/// Indexes of the entries a later entry of the same mapping with the same key replaces.
fn shadowed_entries(entries: &[crate::yaml::Entry]) -> Vec<usize> {
    let key = |i: usize| entries[i].key.as_str();
    if entries.len() <= 16 {
        return (0..entries.len())
            .filter(|&i| {
                key(i).is_some() && entries[i + 1..].iter().any(|l| l.key.as_str() == key(i))
            })
            .collect();
    }
    let mut last: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for i in 0..entries.len() {
        if let Some(k) = key(i) {
            last.insert(k, i);
        }
    }
    (0..entries.len())
        .filter(|&i| key(i).is_some_and(|k| last[k] != i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    #[test]
    fn helm_merge_semantics() {
        let a = parse("hub:\n  image: {name: a, tag: '1'}\n  list: [1, 2]\n  gone: x\nkeep: 1\n");
        let b = parse("hub:\n  image: {tag: '2'}\n  list: [3]\n  gone: null\n");
        let mut m = empty();
        m.merge("a.yaml", &a.docs[0], &[]);
        m.merge("b.yaml", &b.docs[0], &[]);
        let img = m.get_path(&["hub", "image"]).unwrap();
        assert_eq!(img.get("name").unwrap().as_str(), Some("a"));
        assert_eq!(img.get("name").unwrap().file, "a.yaml");
        assert_eq!(img.get("tag").unwrap().as_str(), Some("2"));
        assert_eq!(img.get("tag").unwrap().file, "b.yaml");
        let list = m.get_path(&["hub", "list"]).unwrap();
        assert_eq!(
            list.node.unwrap().as_sequence().unwrap().len(),
            1,
            "lists replace"
        );
        assert!(m.get_path(&["hub", "gone"]).is_none(), "null deletes");
        assert!(m.get("keep").is_some());
    }

    #[test]
    fn merge_under_prefix() {
        let a = parse("hub: {image: {name: a}}\n");
        let mut m = empty();
        m.merge("a.yaml", &a.docs[0], &["basehub", "jupyterhub"]);
        assert_eq!(
            m.get_path(&["basehub", "jupyterhub", "hub", "image", "name"])
                .unwrap()
                .as_str(),
            Some("a")
        );
    }
}
