use super::{Context, Sink};
use crate::config::CONFIG_FILE;

declare_rule! {
    /// ## What it does
    /// Reports what hublint cannot use in its own `.hublint.yaml`: a YAML error, an unknown
    /// setting, an unknown severity or rule code, a value of the wrong shape, a `hubs:` entry
    /// without a name, a `cluster-schema:` file that is missing or not a schema, a glob that
    /// cannot be compiled (`exclude`, `per-path-ignores`, `values`). Shown at its line in every
    /// front end (CLI, language server, playground).
    ///
    /// ## Why
    /// A misspelt setting (`ignores:` for `ignore:`) is otherwise silently dropped, and the
    /// rules it meant to configure run as if it were not there.
    ///
    /// ## Example
    /// ```yaml
    /// ignores: [R004]
    /// ```
    ///
    /// ## Fix
    /// Correct the setting; `hublint rule --all` lists the codes, the README the settings.
    H001, "config-error", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    if !ctx.ws.contains(CONFIG_FILE) {
        return;
    }
    // A named cluster schema that cannot be used (S008 then checks nothing). Only asked when
    // one is named: otherwise this would compile the discovered schema a second time.
    let cluster_schema = ctx
        .config
        .cluster_schema
        .as_ref()
        .and_then(|_| crate::schema::cluster::schema(ctx.ws, ctx.config).err());
    for e in ctx.config.errors.iter().chain(&cluster_schema) {
        let message = e
            .message
            .strip_prefix(&format!("{CONFIG_FILE}: "))
            .unwrap_or(&e.message);
        sink.report(CONFIG_FILE, e.range, message.to_string());
    }
}
