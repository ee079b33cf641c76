use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports a line of a requirements file that pip cannot read: a malformed requirement
    /// (`foo=1.0`, `foo==1.0.x`, an unclosed `[extras`), an invalid environment marker, an
    /// unknown option, a malformed `--hash`, a VCS URL without `://` or with an empty `@`, or a
    /// per-requirement option (`--hash`) on a line of its own.
    ///
    /// ## Why
    /// pip stops at the first line it cannot parse, so the whole image build fails, usually
    /// in CI after the change is merged. A `--hash` line that lost the `\` above it is worse:
    /// pip ignores it and installs without checking the hash.
    ///
    /// ## Example
    /// ```text
    /// oauthenticator=17.3.0
    /// jupyterhub-idle-culler==1.4.0 \
    /// --hash=sha256:...
    /// ```
    /// `=` is not a version operator (`==` is).
    ///
    /// ## Fix
    /// Correct the line as the message says.
    R001, "requirement-syntax", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for path in &ctx.model.requirements_files {
        let Some(reqs) = ctx.ws.get(path).and_then(|f| f.requirements()) else {
            continue;
        };
        for e in &reqs.errors {
            sink.report(
                path,
                e.range,
                format!("pip cannot read this: {}", e.message),
            );
        }
    }
}
