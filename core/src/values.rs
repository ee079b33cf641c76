//! Helm's merge of a hub's values files, keeping where every key was written.
//!
//! helm (v4) builds a chart's values in two steps, both mirrored here exactly:
//! 1. the `-f` files in order, merged as its `mergeMaps` does ([`Merged::merge`]): mappings
//!    merge deeply, anything else replaces, and a `null` replaces too (it is kept);
//! 2. each chart's defaults (`values.yaml`) coalesced under that, chart by chart down to the
//!    jupyterhub chart ([`coalesce_chart`]): a `null` the user wrote over a default deletes
//!    it, a `null` nobody else knows stays, nulls among a subchart's defaults are dropped, and
//!    a parent's `global` values reach each subchart's `global`, where they win.
//!
//! Each merged node remembers the file and node it came from, so a diagnostic found on the
//! merged tree points at the line that wrote it. Keys are the strings helm makes of them
//! (`y:` is the key `true`, `0x1F:` the key `31`).

use crate::model::{Hub, RepoModel, ValuesRef};
use crate::workspace::{join, Workspace};
use crate::yaml::{Entry, Node};
use std::borrow::Cow;
use std::collections::HashMap;

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

    /// A `null` leaf (helm's nil).
    pub fn is_null(&self) -> bool {
        matches!(self.kind, MergedKind::Leaf) && self.node.is_some_and(Node::is_null)
    }

    fn from_node(file: &'a str, key: Option<&'a Node>, node: &'a Node) -> Merged<'a> {
        let kind = match node.as_mapping() {
            Some(entries) => MergedKind::Map(
                helm_entries(entries)
                    .map(|(k, e)| (k, Merged::from_node(file, Some(&e.key), &e.value)))
                    .collect(),
            ),
            None => MergedKind::Leaf,
        };
        Merged {
            file,
            key,
            node: Some(node),
            kind,
        }
    }

    fn map_entries(&mut self) -> &mut Vec<(Cow<'a, str>, Merged<'a>)> {
        if let MergedKind::Leaf = self.kind {
            self.kind = MergedKind::Map(Vec::new());
        }
        match &mut self.kind {
            MergedKind::Map(e) => e,
            MergedKind::Leaf => unreachable!("made a map above"),
        }
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries().iter().position(|(k, _)| k == key)
    }

    /// Merge `node` (from `file`) over this one, at `prefix` below it, as helm's `mergeMaps`
    /// merges `-f` files: mappings merge, anything else replaces (a `null` too: it is kept,
    /// for [`coalesce_chart`] to judge against the chart's defaults).
    pub fn merge(&mut self, file: &'a str, node: &'a Node, prefix: &[&str]) {
        if let Some((first, rest)) = prefix.split_first() {
            let i = match self.position(first) {
                Some(i) => i,
                None => {
                    let entries = self.map_entries();
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
            self.map_entries()[i].1.merge(file, node, rest);
            return;
        }
        match (&mut self.kind, node.as_mapping()) {
            (MergedKind::Map(entries), Some(new)) => {
                for (k, e) in helm_entries(new) {
                    match entries.iter().position(|(key, _)| *key == k) {
                        Some(i) if entries[i].1.is_map() && e.value.as_mapping().is_some() => {
                            let slot = &mut entries[i].1;
                            slot.key = Some(&e.key);
                            slot.file = file;
                            slot.node = Some(&e.value);
                            slot.merge(file, &e.value, &[]);
                        }
                        Some(i) => entries[i].1 = Merged::from_node(file, Some(&e.key), &e.value),
                        None => entries.push((k, Merged::from_node(file, Some(&e.key), &e.value))),
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

/// One chart on the way from the hub's chart down to the jupyterhub chart.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChartLevel {
    /// Keys above this chart's values (`[]` for the hub's chart, `[jupyterhub]` below basehub).
    pub prefix: Vec<String>,
    /// Its `values.yaml`, when hublint knows the chart (a local chart, an unpacked archive).
    pub defaults: Option<String>,
    /// The keys of its subcharts (their names or aliases), for helm's rule that a parent's
    /// defaults for a subchart keep their nulls.
    pub subcharts: Vec<String>,
}

/// The charts from the hub's chart down to the jupyterhub chart, one per level of `nesting`
/// plus the jupyterhub chart itself (whose defaults are `z2jh_defaults`, when known).
pub fn chart_levels(
    model: &RepoModel,
    chart_file: Option<&str>,
    nesting: &[String],
    z2jh_defaults: Option<&str>,
) -> Vec<ChartLevel> {
    let mut levels: Vec<ChartLevel> = Vec::new();
    let mut chart = chart_file.and_then(|f| model.chart(f));
    for (depth, key) in nesting.iter().enumerate() {
        // An override file gives the dependencies; its chart's folder, the rest.
        let home = chart.map(|c| model.chart_home(c));
        let mut subcharts: Vec<String> = chart
            .map(|c| {
                c.dependencies
                    .iter()
                    .map(|d| d.values_key().to_string())
                    .collect()
            })
            .unwrap_or_default();
        if !subcharts.contains(key) {
            subcharts.push(key.clone());
        }
        levels.push(ChartLevel {
            prefix: nesting[..depth].to_vec(),
            defaults: home.map(|c| join(&c.dir, "values.yaml")),
            subcharts,
        });
        chart = chart.zip(home).and_then(|(c, home)| {
            let d = c.dependencies.iter().find(|d| d.values_key() == key)?;
            let repo = d.repository.as_deref()?.strip_prefix("file://")?;
            model.chart(&join(&join(&home.dir, repo), "Chart.yaml"))
        });
    }
    levels.push(ChartLevel {
        prefix: nesting.to_vec(),
        defaults: z2jh_defaults.map(str::to_string),
        subcharts: Vec::new(),
    });
    levels
}

/// A hub's values as helm renders its chart with them: the values sources in order (secrets
/// and jsonnet are not visible and are skipped), then, `with_chart_defaults`, every chart's
/// defaults along the nesting (the jupyterhub chart's own when `z2jh_defaults` names them)
/// with `global` handed down.
pub fn hub_values<'a>(
    ws: &'a Workspace,
    model: &RepoModel,
    hub: &Hub,
    with_chart_defaults: bool,
) -> Merged<'a> {
    let levels = with_chart_defaults
        .then(|| chart_levels(model, hub.chart_file.as_deref(), &hub.nesting, None));
    helm_values(ws, hub.yaml_values(), levels.as_deref())
}

/// The values sources merged as helm merges `-f` files, then coalesced with `levels` (when
/// given) as helm coalesces a chart and its subcharts.
pub fn helm_values<'a, 'v>(
    ws: &'a Workspace,
    sources: impl Iterator<Item = &'v ValuesRef>,
    levels: Option<&[ChartLevel]>,
) -> Merged<'a> {
    let mut merged = merge_sources(ws, sources);
    if let Some(levels) = levels {
        coalesce_processed(&mut merged, levels, chart_defaults(ws, levels));
    }
    merged
}

/// The values sources merged as helm merges `-f` files (nulls kept).
pub fn merge_sources<'a, 'v>(
    ws: &'a Workspace,
    sources: impl Iterator<Item = &'v ValuesRef>,
) -> Merged<'a> {
    let mut merged = empty();
    for v in sources {
        if let (Some(file), Some(root)) = (ws.get(&v.path), v.node(ws)) {
            merged.merge(&file.path, root, &[]);
        }
    }
    merged
}

/// Every chart's defaults along `levels`, read and given their subcharts' defaults as helm's
/// install does ([`coalesce_chart`]). They depend on the chart chain only, so hubs on the same
/// chain can share one reading ([`coalesce_processed`] with a clone).
pub fn chart_defaults<'a>(ws: &'a Workspace, levels: &[ChartLevel]) -> Vec<Option<Merged<'a>>> {
    let defaults: Vec<Option<Merged<'a>>> = levels
        .iter()
        .map(|l| {
            let file = ws.get(l.defaults.as_deref()?)?;
            let root = file.yaml_root()?;
            (root.as_mapping().is_some() && !crate::model::is_sops_encrypted(root))
                .then(|| Merged::from_node(&file.path, None, root))
        })
        .collect();
    process_dependencies(levels, defaults)
}

/// Coalesce `values` with defaults [`chart_defaults`] already processed for `levels`.
pub fn coalesce_processed<'a>(
    values: &mut Merged<'a>,
    levels: &[ChartLevel],
    processed: Vec<Option<Merged<'a>>>,
) {
    coalesce_level(values, levels, processed, false);
}

