use super::{Context, Sink};
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports a package listed twice in the same requirements file (names compared the way
    /// pip compares them, PEP 503: `Jupyter_Hub` and `jupyter-hub` are one package). Two lines
    /// with different environment markers (`; python_version < "3.11"`) are not duplicates.
    ///
    /// ## Why
    /// pip combines both lines' specifiers: when they disagree (`==0.4.1` and `==0.6.0`) the
    /// build fails with a resolution error; when they agree one line is dead text that the
    /// next version bump updates in only one place.
    ///
    /// ## Example
    /// ```text
    /// jupyterhub-fancy-profiles==0.4.1
    /// oauthenticator==17.3.0
    /// jupyterhub_fancy_profiles==0.6.0
    /// ```
    ///
    /// ## Fix
    /// Keep one line per package.
    R005, "duplicate-requirement", Warning, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for path in &ctx.model.requirements_files {
        let Some(reqs) = ctx.ws.get(path).and_then(|f| f.requirements()) else {
            continue;
        };
        let mut first: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, r) in reqs.requirements.iter().enumerate() {
            let Some(name) = r.normalized_name.as_deref() else {
                continue;
            };
            let earlier = first.entry(name).or_default();
            let marker = r.marker.as_ref().map(|m| m.0.as_str());
            let clash = earlier.iter().copied().find(|&j| {
                let other = reqs.requirements[j].marker.as_ref().map(|m| m.0.as_str());
                marker.is_none() || other.is_none() || marker == other
            });
            if let Some(j) = clash {
                let prev = &reqs.requirements[j];
                let written = r.name.as_deref().unwrap_or(name);
                sink.report(
                    path,
                    r.name_range,
                    format!("`{written}` is already listed in this file"),
                )
                .with_related_in_place(path, prev.name_range, "first listed here");
            }
            earlier.push(i);
        }
    }
}
