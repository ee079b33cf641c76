use super::{Context, Sink};
use crate::k8s_hub::{self, Release};
use crate::requirements::pep440::{caps_below, Version};
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Reports a requirement that installs an older version of a package the hub image's
    /// base already ships, when the Dockerfile is built `FROM` a known k8s-hub release
    /// (`quay.io/jupyterhub/k8s-hub:4.3.3` ships jupyterhub 5.4.4, oauthenticator 17.4.0,
    /// jupyterhub-kubespawner 7.0.0, jupyterhub-ldapauthenticator 2.0.2,
    /// jupyterhub-idle-culler 1.4.0). Requirements files are matched to a Dockerfile through
    /// chartpress `buildArgs`, or by sitting next to it.
    ///
    /// ## Why
    /// The chart's `jupyterhub_config.py` and the base image's packages are released and
    /// tested together. A pin such as `oauthenticator==16.*` left over from an older base
    /// silently downgrades the package on the next rebuild, and the hub then runs code that
    /// predates the chart's configuration (options renamed or added in 17.x stop working).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM quay.io/jupyterhub/k8s-hub:4.3.3
    /// ```
    /// with `oauthenticator==16.3.0` in the image's requirements file.
    ///
    /// ## Fix
    /// Drop the pin to keep the base image's version, or raise it to at least that version.
    R007, "downgrades-base-package", Warning, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    let mut seen = HashSet::new();
    for req_path in &ctx.model.requirements_files {
        let Some(reqs) = ctx.ws.get(req_path).and_then(|f| f.requirements()) else {
            continue;
        };
        for base in k8s_hub::bases_of_requirements(ctx.ws, ctx.model, req_path) {
            let (from, release) = (base.from, base.release);
            for r in &reqs.requirements {
                let Some((name, shipped, clause)) = downgrade(r, release) else {
                    continue;
                };
                if !seen.insert((req_path.clone(), r.range.start, release.version)) {
                    continue;
                }
                sink.report(
                    req_path,
                    clause,
                    format!(
                        "the base image {}:{} already ships {name} {shipped}; this installs an older {name} over it",
                        from.image, release.version
                    ),
                )
                .with_related_in_place(
                    &base.dockerfile,
                    from.tag_edit_range.unwrap_or(from.image_range),
                    format!("base image {}:{}", from.image, release.version),
                );
            }
        }
    }
}

/// (package, shipped version, range of the clause that caps below it).
fn downgrade<'r>(
    r: &'r crate::requirements::Requirement,
    release: &Release,
) -> Option<(&'r str, &'static str, crate::text::TextRange)> {
    let name = r.normalized_name.as_deref()?;
    let shipped = release.package(name)?;
    let base = Version::parse(shipped)?;
    let clause = r
        .specifiers
        .iter()
        .find(|s| caps_below(&s.op, &s.version, &base))?;
    Some((r.name.as_deref().unwrap_or(name), shipped, clause.range))
}
