use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// In the same places as K003, reports a Kubernetes object that the API server refuses:
    /// a required field missing (a volume mount without `mountPath`, a container without
    /// `name`, a `persistentVolumeClaim` without `claimName`), or a value of the wrong kind
    /// as helm reads it (a mapping where a list belongs, `readOnly: "true"` where a boolean
    /// belongs, a string where an integer belongs). Entries of the mapping form of a list
    /// (z2jh 4) are not checked for required fields, since another values file can add them.
    ///
    /// ## Why
    /// helm renders such values without complaint; the pod is then rejected when it is
    /// created: for the hub at deploy time, for a user at every spawn.
    ///
    /// ## Example
    /// ```yaml
    /// singleuser:
    ///   initContainers:
    ///     - name: fix-permissions
    ///       image: busybox
    ///       command: chown -R 1000 /home   # expected a list of strings
    /// ```
    ///
    /// ## Fix
    /// Add the missing field or write the value in the shape the API type has.
    K004, "k8s-invalid-object", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    sink.push_own(ctx.kubernetes_findings());
}
