use super::{Context, Sink};
use crate::text::TextRange;
use crate::workspace::Content;

declare_rule! {
    /// ## What it does
    /// Reports a file that hublint was asked to check but could not read as text: binary
    /// content, invalid UTF-8, a file over the size limit, or an I/O error.
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
        if let Content::Unreadable { reason } = &file.content {
            sink.report(
                &file.path,
                TextRange::empty(0),
                format!("cannot read {}: {reason}", file.path),
            );
        }
    }
}
