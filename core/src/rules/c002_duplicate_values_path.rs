use super::{Context, Sink};
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports two chartpress images of the same chart that write their tag to the same
    /// `valuesPath`.
    ///
    /// ## Why
    /// chartpress writes each image's name and tag in config order, so the last entry silently
    /// wins: every `chartpress` run sets the chart's default hub image to whichever image is
    /// listed last, and `--list-images` shows only that one. Someone then has to notice and
    /// revert the change by hand before committing (2i2c did, in PR #8084).
    ///
    /// ## Example
    /// ```yaml
    /// images:
    ///   hub:
    ///     valuesPath: jupyterhub.hub.image
    ///   hub-authz-helpers:
    ///     valuesPath: jupyterhub.hub.image   # overwrites hub's tag on every run
    /// ```
    ///
    /// ## Fix
    /// Give the second image its own `valuesPath`, or none (an experimental image is pointed
    /// at from a hub's own values instead).
    C002, "duplicate-values-path", Warning, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    let mut first: HashMap<(String, String), (&str, &crate::model::Spanned<String>)> =
        HashMap::new();
    for image in &ctx.model.images {
        for vp in &image.values_paths {
            let key = (image.chart_dir.clone(), vp.value.clone());
            match first.get(&key) {
                Some((other, other_vp)) => {
                    sink.report(
                        &vp.file,
                        vp.range,
                        format!(
                            "images `{other}` and `{}` both write `{}`: chartpress keeps only the last one (`{}`)",
                            image.key.value, vp.value, image.key.value
                        ),
                    )
                    .with_related_in_place(&other_vp.file, other_vp.range, format!("`{other}` writes it first"));
                }
                None => {
                    first.insert(key, (&image.key.value, vp));
                }
            }
        }
    }
}
