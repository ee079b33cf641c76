use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a value whose type the values schema does not allow, e.g. a string where a
    /// mapping goes, or a list where a boolean goes, in a hub's merged values.
    ///
    /// ## Why
    /// helm refuses to render the chart (`Invalid type. Expected: object, given: string`)
    /// and does not say which of a hub's values files is at fault. A plain scalar that
    /// helm's YAML 1.1 reading turns into a number or boolean where a string is required is
    /// reported as Y003 instead, with a quoting fix.
    ///
    /// ## Example
    /// ```yaml
    /// jupyterhub:
    ///   hub:
    ///     image: quay.io/org/hub:1.0   # must be a mapping: {name: …, tag: …}
    /// ```
    ///
    /// ## Fix
    /// Write the value in the shape the schema describes.
    S002, "wrong-values-type", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    ctx.report_hub_findings(sink);
}
