use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports an image in hub values with an empty tag, the tag `latest`, or (for a
    /// `name:tag` string such as a profile's `kubespawner_override.image`) no tag at all.
    ///
    /// ## Why
    /// A moving tag means two users of the same profile can get different software, a node
    /// that cached the old `latest` keeps serving it, and a broken upstream push reaches every
    /// hub at the next pod start with nothing in git to revert. z2jh's pre-puller also cannot
    /// pre-pull a tag that keeps changing.
    ///
    /// ## Example
    /// ```yaml
    /// singleuser:
    ///   image:
    ///     name: pangeo/pangeo-notebook
    ///     tag: latest
    /// ```
    ///
    /// ## Fix
    /// Pin a dated or versioned tag (or a digest).
    I001, "image-without-tag", Warning, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for (file, refs) in ctx.values_image_refs() {
        for r in refs {
            let has_digest = !r.mapping && r.node.as_str().is_some_and(|s| s.contains('@'));
            match &r.tag {
                Some((tag, range)) if tag == "latest" => {
                    sink.report(
                        &file.path,
                        *range,
                        format!("image `{}` uses the moving tag `latest`", r.name),
                    );
                }
                Some((tag, range)) if tag.is_empty() && r.mapping => {
                    sink.report(
                        &file.path,
                        *range,
                        format!("image `{}` has an empty tag", r.name),
                    );
                }
                None if !r.mapping && !has_digest => {
                    sink.report(
                        &file.path,
                        r.name_range,
                        format!("image `{}` has no tag, so `latest` is pulled", r.name),
                    );
                }
                _ => {}
            }
        }
    }
}
