use super::{Context, Sink};
use crate::config::CONFIG_FILE;

declare_rule! {
    /// ## What it does
    /// Reports what hublint cannot use in its own `.hublint.yaml`: a YAML error, an unknown
    /// setting, an unknown severity, a `hubs:` entry without a name, a glob that cannot be
    /// compiled (`exclude`, `per-path-ignores`, `values`). Shown at its line in
    /// every front end (CLI, language server, playground).
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
    for e in &ctx.config.errors {
        let message = e
            .message
            .strip_prefix(&format!("{CONFIG_FILE}: "))
            .unwrap_or(&e.message);
        sink.report(CONFIG_FILE, e.range, message.to_string());
    }
}
