use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Parses the Python written in values files and reports a syntax error at its line
    /// and column in the YAML file (the block scalar's indentation accounted for). Checked:
    /// every entry of `hub.extraConfig` (and the older single-string form), the
    /// `extraConfig` of charts next to it (binderhub, dask-gateway's `gateway.extraConfig`),
    /// and `extraFiles.<name>.stringData` mounted at a `.py` path. (The browser playground's
    /// first module leaves the Python parser out, to stay small, and loads a second module
    /// with it when a values file holds Python.)
    ///
    /// ## Why
    /// helm accepts any string there. The hub runs each snippet with `exec()` when it
    /// starts, so a stray indent or an unclosed bracket crash-loops the hub pod after the
    /// deploy has "succeeded", and every user is locked out until someone reads its log.
    ///
    /// ## Example
    /// ```yaml
    /// hub:
    ///   extraConfig:
    ///     01-resources: |
    ///       if True:
    ///       c.KubeSpawner.mem_limit = "2G"   # expected an indented block
    /// ```
    ///
    /// ## Fix
    /// Correct the Python; the message gives the line and column inside the snippet too.
    P001, "python-syntax", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    sink.push_own(ctx.python_findings());
}