/// The values a chart renders with: helm's install first gives each chart that has
/// subcharts, innermost first, its subcharts' defaults merged into its own (`ProcessDependencies`:
/// nulls kept, `global` handed down), then coalesces the values with those ([`coalesce_level`]).
/// So a null among the jupyterhub chart's own defaults stays when a wrapping chart holds it,
/// as its templates and its schema see it.
pub fn coalesce_chart<'a>(
    values: &mut Merged<'a>,
    levels: &[ChartLevel],
    defaults: Vec<Option<Merged<'a>>>,
) {
    coalesce_processed(values, levels, process_dependencies(levels, defaults));
}

/// helm's `ProcessDependencies` along the path: each chart above the last, innermost first,
/// gets as defaults its own merged (`MergeValues`) with its subchart's processed ones.
fn process_dependencies<'a>(
    levels: &[ChartLevel],
    mut defaults: Vec<Option<Merged<'a>>>,
) -> Vec<Option<Merged<'a>>> {
    defaults.resize(levels.len(), None);
    for k in (0..levels.len().saturating_sub(1)).rev() {
        let mut own = defaults[k].take().unwrap_or_else(empty);
        // Its own defaults are already in `own`; its subcharts' come below.
        let below: Vec<Option<Merged<'a>>> = std::iter::once(None)
            .chain(defaults[k + 1..].iter().cloned())
            .collect();
        coalesce_level(&mut own, &levels[k..], below, true);
        defaults[k] = Some(own);
    }
    defaults
}

