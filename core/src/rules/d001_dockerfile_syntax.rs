use super::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Reports what makes `docker build` (BuildKit) reject a Dockerfile before building:
    /// an unknown instruction, an instruction other than `ARG` before the first `FROM`, a
    /// malformed `FROM` (`AS` without a name, an invalid or duplicate stage name, an unknown
    /// flag, an invalid image reference such as upper case or a bad tag), an unterminated
    /// heredoc, a repeated or invalid parser directive, `COPY`/`ADD` without a destination,
    /// or a file with no `FROM` at all.
    ///
    /// ## Why
    /// chartpress builds the hub image in CI or on a laptop right before a deploy; a syntax
    /// error found there stops the release. Found in the editor, it costs nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM quay.io/jupyterhub/k8s-hub:4.3.3
    /// RUNN pip install -r /tmp/requirements.txt
    /// ```
    ///
    /// ## Fix
    /// Correct the instruction as the message says.
    D001, "dockerfile-syntax", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    // `Dockerfile.dockerignore` is the ignore file BuildKit pairs with a Dockerfile.
    for path in ctx
        .model
        .dockerfiles
        .iter()
        .filter(|p| !p.ends_with(".dockerignore"))
    {
        let Some(df) = ctx.ws.get(path).and_then(|f| f.dockerfile()) else {
            continue;
        };
        for e in &df.errors {
            sink.report(path, e.range, e.message.clone());
        }
    }
}
