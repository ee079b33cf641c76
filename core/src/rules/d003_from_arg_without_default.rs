use super::{Context, Sink};
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Reports an `ARG` used in a `FROM` line that has no default (`ARG BASE` with no `=`, or
    /// never declared before the first `FROM`), unless every chartpress image built from this
    /// Dockerfile passes it in `buildArgs`.
    ///
    /// ## Why
    /// With no default the image reference is empty or truncated (`FROM ${BASE}` becomes
    /// `FROM `) and `docker build` fails unless the caller remembers `--build-arg`. hublint
    /// also cannot tell which base (and which k8s-hub version) the image is built on, so the
    /// FROM/chart version checks cannot run.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG BASE_TAG
    /// FROM quay.io/jupyterhub/k8s-hub:${BASE_TAG}
    /// ```
    ///
    /// ## Fix
    /// Give the `ARG` a default (`ARG BASE_TAG=4.3.3`), or pass it from chartpress.yaml's
    /// `buildArgs`.
    D003, "from-arg-without-default", Warning, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for path in &ctx.model.dockerfiles {
        let Some(df) = ctx.ws.get(path).and_then(|f| f.dockerfile()) else {
            continue;
        };
        let builders: Vec<_> = ctx
            .model
            .images
            .iter()
            .filter(|img| &img.dockerfile_path.value == path)
            .collect();
        let mut seen = HashSet::new();
        for from in &df.froms {
            for (name, range) in &from.unresolved_args {
                let passed = !builders.is_empty()
                    && builders
                        .iter()
                        .all(|img| img.build_args.iter().any(|a| &a.name == name));
                if passed || !seen.insert((name.clone(), *range)) {
                    continue;
                }
                let declared = df.global_arg(name).is_some();
                let why = if declared {
                    format!("`ARG {name}` has no default")
                } else {
                    format!("`{name}` is not declared with `ARG` before the first `FROM`")
                };
                sink.report(
                    path,
                    *range,
                    format!(
                        "{why}: the image reference is incomplete unless the build passes `--build-arg {name}=...`"
                    ),
                );
            }
        }
    }
}
