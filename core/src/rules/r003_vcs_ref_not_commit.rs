use super::{Context, Sink};
use crate::diagnostic::{Edit, Fix};
use crate::requirements::is_full_commit;
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a git (or Mercurial) requirement whose ref is not a full commit id: a branch
    /// (`@main`), a tag (`@v1.2`), a short hash (`@ed7e3a0`), or something malformed such as
    /// `@$ed7e3a0d…` (a stray `$`).
    ///
    /// VCS requirements written on a Dockerfile's `RUN pip install` line are checked the
    /// same way.
    ///
    /// ## Why
    /// Branches and tags move, so the same requirements file builds different images over
    /// time; 2i2c's own policy pins unreleased packages to a full SHA, never a branch. A short
    /// hash can become ambiguous as the repository grows. A malformed ref is worse: git has
    /// no ref of that name and the build fails (`@$ed7e3a0d…` in 2i2c's hub image, November
    /// 2022).
    ///
    /// ## Example
    /// ```text
    /// git+https://github.com/yuvipanda/jupyterhub-configurator@$ed7e3a0df1e3d625d10903ef7d7fd9c2fbb548db
    /// git+https://github.com/yuvipanda/jupyterhub-configurator@backported-jh41-compatibility
    /// ```
    ///
    /// ## Fix
    /// Use the full 40-character commit SHA (64 for SHA-256 repositories). When removing a
    /// stray `$` leaves a full SHA, a safe fix removes it.
    R003, "vcs-ref-not-commit", Error, fixable: true, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for (path, reqs) in ctx.model.requirement_sources(ctx.ws, false) {
        for r in &reqs.requirements {
            let Some(vcs) = &r.vcs else { continue };
            // Subversion revisions are numbers and bzr has no commit hashes.
            if !matches!(vcs.vcs.as_str(), "git" | "hg") {
                continue;
            }
            let Some((git_ref, range)) = &vcs.git_ref else {
                continue;
            };
            if is_full_commit(git_ref) {
                continue;
            }
            let what = r.name.as_deref().unwrap_or("this package");
            if let Some(sha) = git_ref.strip_prefix('$').filter(|s| is_full_commit(s)) {
                sink.report(
                    path,
                    *range,
                    format!(
                        "`@{git_ref}` has a stray `$` before the commit: git has no ref of that name and the build fails"
                    ),
                )
                .add_fix(Fix::safe(
                    format!("Remove the `$` (pin commit {})", &sha[..12]),
                    vec![Edit {
                        file: path.to_string(),
                        range: TextRange::new(range.start, range.start + 1),
                        replacement: String::new(),
                    }],
                ));
            } else if git_ref.len() >= 4 && git_ref.bytes().all(|b| b.is_ascii_hexdigit()) {
                sink.report(
                    path,
                    *range,
                    format!(
                        "`@{git_ref}` looks like a shortened commit: it is not recognised as immutable and can become ambiguous as the repository grows; write the full 40-character SHA"
                    ),
                );
            } else {
                sink.report(
                    path,
                    *range,
                    format!(
                        "`{what}` follows `{git_ref}`, a branch or tag that can move: pin the full commit SHA"
                    ),
                );
            }
        }
    }
}
