use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports, under `hub.config.<Class>`, a trait name that class does not have, for the
    /// classes hublint knows: JupyterHub, Authenticator and Spawner, KubeSpawner and the
    /// OAuthenticator family (GenericOAuthenticator, GitHubOAuthenticator,
    /// CILogonOAuthenticator, GoogleOAuthenticator, …). A trait of a parent class is valid
    /// on the subclass. Also reports a class name one letter away from a known class.
    ///
    /// ## Why
    /// The chart's schema leaves `hub.config` free-form, and traitlets ignores an unknown
    /// trait with a log line in the hub pod, so a misspelt `allowed_organisations` silently
    /// lets everyone in or no one. Classes from other packages are not checked.
    ///
    /// ## Example
    /// ```yaml
    /// hub:
    ///   config:
    ///     KubeSpawner:
    ///       image_pul_policy: Always   # did you mean `image_pull_policy`?
    /// ```
    ///
    /// ## Fix
    /// Rename the trait (offered as an unsafe fix), or move it to the class that has it.
    S005, "unknown-trait", Warning, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    ctx.report_hub_findings(sink);
}
