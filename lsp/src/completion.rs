//! Completion: values keys valid at the cursor's path and enum values (from the chart's
//! schema), `hub.config` class and trait names.

use crate::document::Lines;
use crate::state::Snapshot;
use tower_lsp_server::ls_types::CompletionItem;

pub fn complete(
    _text: &str,
    _rel: &str,
    _offset: usize,
    _snapshot: Option<&Snapshot>,
    _lines: &Lines,
) -> Option<Vec<CompletionItem>> {
    None
}
