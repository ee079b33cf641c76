use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a field that the Kubernetes API type does not have, in the values that hold
    /// Kubernetes objects: `extraVolumes`/`extraVolumeMounts` (hub, singleuser storage,
    /// traefik), `initContainers`/`extraContainers`, tolerations, `lifecycle`/
    /// `lifecycleHooks`, security contexts, `resources`, `extraPodSpec`, the singleuser
    /// affinity terms and `extraEnv` in its list form; with the field it is probably a typo
    /// of. Types are those of the last four Kubernetes minors; a field any of them has is
    /// accepted. Where KubeSpawner builds the object (the singleuser places) Python
    /// attribute names (`mount_path`) are accepted as it accepts them.
    ///
    /// ## Why
    /// The chart's schema types these as bare lists and mappings. A misspelt field is
    /// dropped by the API server (or refused), so `claimname:` mounts nothing, and the hub
    /// or a user's server fails at start, long after `helm upgrade` succeeded.
    ///
    /// ## Example
    /// ```yaml
    /// singleuser:
    ///   storage:
    ///     extraVolumes:
    ///       - name: shared
    ///         persistentVolumeClaim:
    ///           claimname: shared-pvc   # did you mean `claimName`?
    /// ```
    ///
    /// ## Fix
    /// Rename the field (offered as an unsafe fix).
    K003, "k8s-unknown-field", Warning, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    sink.push_own(ctx.kubernetes_findings());
}