/// helm's `coalesce` of one chart (`levels[0]`, its defaults `defaults[0]`) and, down the
/// path, its subchart: the chart's defaults under the values, then the parent's `global`
/// into the subchart's values, then the subchart the same way. `merge` (helm's
/// `MergeValues`) keeps every null.
fn coalesce_level<'a>(
    values: &mut Merged<'a>,
    levels: &[ChartLevel],
    mut defaults: Vec<Option<Merged<'a>>>,
    merge: bool,
) {
    let Some(level) = levels.first() else { return };
    if defaults.is_empty() {
        return;
    }
    if let Some(d) = defaults.remove(0) {
        coalesce_values(values, d, &level.subcharts, merge);
    }
    let Some(next) = levels.get(1) else { return };
    let Some(key) = next.prefix.last() else {
        return;
    };
    let global = values.get("global").cloned();
    let i = match values.position(key) {
        Some(i) => i,
        None => {
            let entries = values.map_entries();
            entries.push((Cow::Owned(key.clone()), empty()));
            entries.len() - 1
        }
    };
    let sub = &mut values.map_entries()[i].1;
    if !sub.is_map() {
        // helm stops here: "type mismatch on jupyterhub".
        return;
    }
    coalesce_globals(sub, global);
    coalesce_level(sub, &levels[1..], defaults, merge);
}

/// helm's `coalesceValues`: a chart's defaults under the values given for it.
fn coalesce_values<'a>(
    values: &mut Merged<'a>,
    defaults: Merged<'a>,
    subcharts: &[String],
    merge: bool,
) {
    let MergedKind::Map(defaults) = defaults.kind else {
        return;
    };
    for (key, mut default) in defaults {
        match values.position(&key) {
            Some(i) if values.entries()[i].1.is_null() => {
                // A null over a default deletes the key (merging, it stays).
                if !merge {
                    values.map_entries().remove(i);
                }
            }
            Some(i) => {
                let given = &mut values.map_entries()[i].1;
                if given.is_map() && default.is_map() {
                    // A parent's defaults for a subchart are merged, nulls kept; anything
                    // else is coalesced, the defaults' own nulls dropped first.
                    let merge = merge || subcharts.iter().any(|s| *s == key);
                    if !merge {
                        drop_nulls(&mut default);
                    }
                    coalesce_tables(given, default, merge);
                }
            }
            None => {
                if !merge {
                    if default.is_null() {
                        continue;
                    }
                    drop_nulls(&mut default);
                }
                values.map_entries().push((key, default));
            }
        }
    }
}

