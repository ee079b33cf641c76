use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a plain (unquoted) scalar that helm reads as a number, boolean or null where
    /// a string is meant: anything the values schema types as a string (image tags, label
    /// and annotation values), and environment variable values (`extraEnv`, KubeSpawner's
    /// `environment`) whose printed form changes. In the parts the schema leaves open
    /// (`hub.config`, `hub.extraConfig`, `singleuser.profileList`, `custom`) it warns where
    /// helm's YAML 1.1 reading differs from the YAML 1.2 one editors show, and where a
    /// mapping key turns into another string (`on:` becomes the key `"true"`).
    ///
    /// ## Why
    /// helm reads values with YAML 1.1 rules and passes them through JSON: `tag: 1.10`
    /// becomes the number 1.1 and the image `…:1.1`, `yes`/`on`/`y` become `true`, `0123`
    /// is the octal 83, `1_000` is 1000, and an all-digit commit SHA becomes a float
    /// printed as `3.806521e+06`. Where the schema wants a string helm refuses the deploy
    /// (an error here); elsewhere the hub silently gets another value (a warning).
    /// Numbers the schema types as numbers (`extraFiles.*.mode: 0644`) are left alone.
    ///
    /// ## Example
    /// ```yaml
    /// jupyterhub:
    ///   singleuser:
    ///     image:
    ///       tag: 1.10        # helm reads 1.10 as the number 1.1
    ///     extraEnv:
    ///       DEBUG: yes       # the variable gets "true"
    /// ```
    ///
    /// ## Fix
    /// Quote the value, keeping its text (`tag: "1.10"`): a safe fix where a string is
    /// expected. In free-form areas both quoting and writing helm's reading (`true`) are
    /// offered as unsafe fixes, as only the author knows which was meant.
    Y003, "helm-reads-non-string", Warning, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    ctx.report_hub_findings(sink);
}
