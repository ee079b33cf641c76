//! What YAML forbids but `yaml_parser` 0.3 reads without complaint.
//!
//! helm reads values with go-yaml, which refuses each of these ("mapping values are not allowed
//! in this context", "block sequence entries are not allowed in this context", "found character
//! that cannot start any token", "did not find expected key", "could not find expected ':'"),
//! so a file with one fails at deploy time even though `yaml_parser` gives it a tree. The direct
//! reader in [`super::direct`] refuses them too, and leaves such files to this path.

use super::YamlFix;
use crate::text::TextRange;
use yaml_parser::{SyntaxKind as K, SyntaxNode};

/// What is reported: where (a byte offset in the parsed body), why, and when the author's
/// intent is plain, the rewrite that says it in YAML.
pub(super) struct Violation {
    pub at: usize,
    pub message: String,
    pub fix: Option<YamlFix>,
}

impl Violation {
    fn new(at: usize, message: String) -> Self {
        Violation {
            at,
            message,
            fix: None,
        }
    }

    fn with_fix(mut self, title: String, range: TextRange, replacement: String) -> Self {
        self.fix = Some(YamlFix {
            title,
            range,
            replacement,
        });
        self
    }

    /// Offers to quote `text`, found at `at`, as it stands.
    fn quoting(self, at: usize, text: &str) -> Self {
        let value = quoted(text);
        self.with_fix(
            format!("Quote as {value}"),
            TextRange::new(at, at + text.len()),
            value,
        )
    }
}

/// `text` as a quoted scalar: double quotes unless it holds a `"` or a backslash (which
/// would need escapes), else single quotes with `'` doubled.
fn quoted(text: &str) -> String {
    if text.contains(['"', '\\']) {
        format!("'{}'", text.replace('\'', "''"))
    } else {
        format!("\"{text}\"")
    }
}

