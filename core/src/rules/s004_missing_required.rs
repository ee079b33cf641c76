use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a key the values schema requires that the hub's merged values (chart
    /// defaults included, when the workspace has them) do not have, e.g. `mountPath` of a
    /// `hub.extraFiles` entry or `tag` of a `prePuller.extraImages` entry.
    ///
    /// ## Why
    /// helm refuses the deploy. Only reported when every values source of the hub is a
    /// YAML file hublint can read: a hub that also takes values from a secret or a
    /// `values.jsonnet` (2i2c's `userServiceAccount`, ingress hosts) may get the key there.
    /// Without the jupyterhub chart's own `values.yaml` in the workspace, keys the chart's
    /// defaults supply (the schema's top-level `required` list and the like) count as
    /// present.
    ///
    /// ## Example
    /// ```yaml
    /// hub:
    ///   extraFiles:
    ///     my-config:
    ///       stringData: "..."   # `mountPath` is missing
    /// ```
    ///
    /// ## Fix
    /// Add the key.
    S004, "missing-required-values-key", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    ctx.report_hub_findings(sink);
}
