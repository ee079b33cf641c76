//! Lookups several rules share.

use crate::dockerfile::From;
use crate::model::Image;
use crate::text::TextRange;
use crate::workspace::{SourceFile, Workspace};
use crate::yaml::Node;

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