/// The first violation in document order, if any.
pub(super) fn first_violation(tree: &SyntaxNode, body: &str) -> Option<Violation> {
    if let Some(found) = unprintable(body) {
        return Some(found);
    }
    for element in tree.descendants_with_tokens() {
        let found = match element {
            rowan::NodeOrToken::Token(token)
                if matches!(token.kind(), K::WHITESPACE | K::PLAIN_SCALAR)
                    && token.text().contains('\t') =>
            {
                tab_in_indentation(&token, body).or_else(|| {
                    (token.kind() == K::PLAIN_SCALAR)
                        .then(|| {
                            reserved_start(token.text(), usize::from(token.text_range().start()))
                        })
                        .flatten()
                })
            }
            rowan::NodeOrToken::Token(token) if token.kind() == K::PLAIN_SCALAR => {
                reserved_start(token.text(), usize::from(token.text_range().start()))
            }
            rowan::NodeOrToken::Token(token) if token.kind() == K::DOUBLE_QUOTED_SCALAR => {
                let start = usize::from(token.text_range().start());
                super::scalar::bad_escape(token.text()).map(|(at, message)| {
                    let range = TextRange::new(start, start + token.text().len());
                    Violation::new(start + at, message).with_fix(
                        "Escape the backslashes".to_string(),
                        range,
                        super::scalar::escape_bad_backslashes(token.text()),
                    )
                })
            }
            rowan::NodeOrToken::Node(node) if node.kind() == K::BLOCK_MAP_ENTRY => {
                key_missing(&node)
                    .or_else(|| collection_on_key_line(&node, body))
                    .or_else(|| value_not_indented(&node, body))
            }
            rowan::NodeOrToken::Node(node) if node.kind() == K::BLOCK_SEQ_ENTRY => {
                entry_not_indented(&node, body)
            }
            // yaml_parser reads `%` after a value as a directive of a next document.
            rowan::NodeOrToken::Node(node)
                if node.kind() == K::DIRECTIVE
                    && column(body, usize::from(node.text_range().start())) > 0 =>
            {
                reserved_start(
                    &node.text().to_string(),
                    usize::from(node.text_range().start()),
                )
            }
            rowan::NodeOrToken::Token(token)
                if token.kind() == K::ANCHOR_NAME
                    && !super::direct::is_anchor_name(token.text()) =>
            {
                Some(Violation::new(
                    usize::from(token.text_range().start()),
                    format!(
                        "YAML syntax error: helm reads anchor and alias names of letters, digits, `-` and `_` only, so not `{}` (go-yaml stops the name at the first other character); rename it",
                        token.text()
                    ),
                ))
            }
            rowan::NodeOrToken::Node(node) if node.kind() == K::BLOCK_SCALAR => {
                tab_in_block_scalar(&node, body)
            }
            rowan::NodeOrToken::Node(node) if node.kind() == K::BLOCK_SEQ => {
                list_on_properties_line(&node, body)
            }
            rowan::NodeOrToken::Node(node) if node.kind() == K::TAG_PROPERTY => {
                tag_against_flow_indicator(&node, body)
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// `@`, `` ` `` and `%` are reserved indicators: no plain (unquoted) value may begin with one.
fn reserved_start(text: &str, at: usize) -> Option<Violation> {
    let name = match text.chars().next()? {
        '@' => "`@`",
        '`' => "a backtick",
        '%' => "`%`",
        _ => return None,
    };
    let violation = Violation::new(
        at,
        format!(
            "YAML syntax error: {name} is reserved and cannot start an unquoted value; quote it"
        ),
    );
    // A value on one line is quoted as it stands; a multi-line one is folded, so its quoted
    // form is left to the author.
    if text.contains(['\n', '\r']) {
        return Some(violation);
    }
    Some(violation.quoting(at, text))
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
    let (from, value) = colon_and_value(entry)?;
    let collection = value
        .children()
        .find(|c| matches!(c.kind(), K::BLOCK_MAP | K::BLOCK_SEQ))?;
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
    let violation = Violation::new(
        at,
        format!(
            "YAML syntax error: {what} cannot start on the same line as its key; quote the value if it is text, or start it on the next line, indented"
        ),
    );
    // On one line and without a comment, the value is most likely text (`image: repo:tag`).
    // yaml_parser may take the lines below into the same collection; only the first entry is
    // on this line, and it must end there.
    let line_end = body[start..]
        .find(['\n', '\r'])
        .map_or(body.len(), |i| start + i);
    let first_entry_end = collection
        .first_child()
        .map_or(line_end, |entry| usize::from(entry.text_range().end()));
    let text = body[start..line_end].trim_end();
    if first_entry_end > line_end || text.contains(['#', '&', '*', '!', '[', '{']) {
        return Some(violation);
    }
    Some(violation.quoting(start, text))
}

/// Where a block map entry's `:` ends, and its value's node (block or flow), if it has one.
fn colon_and_value(entry: &SyntaxNode) -> Option<(usize, SyntaxNode)> {
    let colon = entry
        .children_with_tokens()
        .find(|t| t.kind() == K::COLON)?;
    let value = entry
        .children()
        .find(|c| c.kind() == K::BLOCK_MAP_VALUE)?
        .children()
        .find(|c| matches!(c.kind(), K::BLOCK | K::FLOW))?;
    Some((usize::from(colon.text_range().end()), value))
}

/// `: value` with no key before it and no `?` above it: YAML 1.2 would read an empty key,
/// go-yaml (like libyaml) stops. Most often a key deleted by mistake.
fn key_missing(entry: &SyntaxNode) -> Option<Violation> {
    if entry.children().any(|c| c.kind() == K::BLOCK_MAP_KEY) {
        return None;
    }
    let colon = entry
        .children_with_tokens()
        .find(|t| t.kind() == K::COLON)?;
    Some(Violation::new(
        usize::from(colon.text_range().start()),
        "YAML syntax error: a value without a key; write the key before the `:`".to_string(),
    ))
}

/// A map value that starts on a later line than its `:` must be indented more than its key;
/// only a list may start at the key's column. `yaml_parser` takes `key:` followed by
/// `&anchor value` (or a tag) at the key's column as the key's value.
fn value_not_indented(entry: &SyntaxNode, body: &str) -> Option<Violation> {
    let (after_colon, value) = colon_and_value(entry)?;
    let parent = column(body, usize::from(entry.text_range().start()));
    let (at, line) = misplaced(&value, after_colon, parent, true, body)?;
    // Left of the key, YAML reads the line as ending this mapping (the key has no value);
    // at the key's column, as a key of it without a `:`.
    let message = if column(body, at) < parent {
        format!(
            "YAML: helm reads this line as ending the mapping (the key on line {line} has no value), but hublint's parser reads it as that key's value; write `null` for an empty value, or indent this line under the key"
        )
    } else {
        format!(
            "YAML syntax error: this value is not indented under its key (line {line}); indent it more than the key, or quote it"
        )
    };
    Some(Violation::new(at, message))
}

/// The content of a list entry that starts on a later line than its `-` must be indented
/// more than the `-`; `yaml_parser` takes `-` followed by `key:` at the dash's column as
/// one entry holding that mapping.
fn entry_not_indented(entry: &SyntaxNode, body: &str) -> Option<Violation> {
    let dash = entry
        .children_with_tokens()
        .find(|t| t.kind() == K::MINUS)?;
    let content = entry
        .children()
        .find(|c| matches!(c.kind(), K::BLOCK | K::FLOW))?;
    let dash_at = usize::from(dash.text_range().start());
    let (at, line) = misplaced(
        &content,
        usize::from(dash.text_range().end()),
        column(body, dash_at),
        false,
        body,
    )?;
    // A list ends at the first line left of its `-`, or at its column but not `- ` when the
    // list sits at its key's column: YAML reads that line as part of the structure above,
    // not as the entry's content.
    let sequence = entry.parent()?;
    let indentless = sequence
        .parent()
        .and_then(|block| block.parent())
        .filter(|value| value.kind() == K::BLOCK_MAP_VALUE)
        .and_then(|value| value.parent())
        .is_some_and(|map_entry| {
            column(body, usize::from(map_entry.text_range().start()))
                == column(body, usize::from(sequence.text_range().start()))
        });
    let message = if indentless || column(body, at) < column(body, dash_at) {
        format!(
            "YAML: helm reads this line as ending the list (the `-` on line {line} is an empty entry), but hublint's parser reads it as that entry's content; write `- null` for an empty entry, or indent this line under the `-`"
        )
    } else {
        format!(
            "YAML syntax error: this is not indented under the `-` on line {line}; indent it more than the `-`, or write `- null` if the entry is empty"
        )
    };
    Some(Violation::new(at, message))
}

/// Where `content` (a value after an indicator ending at `after`, whose parent is at column
/// `parent`) or the block collection inside it begins on a new line at a column YAML does
/// not allow: more than `parent` is needed, or at least `parent` for a list when
/// `list_may_align` (a map value). Returns that offset and the parent's line number.
fn misplaced(
    content: &SyntaxNode,
    after: usize,
    parent: usize,
    list_may_align: bool,
    body: &str,
) -> Option<(usize, usize)> {
    let start = |node: &SyntaxNode| usize::from(node.text_range().start());
    // The content itself, then (when properties come first) the collection after them.
    let mut points = vec![(
        start(content),
        content
            .first_child()
            .is_some_and(|c| c.kind() == K::BLOCK_SEQ),
    )];
    if let Some(collection) = content
        .children()
        .find(|c| matches!(c.kind(), K::BLOCK_MAP | K::BLOCK_SEQ))
    {
        points.push((start(&collection), collection.kind() == K::BLOCK_SEQ));
    }
    let mut from = after;
    for (at, list) in points {
        let gap = body.get(from..at)?;
        if gap.contains(['\n', '\r']) {
            let col = column(body, at);
            let allowed = col > parent || (list_may_align && list && col == parent);
            if !allowed {
                // Counted only here: once per file, not per entry.
                return Some((at, body[..after].matches('\n').count() + 1));
            }
        }
        from = at;
    }
    None
}

/// A tab where go-yaml's scanner wants indentation, outside flow collections: at the start of
/// a line (\"found character that cannot start any token\"), right after a block `-`, `?` or
/// an explicit key's `:` (the same), and, in the continuation lines of a plain scalar, left of
/// the column the scalar's collection is indented past (\"found a tab character that violates
/// indentation\"). `yaml_parser` counts such a tab as indentation (`singleuser:` then
/// `\timage: x` read as a mapping), so helm refuses what it reads.
fn tab_in_indentation(token: &yaml_parser::SyntaxToken, body: &str) -> Option<Violation> {
    let in_flow = token
        .parent_ancestors()
        .any(|n| matches!(n.kind(), K::FLOW_MAP | K::FLOW_SEQ));
    if in_flow {
        return None;
    }
    let start = usize::from(token.text_range().start());
    let text = token.text();
    let violation = |at: usize| {
        Violation::new(
            at,
            "YAML syntax error: a tab character cannot indent YAML (helm: \"found character that cannot start any token\"); indent with spaces".to_string(),
        )
    };
    // The blanks at the start of each line the token covers: (offset of the line start,
    // the blanks).
    let mut line_starts: Vec<usize> = text
        .match_indices(['\n', '\r'])
        .map(|(i, _)| start + i + 1)
        .collect();
    let at_line_start = start == 0 || body[..start].ends_with(['\n', '\r']);
    if at_line_start {
        line_starts.insert(0, start);
    }
    let end = start + text.len();
    let leading_tab = |from: usize| {
        body[from..end]
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .position(|b| b == b'\t')
            .map(|i| (from + i, i))
    };
    if token.kind() == K::PLAIN_SCALAR {
        // Continuation lines: a tab is only wrong left of the collection's indentation.
        let indent = token
            .parent_ancestors()
            .find(|n| matches!(n.kind(), K::BLOCK_MAP | K::BLOCK_SEQ))
            .map(|n| column(body, usize::from(n.text_range().start())) + 1)
            .unwrap_or(0);
        return line_starts
            .into_iter()
            .filter_map(leading_tab)
            .find(|(_, col)| *col < indent)
            .map(|(at, _)| {
                Violation::new(
                    at,
                    "YAML syntax error: a tab character in the indentation of a continued value (helm: \"found a tab character that violates indentation\"); indent with spaces".to_string(),
                )
            });
    }
    let after_indicator = token.prev_token().is_some_and(|p| match p.kind() {
        K::MINUS | K::QUESTION_MARK => p.parent().is_some_and(|n| {
            matches!(
                n.kind(),
                K::BLOCK_SEQ_ENTRY | K::BLOCK_MAP_KEY | K::BLOCK_MAP_ENTRY
            )
        }),
        K::COLON => p.parent().is_some_and(|entry| {
            entry
                .children()
                .find(|c| c.kind() == K::BLOCK_MAP_KEY)
                .and_then(|k| k.first_token())
                .is_some_and(|t| t.kind() == K::QUESTION_MARK)
        }),
        _ => false,
    });
    if after_indicator && !at_line_start {
        let first_line_end = text.find(['\n', '\r']).map_or(end, |i| start + i);
        if let Some(i) = body[start..first_line_end].find('\t') {
            return Some(violation(start + i));
        }
    }
    line_starts
        .into_iter()
        .filter_map(leading_tab)
        .map(|(at, _)| violation(at))
        .next()
}

/// A tab where a block scalar (`|`, `>`) wants indentation spaces: go-yaml refuses it
/// ("found a tab character where an indentation space is expected") after the spaces of
/// any line before the first with text when the indentation is not given in the header, and
/// left of the indentation on every line after that. `yaml_parser` reads the tab as text.
fn tab_in_block_scalar(scalar: &SyntaxNode, body: &str) -> Option<Violation> {
    let start = usize::from(scalar.text_range().start());
    // The indentation of the collection around it (go-yaml's current indent; none at the top).
    let parent = scalar
        .ancestors()
        .find(|n| matches!(n.kind(), K::BLOCK_MAP | K::BLOCK_SEQ))
        .map(|n| column(body, usize::from(n.text_range().start())));
    let mut indent = scalar
        .descendants_with_tokens()
        .find(|t| t.kind() == K::INDENT_INDICATOR)
        .and_then(|t| t.as_token()?.text().parse::<usize>().ok())
        .map(|given| parent.map_or(given, |p| p + given));
    let mut line_start = start + body[start..].find('\n')? + 1;
    let mut longest_blank = 0;
    while line_start < body.len() {
        let line_end = body[line_start..]
            .find('\n')
            .map_or(body.len(), |i| line_start + i);
        let line = &body[line_start..line_end];
        let spaces = line.bytes().take_while(|&b| b == b' ').count();
        let spaces = indent.map_or(spaces, |i| spaces.min(i));
        let next = line.as_bytes().get(spaces).copied();
        let left_of_indent = indent.is_none_or(|i| spaces < i);
        if left_of_indent && next == Some(b'\t') {
            return Some(Violation::new(
                line_start + spaces,
                "YAML syntax error: a tab character where a block scalar (`|`, `>`) wants indentation spaces (helm: \"found a tab character where an indentation space is expected\"); indent with spaces".to_string(),
            ));
        }
        let empty = matches!(next, None | Some(b'\r'));
        match indent {
            None if empty => longest_blank = longest_blank.max(spaces),
            None => {
                let least = parent.map_or(1, |p| p + 1);
                let found = spaces.max(longest_blank).max(least);
                if spaces < found {
                    return None;
                }
                indent = Some(found);
            }
            Some(i) if !empty && spaces < i => return None,
            Some(_) => {}
        }
        line_start = line_end + 1;
    }
    None
}

/// A list entry whose `-` follows another entry's tag or anchor on its line (`- &a - x`,
/// `- !!seq -`): go-yaml refuses it ("block sequence entries are not allowed in this
/// context"); `yaml_parser` reads two entries.
fn list_on_properties_line(list: &SyntaxNode, body: &str) -> Option<Violation> {
    list.children()
        .filter(|entry| entry.kind() == K::BLOCK_SEQ_ENTRY)
        .skip(1)
        .map(|entry| usize::from(entry.text_range().start()))
        .find(|&dash| {
            let line_start = body[..dash].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            body[line_start..dash].bytes().any(|b| b != b' ')
        })
        .map(|dash| {
            Violation::new(
                dash,
                "YAML syntax error: a list entry cannot start on the line of the entry before it (helm: \"block sequence entries are not allowed in this context\"); start it on its own line".to_string(),
            )
        })
}

/// In a flow collection, a tag right before `,`, `[`, `]`, `{` or `}`: go-yaml takes `,`,
/// `[` and `]` into the tag (`[!!float, on]` is `["on"]` to helm, `[!x,b]` is refused) and
/// refuses a tag not followed by a space or a line break. `yaml_parser` ends the tag there.
fn tag_against_flow_indicator(tag: &SyntaxNode, body: &str) -> Option<Violation> {
    let end = usize::from(tag.text_range().end());
    let next = *body.as_bytes().get(end)?;
    if !matches!(next, b',' | b'[' | b']' | b'{' | b'}') {
        return None;
    }
    if !tag
        .ancestors()
        .any(|n| matches!(n.kind(), K::FLOW_MAP | K::FLOW_SEQ))
    {
        return None;
    }
    let message = if matches!(next, b'{' | b'}') {
        "YAML syntax error: a tag must be followed by a space or a line break (helm: \"did not find expected whitespace or line break\")".to_string()
    } else {
        format!(
            "YAML: helm's go-yaml reads the `{}` right after this tag as part of the tag, so it does not read this collection as written (it drops an item or refuses the file); write the tagged value after the tag, or remove the tag",
            next as char
        )
    };
    Some(Violation::new(end, message))
}

/// The column of `at`: bytes since the last line break (a lone CR breaks a line for
/// `yaml_parser` too).
fn column(body: &str, at: usize) -> usize {
    at - body[..at].rfind(['\n', '\r']).map_or(0, |nl| nl + 1)
}

/// A character YAML does not allow in a file (outside escapes): C0 controls but tab and line
/// breaks, DEL, C1 controls but NEL, surrogates' stand-ins and U+FFFE/U+FFFF. go-yaml stops
/// at the first ("control characters are not allowed"); one pasted from a terminal is
/// invisible in most editors.
pub(super) fn unprintable(body: &str) -> Option<Violation> {
    let at = first_unprintable(body.as_bytes())?;
    let c = body[at..].chars().next()?;
    Some(Violation::new(
        at,
        format!(
            "YAML syntax error: the control character U+{:04X} is not allowed in YAML; delete it, or write it as an escape in a double-quoted string",
            u32::from(c)
        ),
    ))
}

/// The offset of the first character [`unprintable`] refuses in UTF-8 text, found from the
/// bytes that can start one: a C0 control but tab, LF and CR; DEL; `C2 80`–`C2 9F` (C1
/// controls) but `C2 85` (NEL); `EF BF BE`/`EF BF BF` (U+FFFE, U+FFFF). Neither `C2` nor `EF`
/// is ever a continuation byte, so the offset is a character boundary. Every YAML file is
/// scanned, most of it printable: chunks with no such byte are passed over by a fold the
/// compiler vectorises.
fn first_unprintable(bytes: &[u8]) -> Option<usize> {
    const CHUNK: usize = 32;
    let may_start = |b: u8| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) | (b == 0x7f) | (b == 0xc2) | (b == 0xef)
    };
    for (n, chunk) in bytes.chunks(CHUNK).enumerate() {
        if !chunk.iter().fold(false, |any, &b| any | may_start(b)) {
            continue;
        }
        for (i, &b) in chunk.iter().enumerate() {
            let at = n * CHUNK + i;
            // The bytes after a lead byte may lie in the next chunk.
            let refused = match b {
                0xc2 => bytes
                    .get(at + 1)
                    .is_some_and(|&c| (0x80..=0x9f).contains(&c) && c != 0x85),
                0xef => {
                    bytes.get(at + 1) == Some(&0xbf)
                        && matches!(bytes.get(at + 2), Some(0xbe | 0xbf))
                }
                b => may_start(b),
            };
            if refused {
                return Some(at);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{first_unprintable, unprintable};

    #[test]
    fn unprintable_finds_the_first_control_character_after_any_text() {
        let at = |s: &str| unprintable(s).map(|v| v.at);
        assert_eq!(at("key: value\n\tmore\r\n"), None);
        assert_eq!(at("a: \u{7}"), Some(3));
        assert_eq!(at("a: \u{7f}"), Some(3));
        // Past non-ASCII text, found at its byte offset.
        assert_eq!(at("é: ü\u{85}\u{a0}x\u{1b}"), Some(11));
        assert_eq!(at("ä: \u{9f}"), Some(4));
        assert_eq!(at("😀: \u{fffe}"), Some(6));
        assert_eq!(at("ä: ok 😀"), None);
    }

    #[test]
    fn first_unprintable_is_the_first_refused_character() {
        // The definition it implements, on characters.
        let reference = |s: &str| {
            s.char_indices()
                .find(|&(_, c)| {
                    !matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
                })
                .map(|(i, _)| i)
        };
        let mut texts: Vec<String> = [
            "",
            "a",
            "\t\r\n",
            "é",
            "\u{85}",
            "\u{a0}",
            "\u{fffd}",
            "\u{ff00}",
            "\u{10ffff}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every refused and nearly refused character, at and across chunk boundaries.
        for c in [
            '\0', '\u{7}', '\u{1f}', '\u{7f}', '\u{80}', '\u{84}', '\u{85}', '\u{86}', '\u{9f}',
            '\u{a0}', '\u{fffd}', '\u{fffe}', '\u{ffff}', '\u{feff}', '\u{bf}', '😀',
        ] {
            for pad in [0, 1, 30, 31, 32, 33, 63, 64, 65] {
                texts.push(format!("{}{c}x", "a".repeat(pad)));
                texts.push(format!("{}{c}", "ü".repeat(pad / 2)));
            }
        }
        for text in &texts {
            assert_eq!(
                first_unprintable(text.as_bytes()),
                reference(text),
                "{text:?}"
            );
        }
    }
}
