use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// In the Python snippets P001 parses, reports `c.<Class>.<trait> = …` (also `+=`, an
    /// annotated assignment, or an in-place call such as `c.Class.trait.append(…)`) where
    /// the class is one hublint knows (the same classes as S005: JupyterHub, Authenticator,
    /// Spawner, KubeSpawner, the OAuthenticator family) and has no such trait. Functions
    /// that take their own `c` parameter are skipped.
    ///
    /// ## Why
    /// traitlets accepts any name on the config object and only logs a warning when the
    /// class loads, so `c.KubeSpawner.mem_limt = "4G"` gives every user the default memory
    /// limit and nothing fails.
    ///
    /// ## Example
    /// ```yaml
    /// hub:
    ///   extraConfig:
    ///     01-limits: |
    ///       c.KubeSpawner.mem_limt = "4G"   # did you mean `mem_limit`?
    /// ```
    ///
    /// ## Fix
    /// Rename the trait (offered as an unsafe fix).
    P002, "python-unknown-trait", Warning, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    sink.push_own(ctx.python_findings());
}
