use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a value the values schema rules out although its type is right: not one of
    /// an `enum`, not the `const` a condition needs, below a `minimum`, a list shorter than
    /// `minItems`, or a mapping that fits none (or several) of the `oneOf`/`anyOf` forms.
    ///
    /// ## Why
    /// helm refuses the deploy with a message naming only the JSON path. A misspelt enum
    /// value such as `pullPolicy: IfNotPresnt` would otherwise reach Kubernetes.
    ///
    /// ## Example
    /// ```yaml
    /// jupyterhub:
    ///   singleuser:
    ///     image:
    ///       pullPolicy: IfNotPresnt   # did you mean `IfNotPresent`?
    /// ```
    ///
    /// ## Fix
    /// Use one of the listed values; a close enum value is offered as an unsafe fix.
    S003, "values-value-not-allowed", Error, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    ctx.report_hub_findings(sink);
}
