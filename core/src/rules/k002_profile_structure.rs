use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Checks the structure KubeSpawner reads in `singleuser.profileList`: a key one typo
    /// away from a known one on a profile, a profile option, a choice or `unlisted_choice`
    /// (`kubespawner_overide`, `choises`, `unlisted_choices`); `profile_options` and
    /// `choices` that are not mappings; an option with neither `choices` nor
    /// `unlisted_choice`; more than one profile, or more than one choice of an option,
    /// marked `default: true`.
    ///
    /// ## Why
    /// The chart's schema types `profileList` as a bare list. KubeSpawner ignores keys it
    /// does not read, so a misspelt key drops a whole override block or option without an
    /// error; a malformed option breaks the spawn form.
    ///
    /// ## Example
    /// ```yaml
    /// singleuser:
    ///   profileList:
    ///     - display_name: GPU
    ///       kubespawner_overide:   # did you mean `kubespawner_override`?
    ///         extra_resource_limits: {nvidia.com/gpu: "1"}
    /// ```
    ///
    /// ## Fix
    /// Rename the key, or reshape the option as KubeSpawner documents it.
    K002, "profile-structure", Warning, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    sink.push_own(ctx.kubernetes_findings());
}