/// helm's `coalesceTablesFullKey`: `src` under `dst`, where `dst` wins. Coalescing (not
/// `merge`), a null in `dst` over a non-null in `src` deletes the key; a null over nothing
/// or over a null stays.
fn coalesce_tables<'a>(dst: &mut Merged<'a>, src: Merged<'a>, merge: bool) {
    let MergedKind::Map(src) = src.kind else {
        return;
    };
    for (key, from_src) in src {
        match dst.position(&key) {
            None => dst.map_entries().push((key, from_src)),
            Some(i) if dst.entries()[i].1.is_null() => {
                if !merge && !from_src.is_null() {
                    dst.map_entries().remove(i);
                }
            }
            Some(i) => {
                let here = &mut dst.map_entries()[i].1;
                if here.is_map() && from_src.is_map() {
                    coalesce_tables(here, from_src, merge);
                }
            }
        }
    }
}

/// helm's `coalesceGlobals`: the parent's `global` into the subchart's values' `global`,
/// the parent's winning (maps merged, the parent's keys first). The subchart always ends up
/// with a `global` mapping.
fn coalesce_globals<'a>(sub: &mut Merged<'a>, parent_global: Option<Merged<'a>>) {
    let mut global = match sub.get("global") {
        None => empty(),
        Some(g) if g.is_map() => g.clone(),
        // helm: "skipping globals because destination global is not a table".
        Some(_) => return,
    };
    let parent = match parent_global {
        None => empty(),
        Some(g) if g.is_map() => g,
        Some(_) => return,
    };
    let MergedKind::Map(parent) = parent.kind else {
        return;
    };
    for (key, value) in parent {
        match global.position(&key) {
            None => global.map_entries().push((key, value)),
            Some(i) => {
                let here = &mut global.map_entries()[i].1;
                if value.is_map() {
                    if here.is_map() {
                        let mine = std::mem::replace(here, value);
                        coalesce_tables(here, mine, true);
                    }
                } else if !here.is_map() {
                    *here = value;
                }
            }
        }
    }
    match sub.position("global") {
        Some(i) => sub.map_entries()[i].1 = global,
        None => sub.map_entries().push((Cow::Borrowed("global"), global)),
    }
}

/// helm's `cleanNilValues`: every null below a chart default, gone.
fn drop_nulls(m: &mut Merged<'_>) {
    if let MergedKind::Map(entries) = &mut m.kind {
        entries.retain(|(_, v)| !v.is_null());
        for (_, v) in entries {
            drop_nulls(v);
        }
    }
}

/// The `values.yaml` of each local chart along the path from `chart_file` down to the
/// jupyterhub chart, with the key prefix it sits under. An override file (`lis-chart.yaml`)
/// stands in for the chart named in it, so its defaults are that chart's `values.yaml`.
pub fn chart_default_values(
    model: &RepoModel,
    chart_file: &str,
    nesting: &[String],
) -> Vec<(Vec<String>, String)> {
    let mut levels = chart_levels(model, Some(chart_file), nesting, None);
    levels.pop();
    levels
        .into_iter()
        .map_while(|l| Some((l.prefix, l.defaults?)))
        .collect()
}

pub use crate::yaml::helm::helm_key;

