use super::{Context, Sink};
use crate::files::FileKind;
use crate::text::TextRange;
use crate::workspace::Content;

declare_rule! {
    /// ## What it does
    /// Reports a file that a rule reads (values and other YAML, Chart.yaml, a Dockerfile, a
    /// requirements file, a chart archive) but that hublint could not read as text: binary
    /// content, invalid UTF-8, a file over the size limit, or an I/O error. Encrypted files
    /// (git-crypt) and files no rule reads (a template, a `notes.txt`) are left alone.
    ///
    /// ## Why
    /// helm, pip and docker all read these files as UTF-8 text. A values file saved in another
    /// encoding, or a binary committed where a requirements file belongs, breaks the deploy or
    /// the image build; it also means every other rule skipped the file.
    ///
    /// ## Example
    /// A `requirements.txt` saved as UTF-16 by an editor on Windows.
    ///
    /// ## Fix
    /// Save the file as UTF-8, or exclude it from the check.
    F001, "unreadable-file", Error, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    for file in ctx.ws.files() {
        let read_by_a_rule = file.kind() != FileKind::Other || file.path.ends_with(".tgz");
        if !read_by_a_rule || !ctx.model.is_data(&file.path) {
            continue;
        }
        if let Content::Unreadable { reason } = &file.content {
            sink.report(
                &file.path,
                TextRange::empty(0),
                format!("cannot read {}: {reason}", file.path),
            );
        }
    }
}
