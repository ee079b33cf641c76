//! What YAML forbids but `yaml_parser` 0.3 reads without complaint.
//!
//! helm reads values with go-yaml, which refuses each of these ("mapping values are not allowed
//! in this context", "block sequence entries are not allowed in this context", "found character
//! that cannot start any token"), so a file with one fails at deploy time even though
//! `yaml_parser` gives it a tree. The direct reader in [`super::fast`] refuses them too, and
//! leaves such files to this path.

use yaml_parser::{SyntaxKind as K, SyntaxNode};

/// A violation: the byte offset (in the parsed body) it is reported at, and the message.
pub(super) type Violation = (usize, String);

/// The first violation in document order, if any.
pub(super) fn first_violation(tree: &SyntaxNode, body: &str) -> Option<Violation> {
    for element in tree.descendants_with_tokens() {
        let found = match element {
            rowan::NodeOrToken::Token(token) if token.kind() == K::PLAIN_SCALAR => {
                reserved_start(token.text(), usize::from(token.text_range().start()))
            }
            rowan::NodeOrToken::Node(node) if node.kind() == K::BLOCK_MAP_ENTRY => {
                collection_on_key_line(&node, body)
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// `@` and `` ` `` are reserved indicators: no plain (unquoted) value may begin with one.
fn reserved_start(text: &str, at: usize) -> Option<Violation> {
    let name = match text.chars().next()? {
        '@' => "`@`",
        '`' => "a backtick",
        _ => return None,
    };
    let first_line = text.lines().next().unwrap_or(text).trim_end();
    let hint = if first_line.contains(['"', '\\']) {
        String::new()
    } else {
        format!(" (\"{first_line}\")")
    };
    Some((
        at,
        format!("YAML syntax error: {name} is reserved and cannot start an unquoted value; quote it{hint}"),
    ))
}

/// After an implicit key's `:` (one without `?`), a block mapping or sequence must start on a
/// later line: `a: b: c` and `a: - b` are errors, not a string. `- a: b` and `? a: b` are the
/// compact forms YAML allows, and are not map entries' values.
fn collection_on_key_line(entry: &SyntaxNode, body: &str) -> Option<Violation> {
    let explicit_key = entry
        .children()
        .find(|c| c.kind() == K::BLOCK_MAP_KEY)
        .is_some_and(|key| {
            key.children_with_tokens()
                .any(|t| t.kind() == K::QUESTION_MARK)
        });
    if explicit_key {
        return None;
    }
    let colon = entry
        .children_with_tokens()
        .find(|t| t.kind() == K::COLON)?;
    let collection = entry
        .children()
        .find(|c| c.kind() == K::BLOCK_MAP_VALUE)?
        .children()
        .find(|c| c.kind() == K::BLOCK)?
        .children()
        .find(|c| matches!(c.kind(), K::BLOCK_MAP | K::BLOCK_SEQ))?;
    let from = usize::from(colon.text_range().end());
    let start = usize::from(collection.text_range().start());
    if body.get(from..start)?.contains(['\n', '\r']) {
        return None;
    }
    let what = if collection.kind() == K::BLOCK_SEQ {
        "a list (`- ...`)"
    } else {
        "a mapping (`key: value`)"
    };
    // Reported where go-yaml stops: the inner `:` of a mapping, the `-` of a list.
    let at = if collection.kind() == K::BLOCK_MAP {
        collection
            .descendants_with_tokens()
            .find(|t| t.kind() == K::COLON)
            .map_or(start, |t| usize::from(t.text_range().start()))
    } else {
        start
    };
    Some((
        at,
        format!(
            "YAML syntax error: {what} cannot start on the same line as its key; quote the value if it is text, or start it on the next line, indented"
        ),
    ))
}
