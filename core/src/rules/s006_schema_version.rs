use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Says which jupyterhub chart schema hublint used when the version a Chart.yaml (or a
    /// hub's `chart_override`) depends on is not a release it has a schema for: a
    /// development build such as `4.3.3-0.dev.git.7272.h2ff70453`, a prerelease or a newer
    /// release is checked against the nearest older release (in semver order); a version
    /// before 3.0.0 or one that is not a semantic version is not checked against a schema.
    ///
    /// ## Why
    /// The schema differs between releases; knowing which one was used explains an S001
    /// about a key the newer chart has.
    ///
    /// ## Example
    /// ```yaml
    /// dependencies:
    ///   - name: jupyterhub
    ///     version: 4.3.3-0.dev.git.7272.h2ff70453   # checked against 4.3.2
    /// ```
    ///
    /// ## Fix
    /// Nothing to fix; put the unpacked chart under `charts/jupyterhub/` to check against
    /// its exact schema.
    S006, "schema-version-fallback", Info, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    ctx.report_hub_findings(sink);
}
