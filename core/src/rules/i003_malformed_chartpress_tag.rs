use super::{Context, Sink};
use crate::version::chartpress_tag_problem;

declare_rule! {
    /// ## What it does
    /// Reports an image tag that is meant to be a chartpress tag (it contains `.git.`) but does
    /// not have its shape: `<semver>.git.<commit count>.h<abbreviated commit>` (with
    /// `-0.dev` before `.git.` for builds after a stable release).
    ///
    /// ## Why
    /// Such tags are copied by hand from chartpress output or a registry page into a hub's
    /// values; a truncated or mistyped tag names an image that was never pushed, and the hub
    /// pod fails with `ImagePullBackOff` at the next restart.
    ///
    /// ## Example
    /// ```yaml
    /// tag: "0.0.1-0.dev.git.6406.c1091b1c"   # the `h` before the hash is missing
    /// ```
    ///
    /// ## Fix
    /// Copy the tag again from `chartpress --list-images` or the registry.
    I003, "malformed-chartpress-tag", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for (file, refs) in ctx.values_image_refs() {
        for r in refs {
            let Some((tag, range)) = &r.tag else { continue };
            if let Some(problem) = chartpress_tag_problem(tag) {
                sink.report(
                    &file.path,
                    *range,
                    format!(
                        "image `{}` tag `{tag}` is not a valid chartpress tag: {problem}",
                        r.name
                    ),
                );
            }
        }
    }
}
