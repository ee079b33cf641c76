use super::{Context, Sink};
use crate::version::parse_chartpress_tag;

declare_rule! {
    /// ## What it does
    /// Reports a hub image with a chartpress-style tag (`X.Y.Z-0.dev.git.N.hSHA`) in a registry
    /// namespace this repository builds into (from chartpress.yaml's `imagePrefix` and
    /// `imageName`, e.g. `quay.io/2i2c/`) when no chartpress.yaml entry builds that image name
    /// any more.
    ///
    /// ## Why
    /// Experimental images are built by their own chartpress entry and pointed at from a few
    /// hubs. When the entry is removed, the hubs keep running the last pushed tag forever: no
    /// rebuild picks up security fixes or the next z2jh release, and nothing in the repository
    /// says the image is orphaned.
    ///
    /// ## Example
    /// ```yaml
    /// hub:
    ///   image:
    ///     name: quay.io/2i2c/jupyterhub-usage-quotas   # chartpress entry removed
    ///     tag: "0.0.1-0.dev.git.16538.hb055b381d"
    /// ```
    ///
    /// ## Fix
    /// Move the hub back to the main image, or restore the chartpress entry. Images built
    /// elsewhere can be listed under `known-images` in `.hublint.yaml`.
    I002, "stale-image", Warning, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    let namespaces: Vec<String> = ctx
        .model
        .images
        .iter()
        .filter_map(|i| {
            i.full_name
                .rfind('/')
                .map(|at| i.full_name[..=at].to_string())
        })
        .collect();
    if namespaces.is_empty() {
        return;
    }
    for (file, refs) in ctx.values_image_refs() {
        for r in refs {
            let Some((tag, _)) = &r.tag else { continue };
            if parse_chartpress_tag(tag).is_none() {
                continue;
            }
            if !namespaces.iter().any(|ns| r.name.starts_with(ns.as_str())) {
                continue;
            }
            if ctx.model.images.iter().any(|i| i.full_name == r.name)
                || ctx.config.known_images.contains(&r.name)
            {
                continue;
            }
            sink.report(
                &file.path,
                r.name_range,
                format!("image `{}:{tag}` has a chartpress tag but no chartpress.yaml entry builds `{}` any more", r.name, r.name),
            );
        }
    }
}
