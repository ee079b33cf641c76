use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a key in a hub's values that the chart's values schema does not allow: the
    /// jupyterhub chart's schema for the version the hub's Chart.yaml (or `chart_override`)
    /// depends on, and a wrapping chart's own `values.schema.yaml`.
    ///
    /// ## Why
    /// helm validates the merged values against every chart's schema on install, upgrade,
    /// template and lint, and refuses the whole deploy: `Additional property profiles is not
    /// allowed`, without saying which file or line. hublint merges each hub's values files
    /// as helm does and points at the line that wrote the key; a problem in a file shared by
    /// many hubs is reported once, naming the hubs.
    ///
    /// ## Example
    /// ```yaml
    /// jupyterhub:
    ///   singleuser:
    ///     profileLst: []   # did you mean `profileList`?
    /// ```
    ///
    /// ## Fix
    /// Rename the key when a known key is close (offered as an unsafe fix: the setting then
    /// takes effect), or move it where the schema expects it.
    S001, "unknown-values-key", Error, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    ctx.report_hub_findings(sink);
}
