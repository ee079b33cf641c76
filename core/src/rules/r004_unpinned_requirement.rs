use super::{Context, Sink};
use crate::requirements::{IncludeKind, RequirementKind};
use crate::workspace::{join, parent, Workspace};
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Reports a package in an image's requirements file that is not pinned to one version
    /// with `==` (or `===`): no version at all, a range (`>=17.3,<18`), a wildcard (`==17.*`)
    /// or `~=`. A pin in a constraints file the requirements file includes with `-c` counts,
    /// and so does one in the compiled `requirements.txt` beside a pip-compile
    /// `requirements.in`. Packages a Dockerfile installs with `RUN pip install …` are checked
    /// too, at their column (`pip`, `setuptools`, `wheel` and `uv` upgrades excepted).
    ///
    /// ## Why
    /// The hub image is rebuilt whenever chartpress sees a change under its context, and a
    /// range resolves to whatever is newest on PyPI that day. Two images built from the same
    /// commit can then differ, a new upstream release reaches every hub at the next rebuild
    /// without review, and rolling back the git change does not roll back the package.
    ///
    /// ## Example
    /// ```text
    /// oauthenticator>=17.3,<18
    /// jupyterhub-fancy-profiles
    /// ```
    ///
    /// ## Fix
    /// Pin the version the image was tested with: `oauthenticator==17.3.0` (or generate the
    /// file with `pip-compile`).
    R004, "unpinned-requirement", Warning, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for (path, reqs) in ctx.model.requirement_sources(ctx.ws, true) {
        let mut constrained: Option<HashSet<String>> = None;
        for r in &reqs.requirements {
            if r.kind != RequirementKind::Named || r.pinned_version().is_some() {
                continue;
            }
            let Some(name) = r.normalized_name.as_deref() else {
                continue;
            };
            // `RUN pip install -U pip`: a build tool, not one of the image's packages.
            let in_dockerfile =
                crate::files::FileKind::of(path) == crate::files::FileKind::Dockerfile;
            if in_dockerfile && crate::pip_install::BUILD_TOOLS.contains(&name) {
                continue;
            }
            let pinned_elsewhere = constrained
                .get_or_insert_with(|| constraint_pins(ctx.ws, path))
                .contains(name);
            if pinned_elsewhere {
                continue;
            }
            let written = r.name.as_deref().unwrap_or(name);
            let (range, message) = match &r.specifier {
                Some((spec, range)) => (
                    *range,
                    format!(
                        "`{written}{spec}` is a range: each build may install another version; pin one with `==`"
                    ),
                ),
                None => (
                    r.name_range,
                    format!(
                        "`{written}` has no version: each build installs whatever is newest; pin one with `==`"
                    ),
                ),
            };
            sink.report(path, range, message);
        }
    }
}

/// Packages pinned with `==` in the constraints files `path` includes (`-c`, also through
/// `-r` files), resolved relative to the including file.
fn constraint_pins(ws: &Workspace, path: &str) -> HashSet<String> {
    let mut pins = HashSet::new();
    let mut seen = HashSet::new();
    let mut stack = vec![(path.to_string(), false)];
    // pip-compile's input: the compiled `requirements.txt` beside `requirements.in` pins
    // what the image installs.
    if let Some(stem) = path.strip_suffix(".in") {
        stack.push((format!("{stem}.txt"), true));
    }
    while let Some((file, is_constraint)) = stack.pop() {
        if !seen.insert(file.clone()) || seen.len() > 64 {
            continue;
        }
        let Some(reqs) = ws.get(&file).and_then(|f| f.requirements()) else {
            continue;
        };
        if is_constraint {
            for r in &reqs.requirements {
                if let (Some(n), Some(_)) = (&r.normalized_name, r.pinned_version()) {
                    pins.insert(n.clone());
                }
            }
        }
        for inc in &reqs.includes {
            let target = join(parent(&file), &inc.path);
            stack.push((
                target,
                is_constraint || inc.kind == IncludeKind::Constraints,
            ));
        }
    }
    pins
}
