use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// When the repository holds a cluster schema (the file `.hublint.yaml` names with
    /// `cluster-schema:`, else a file named `cluster.schema.yaml`, `.yml` or `.json`, such as
    /// 2i2c's `src/deployer/commands/validate/cluster.schema.yaml`),
    /// validates every `cluster.yaml` against it with the same JSON Schema validator as
    /// values: unknown keys (with did-you-mean), wrong types, values outside an `enum`,
    /// missing required keys, each at the line that wrote it.
    ///
    /// ## Why
    /// The deployer refuses a cluster.yaml that does not match its schema, but only when
    /// someone runs it against that cluster; a typo in a hub entry or a wrong `provider`
    /// otherwise surfaces in the middle of a deploy.
    ///
    /// ## Example
    /// ```yaml
    /// name: demo
    /// provider: gpc        # not one of gcp, kubeconfig, aws, azure
    /// ```
    ///
    /// ## Fix
    /// Correct the key or value as the schema says (a rename is offered for near misses).
    S008, "cluster-schema", Error, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    let mut out = Vec::new();
    crate::schema::cluster::check(ctx.ws, ctx.config, &mut out);
    for d in out {
        sink.push(d);
    }
}
