use super::{Context, Sink};
use crate::workspace::join;
use crate::yaml::{Node, Value};

declare_rule! {
    /// ## What it does
    /// Reports an image `valuesPath` in chartpress.yaml that does not exist in the chart's
    /// `values.yaml`, or that points at a mapping with neither `name` nor `repository`.
    ///
    /// ## Why
    /// chartpress fails on a missing path only after it has built (and with `--push`, pushed)
    /// every image; the pushed image is then referenced by nothing. A renamed key in values.yaml
    /// is the usual cause.
    ///
    /// ## Example
    /// ```yaml
    /// images:
    ///   hub:
    ///     valuesPath: jupyterhub.hub.imag
    /// ```
    ///
    /// ## Fix
    /// Correct the path, or add the key to values.yaml.
    C003, "values-path-missing", Error, fixable: false, check
}

/// Follow a chartpress dotted path; numeric parts index lists.
pub(crate) fn lookup<'a>(root: &'a Node, path: &str) -> Result<&'a Node, String> {
    let mut node = root;
    for part in path.split('.') {
        node = match &node.value {
            Value::Mapping(_) => node.get(part).ok_or_else(|| format!("no key `{part}`"))?,
            Value::Sequence(items) => {
                let i: usize = part
                    .parse()
                    .map_err(|_| format!("`{part}` indexes a list but is not a number"))?;
                items
                    .get(i)
                    .ok_or_else(|| format!("list has no item {i}"))?
            }
            Value::Scalar(_) => return Err(format!("`{part}` is below a scalar")),
        };
    }
    Ok(node)
}

fn check(ctx: &Context, sink: &mut Sink) {
    for image in &ctx.model.images {
        if image.values_paths.is_empty() {
            continue;
        }
        let values_file = join(&image.chart_dir, "values.yaml");
        let Some(root) = ctx.ws.get(&values_file).and_then(|f| f.yaml_root()) else {
            if ctx.ws.is_dir(&image.chart_dir) && ctx.ws.get(&values_file).is_none() {
                for vp in &image.values_paths {
                    sink.report(
                        &vp.file,
                        vp.range,
                        format!(
                            "`{}` has no values.yaml to write `{}` into",
                            image.chart_dir, vp.value
                        ),
                    );
                }
            }
            continue;
        };
        for vp in &image.values_paths {
            match lookup(root, &vp.value) {
                Err(why) => {
                    sink.report(
                        &vp.file,
                        vp.range,
                        format!(
                            "valuesPath `{}` does not exist in {values_file}: {why}",
                            vp.value
                        ),
                    );
                }
                Ok(node) => {
                    if node.as_mapping().is_some()
                        && node.get("name").is_none()
                        && node.get("repository").is_none()
                    {
                        sink.report(
                            &vp.file,
                            vp.range,
                            format!("valuesPath `{}` in {values_file} is a mapping without `name` or `repository`: chartpress cannot write it", vp.value),
                        );
                    }
                }
            }
        }
    }
}
