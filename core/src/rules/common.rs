//! Lookups several rules share.

use crate::dockerfile::From;
use crate::model::{Chart, Hub, Image, RepoModel};
use crate::values::{hub_values, Merged};
use crate::workspace::{join, SourceFile, Workspace};

/// The FROM that the built image ends up on, following `FROM <earlier stage>`.
pub fn base_from(file: &SourceFile) -> Option<&From> {
    let df = file.dockerfile()?;
    let mut from = df.final_from()?;
    for _ in 0..df.froms.len() {
        let stage = df.froms.iter().find(|f| {
            f.stage_name
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(&from.image))
        });
        match stage {
            Some(s) if !std::ptr::eq(s, from) => from = s,
            _ => break,
        }
    }
    Some(from)
}

/// An image's Dockerfile and its k8s-hub FROM, when it is built on k8s-hub with a tag.
pub fn k8s_hub_base<'a>(
    ws: &'a Workspace,
    image: &Image,
) -> Option<(&'a SourceFile, &'a From, &'a str)> {
    let file = ws.get(&image.dockerfile_path.value)?;
    let from = base_from(file)?;
    if !crate::k8s_hub::is_k8s_hub_image(&from.image) {
        return None;
    }
    let tag = from.tag.as_deref()?;
    Some((file, from, tag))
}

/// The chart an image's tag is written into (its chartpress chart's Chart.yaml).
pub fn image_chart<'a>(model: &'a RepoModel, image: &Image) -> Option<&'a Chart> {
    model.chart(&join(&image.chart_dir, "Chart.yaml"))
}

/// The image a hub runs: `hub.image.name` and `.tag` from its merged values (chart defaults
/// included), at the hub's nesting.
pub fn hub_image<'m, 'a>(
    merged: &'m Merged<'a>,
    hub: &Hub,
) -> Option<(&'m Merged<'a>, Option<&'m Merged<'a>>)> {
    let image = merged.get_path(&hub.nesting)?.get("hub")?.get("image")?;
    Some((image.get("name")?, image.get("tag")))
}

/// A hub's merged values with chart defaults.
pub fn merged_hub_values<'a>(ws: &'a Workspace, model: &RepoModel, hub: &Hub) -> Merged<'a> {
    hub_values(ws, model, hub, true)
}

use crate::text::TextRange;
use crate::yaml::Node;

/// Every values file the repository has: files listed by a hub, plain values files mapped to
/// a chart, each chart's own values.yaml, and any other `*values.yaml`. Secrets and
/// sops-encrypted files are left out.
pub fn values_files<'a>(ws: &'a Workspace, model: &RepoModel) -> Vec<&'a SourceFile> {
    let mut paths: Vec<String> = Vec::new();
    for hub in &model.hubs {
        // A manifest with inline values (Flux `spec.values`) is scanned whole.
        for v in hub.yaml_values() {
            paths.push(v.path.clone());
        }
    }
    paths.extend(model.charts.iter().map(|c| join(&c.dir, "values.yaml")));
    for f in ws.files() {
        let name = f.file_name();
        if name.ends_with("values.yaml") || name.ends_with("values.yml") {
            paths.push(f.path.clone());
        }
    }
    paths.sort();
    paths.dedup();
    paths
        .iter()
        .filter_map(|p| ws.get(p))
        .filter(|f| model.is_data(&f.path) && !f.file_name().contains("secret"))
        .filter(|f| {
            f.yaml_root()
                .is_some_and(|r| !crate::model::is_sops_encrypted(r))
        })
        .collect()
}

/// An image reference written in a values file.
#[derive(Debug)]
pub struct ImageRef<'a> {
    pub name: String,
    pub name_range: TextRange,
    /// The tag text, with the node it came from (for a `name:tag` string, the whole string).
    pub tag: Option<(String, TextRange)>,
    /// `image: {name, tag}` (true) or `image: "name:tag"` (false).
    pub mapping: bool,
    pub node: &'a Node,
}

/// Image references: `image:` keys whose value is `{name, tag}` or a `name:tag` string.
pub fn image_refs(root: &Node) -> Vec<ImageRef<'_>> {
    let mut out = Vec::new();
    collect_image_refs(root, &mut out);
    out
}

fn collect_image_refs<'a>(node: &'a Node, out: &mut Vec<ImageRef<'a>>) {
    if let Some(items) = node.as_sequence() {
        items.iter().for_each(|i| collect_image_refs(i, out));
        return;
    }
    let Some(entries) = node.as_mapping() else {
        return;
    };
    for e in entries {
        if e.key.as_str() == Some("image") && !e.key.from_alias {
            let v = &e.value;
            if let (Some(name), true) = (
                v.get("name")
                    .and_then(|n| n.helm_string().map(|s| (s, n.range))),
                v.as_mapping().is_some(),
            ) {
                let tag = v
                    .get("tag")
                    .map(|t| (t.as_str().unwrap_or_default().to_string(), t.range));
                out.push(ImageRef {
                    name: name.0.to_string(),
                    name_range: name.1,
                    tag,
                    mapping: true,
                    node: v,
                });
            } else if let Some(s) = v.helm_string() {
                // Templates filled in by KubeSpawner (`{value}`) are not references yet; a
                // name beside its `repository`/`registry` is one part of a split spec whose
                // tag is chosen elsewhere.
                let split_spec = node.get("repository").is_some() || node.get("registry").is_some();
                if !s.is_empty()
                    && !s.contains('{')
                    && !s.contains(char::is_whitespace)
                    && !split_spec
                {
                    let parts = crate::image_ref::Reference::split(s);
                    out.push(ImageRef {
                        name: parts.name.to_string(),
                        name_range: v.range,
                        tag: parts.tag.map(|t| (t.to_string(), v.range)),
                        mapping: false,
                        node: v,
                    });
                }
            }
        }
        collect_image_refs(&e.value, out);
    }
}

/// Every requirements source a pinning rule reads: requirements files (all of them, or only
/// those an image installs) and the `RUN pip install` lines of each Dockerfile.
pub fn requirement_sources<'a>(
    ws: &'a Workspace,
    model: &'a RepoModel,
    image_only: bool,
) -> impl Iterator<Item = (&'a str, &'a crate::requirements::RequirementsFile)> {
    let files = if image_only {
        &model.image_requirements_files
    } else {
        &model.requirements_files
    };
    let listed = files
        .iter()
        .filter_map(move |p| Some((p.as_str(), ws.get(p)?.requirements()?)));
    let dockerfiles = model
        .dockerfiles
        .iter()
        .filter_map(move |p| Some((p.as_str(), ws.get(p)?.pip_installs()?)));
    listed.chain(dockerfiles)
}
