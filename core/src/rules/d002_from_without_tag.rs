use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` image with no tag or with the tag `latest`. A digest
    /// (`@sha256:...`) counts as pinned; `FROM scratch` and `FROM <earlier stage>` are fine.
    ///
    /// ## Why
    /// Without a tag Docker pulls `latest`, which moves: rebuilding the same commit gives a
    /// different hub image, and for `jupyterhub/k8s-hub` the base then no longer matches the
    /// chart version it is deployed with.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM quay.io/jupyterhub/k8s-hub
    /// ```
    ///
    /// ## Fix
    /// Pin a tag (for k8s-hub: the chart's `jupyterhub` version), or a digest.
    D002, "from-without-tag", Warning, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for path in &ctx.model.dockerfiles {
        let Some(df) = ctx.ws.get(path).and_then(|f| f.dockerfile()) else {
            continue;
        };
        for from in &df.froms {
            if from.stage_ref.is_some()
                || from.is_scratch()
                || from.digest.is_some()
                || !from.unresolved_args.is_empty()
                || from.image.is_empty()
                || from.image.contains('$')
            {
                continue;
            }
            match from.tag.as_deref() {
                None => {
                    sink.report(
                        path,
                        from.reference_range,
                        format!(
                            "`{}` has no tag: the build pulls whatever `latest` is that day",
                            from.image
                        ),
                    );
                }
                Some("latest") => {
                    sink.report(
                        path,
                        from.tag_edit_range.unwrap_or(from.reference_range),
                        format!(
                            "`{}:latest` moves: rebuilding the same commit gives another image",
                            from.image
                        ),
                    );
                }
                Some(_) => {}
            }
        }
    }
}
