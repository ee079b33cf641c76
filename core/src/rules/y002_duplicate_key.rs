use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a mapping key written twice in the same mapping.
    ///
    /// ## Why
    /// helm's YAML reader silently keeps the last value, so the first block is dead text that
    /// readers take for configuration; in long values files this is how a change "does
    /// nothing". Most other YAML tools reject the file outright.
    ///
    /// ## Example
    /// ```yaml
    /// hub:
    ///   image:
    ///     tag: "1.0"
    ///   image:
    ///     name: quay.io/org/hub
    /// ```
    /// Only the second `image` counts: the tag is lost.
    ///
    /// ## Fix
    /// Merge the two blocks into one.
    Y002, "duplicate-key", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for file in ctx.yaml_data_files() {
        let Some(yaml) = file.yaml() else { continue };
        for dup in &yaml.duplicates {
            sink.report(
                &file.path,
                dup.duplicate,
                format!(
                    "duplicate key `{}`: only this one counts, the earlier one is ignored",
                    dup.key
                ),
            )
            .with_related_in_place(&file.path, dup.first, "first written here");
        }
    }
}