/// A mapping's entries as helm keeps them: each under helm's key, a key written twice (also
/// as `y` and `true`) only at its last place, which keeps the value written last.
pub fn helm_entries(entries: &[Entry]) -> impl Iterator<Item = (Cow<'_, str>, &Entry)> {
    let keys: Vec<Option<Cow<str>>> = entries.iter().map(|e| helm_key(&e.key)).collect();
    let mut keep = vec![true; entries.len()];
    if entries.len() <= 16 {
        for i in 0..entries.len() {
            keep[i] = keys[i].is_some() && !keys[i + 1..].contains(&keys[i]);
        }
    } else {
        let mut last: HashMap<&str, usize> = HashMap::new();
        for (i, k) in keys.iter().enumerate() {
            if let Some(k) = k {
                last.insert(k, i);
            }
        }
        for (i, k) in keys.iter().enumerate() {
            keep[i] = k.as_deref().is_some_and(|k| last[k] == i);
        }
    }
    let keys: Vec<Option<Cow<str>>> = keys
        .into_iter()
        .zip(&keep)
        .map(|(k, &kept)| k.filter(|_| kept))
        .collect();
    keys.into_iter()
        .zip(entries)
        .filter_map(|(k, e)| Some((k?, e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    /// The JSON of a merged tree, keys and scalars as helm reads them.
    fn json(m: &Merged<'_>) -> serde_json::Value {
        crate::schema::merged_to_json(m)
    }

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
        // Between -f files a null replaces and stays: only the chart's defaults judge it.
        assert!(m.get_path(&["hub", "gone"]).unwrap().is_null());
        assert!(m.get("keep").is_some());
    }

    /// helm's coalescing of a wrapper chart (basehub-like) and the jupyterhub chart under it,
    /// as tests/oracle/hub_merge.py checks against Helm itself.
    #[test]
    fn chart_defaults_coalesce_as_helm_does() {
        let parent = parse(
            "global: {g: parent-default, gn: null}\njupyterhub:\n  hub: {a: 1, nul: null, keep: null}\n  dropme: null\nother: {x: null, y: 1}\n",
        );
        let z2jh = parse("hub: {a: 0, b: 2, nn: null, del: 3}\nproxy: {p: 1}\nglobal: {g: z2jh}\n");
        let user = parse(
            "jupyterhub:\n  hub: {del: null, fresh: null, a: 5}\n  proxy: null\nglobal: {u: 1}\nother: {y: null}\n",
        );
        let mut m = empty();
        m.merge("user.yaml", &user.docs[0], &[]);
        let levels = [
            ChartLevel {
                prefix: vec![],
                defaults: None,
                subcharts: vec!["jupyterhub".into()],
            },
            ChartLevel {
                prefix: vec!["jupyterhub".into()],
                defaults: None,
                subcharts: vec![],
            },
        ];
        let defaults = vec![
            Some(Merged::from_node(
                "basehub/values.yaml",
                None,
                &parent.docs[0],
            )),
            Some(Merged::from_node("z2jh/values.yaml", None, &z2jh.docs[0])),
        ];
        coalesce_chart(&mut m, &levels, defaults);
        // What the jupyterhub chart's templates see (Helm's render of this very tree).
        assert_eq!(
            json(m.get("jupyterhub").unwrap()),
            serde_json::json!({
                // Every null among the defaults stays (`nul`, `keep`, `nn`: helm's install
                // merges the subchart's defaults into its parent's first, nulls kept); a
                // user's null over a default deletes it (`del`, `proxy`) and over nothing
                // stays (`fresh`).
                "hub": {"a": 5, "fresh": null, "nul": null, "keep": null, "b": 2, "nn": null},
                "dropme": null,
                // The parent's global wins over the subchart's, its nulls kept too.
                "global": {"u": 1, "g": "parent-default", "gn": null},
            })
        );
        // The origin of a default is the chart's values file.
        assert_eq!(
            m.get_path(&["jupyterhub", "hub", "b"]).unwrap().file,
            "z2jh/values.yaml"
        );
    }

    #[test]
    fn keys_as_helm_makes_them() {
        // YAML 1.1 keys become the strings of what they read as; a key written twice (also
        // as `yes` and `true`) keeps its last value.
        let v = parse("y: 1\n0x1F: 2\n1.50: 3\n'y': 4\nd: 1\nd: 2\nyes: 5\ntrue: 6\n");
        let mut m = empty();
        m.merge("v.yaml", &v.docs[0], &[]);
        assert_eq!(
            json(&m),
            serde_json::json!({"31": 2, "1.5": 3, "y": 4, "d": 2, "true": 6})
        );
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
