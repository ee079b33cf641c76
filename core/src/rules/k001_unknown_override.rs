use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a `kubespawner_override` key that is not a KubeSpawner trait in the
    /// jupyterhub-kubespawner release the hub runs (the one its z2jh chart version ships),
    /// in `singleuser.profileList[*]`, in `profile_options.<option>.choices.<choice>` and in
    /// `profile_options.<option>.unlisted_choice`; with the trait it is probably a typo of.
    /// A trait that only a newer (or older) release has is reported with the releases.
    ///
    /// ## Why
    /// KubeSpawner applies every override with `setattr`, which accepts any name: a
    /// misspelt `mem_limt` silently leaves the user with the default memory limit, and no
    /// log line says so.
    ///
    /// ## Example
    /// ```yaml
    /// singleuser:
    ///   profileList:
    ///     - display_name: Large
    ///       kubespawner_override:
    ///         mem_limt: 16G   # did you mean `mem_limit`?
    /// ```
    ///
    /// ## Fix
    /// Rename the key (offered as an unsafe fix).
    K001, "unknown-override", Warning, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    sink.push_own(ctx.kubernetes_findings());
}
