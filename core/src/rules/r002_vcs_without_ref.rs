use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a version-control requirement (`git+https://...`) with no `@<ref>`.
    ///
    /// VCS requirements written on a Dockerfile's `RUN pip install` line are checked the
    /// same way.
    ///
    /// ## Why
    /// Without a ref pip installs whatever the repository's default branch holds at build
    /// time. Two builds of the same commit of this repository then ship different code, and a
    /// push upstream can break the next hub image without any change here.
    ///
    /// ## Example
    /// ```text
    /// git+https://github.com/yuvipanda/jupyterhub-configurator
    /// ```
    ///
    /// ## Fix
    /// Append the full commit SHA: `git+https://github.com/org/repo@<40-hex commit>`.
    R002, "vcs-without-ref", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for (path, reqs) in ctx.model.requirement_sources(ctx.ws, false) {
        for r in &reqs.requirements {
            let Some(vcs) = &r.vcs else { continue };
            if vcs.git_ref.is_some() {
                continue;
            }
            let what = r.name.as_deref().unwrap_or("this package");
            sink.report(
                path,
                vcs.url_range,
                format!(
                    "`{what}` is installed from whatever the default branch holds at build time: pin a commit with `@<full SHA>`"
                ),
            );
        }
    }
}
