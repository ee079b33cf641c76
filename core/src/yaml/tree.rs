//! The `yaml_parser` path: its lossless rowan tree, checked for what it gets wrong, walked into
//! [`Node`]s; and the mapping building (duplicate keys, merge keys) that the direct reader
//! shares, so both readers agree on what a mapping holds.

use super::node::{Entry, Node, Scalar, ScalarStyle, Value};
use super::{empty_file, helm, refused, scalar, strict};
use super::{DuplicateKey, YamlError, YamlErrorKind, YamlFile, YamlFix, ALIAS_BUDGET};
use crate::text::TextRange;
use std::collections::HashMap;
use yaml_parser::{SyntaxKind as K, SyntaxNode, SyntaxToken};

/// The character at byte `offset` of `text` (or the nearest before it), as a range.
fn char_at(text: &str, offset: usize) -> TextRange {
    let at = crate::text::floor_char_boundary(text, offset.min(text.len()));
    TextRange::new(at, next_char_end(text, at))
}

fn next_char_end(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

/// Read `text` (whose byte-order marks end at `bom`) through `yaml_parser`.
pub(super) fn full_parse(text: &str, bom: usize) -> YamlFile {
    let body = &text[bom..];
    // A lone CR ending the file breaks the line as LF does, but yaml_parser 0.3 refuses it
    // after an anchored empty value and a comment (go-yaml reads it): read as LF, same length.
    let lf_ended;
    let body = match body.strip_suffix('\r') {
        Some(rest) => {
            lf_ended = format!("{rest}\n");
            lf_ended.as_str()
        }
        None => body,
    };
    let syntax_error = |at: usize, message: String| {
        refused(YamlError::new(
            YamlErrorKind::Syntax,
            char_at(text, at + bom),
            message,
        ))
    };
    // `key: ---` is the string `---` to YAML (a document marker only starts a line);
    // yaml_parser reads a marker. Such values are parsed as a placeholder of the same length
    // and given their text back after building.
    let markers = marker_values(body);
    let masked;
    let (body, tree) = match markers.is_empty() {
        true => (body, yaml_parser::parse(body)),
        false => {
            masked = mask_markers(body, &markers);
            match yaml_parser::parse(&masked) {
                Ok(tree) if placeholders_are_scalars(&tree, &markers) => {
                    (masked.as_str(), Ok(tree))
                }
                // Broken with the markers as text, as for go-yaml: not read with them as
                // markers (which can end a mapping a stray `- x` below would break).
                Err(err) => (body, Err(err)),
                // The placeholder landed in a quoted or block scalar: read the text as it is.
                _ => (body, yaml_parser::parse(body)),
            }
        }
    };
    let tree = match tree {
        Ok(tree) => tree,
        Err(err) => return syntax_error(err.offset(), syntax_message(err.message())),
    };
    // yaml_parser 0.3 can drop text from its tree (a line break between `?` and a comment:
    // a fuzz input); every span after it would be off. Such a tree is not used.
    if let Some(at) = first_text_mismatch(&tree, body) {
        return syntax_error(
            at,
            "the YAML parser could not read this exactly; the file is not parsed".to_string(),
        );
    }
    if let Some(found) = strict::first_violation(&tree, body) {
        let mut file = syntax_error(found.at, found.message);
        file.errors[0].fix = found.fix.map(|fix| YamlFix {
            range: TextRange::new(fix.range.start + bom, fix.range.end + bom),
            ..fix
        });
        return file;
    }
    let mut file = empty_file();
    let mut builder = Builder {
        text,
        bom,
        anchors: HashMap::new(),
        open_anchors: Vec::new(),
        budget: ALIAS_BUDGET,
        file: &mut file,
    };
    builder.collect_comments(&tree);
    for doc in tree.children().filter(|n| n.kind() == K::DOCUMENT) {
        let node = match doc
            .children()
            .find(|c| matches!(c.kind(), K::BLOCK | K::FLOW))
        {
            Some(content) => builder.node(&content),
            None => Node::empty(builder.end(&doc)),
        };
        builder.anchors.clear();
        builder.file.docs.push(node);
    }
    if !markers.is_empty() && body.len() == text.len() - bom && !std::ptr::eq(body, &text[bom..]) {
        let ranges: Vec<TextRange> = markers
            .iter()
            .map(|&(at, len)| TextRange::new(at + bom, at + bom + len))
            .collect();
        for doc in &mut file.docs {
            restore_markers(doc, &ranges, text);
        }
    }
    file
}

/// Offsets and lengths of what `yaml_parser` reads otherwise than go-yaml's plain scalars:
/// `---` and `...` written as a whole plain value after `: ` or `- ` (not at the start of a
/// line), with nothing but a comment after them, or as a key (`- ---: x`); and a lone `-` in
/// a flow collection (`[a, -]`, `{k: -}`), the string `-` to go-yaml.
fn marker_values(body: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        for m in ["---", "..."] {
            let mut from = 0;
            while let Some(i) = content[from..].find(m) {
                let at = from + i;
                let before = &content[..at];
                let after = content[at + 3..].trim_start_matches([' ', '\t']);
                let before = without_properties(before);
                let value_position = before.ends_with(": ")
                    || before.ends_with("- ")
                    || before.ends_with(", ")
                    || before.ends_with(['[', '{']);
                // In a flow collection the value ends at `,`, `]` or `}` (`{? c: ---}`).
                let flow_end = after.starts_with([',', ']', '}']) && before.contains(['[', '{']);
                let key_end = after == ":" || after.starts_with(": ") || after.starts_with(":\t");
                let indented = !before.is_empty() && before.bytes().all(|b| b == b' ');
                let value_end = after.is_empty()
                    || flow_end
                    || (after.starts_with('#') && content[at + 3..].starts_with([' ', '\t']));
                if at > 0
                    && ((value_position && value_end) || ((value_position || indented) && key_end))
                {
                    out.push((offset + at, 3));
                }
                from = at + 3;
            }
        }
        if content.contains(['[', '{']) {
            lone_flow_dashes(content, offset, &mut out);
        }
        offset += line.len();
    }
    out.sort_unstable();
    out
}

/// A `-` right before `,`, `]` or `}`, alone after `[`, `{`, `,` or `:` (and properties).
fn lone_flow_dashes(content: &str, offset: usize, out: &mut Vec<(usize, usize)>) {
    let bytes = content.as_bytes();
    for (at, _) in content.match_indices('-') {
        if !matches!(bytes.get(at + 1), Some(b',' | b']' | b'}')) {
            continue;
        }
        let before = without_properties(&content[..at]).trim_end_matches(' ');
        if before.ends_with(['[', '{', ',']) || before.ends_with(':') && at > before.len() {
            out.push((offset + at, 1));
        }
    }
}

/// `before` without the tags and anchors that end it (`k: !!null ---`, `k: &a ---`): they
/// stand between the indicator and the value.
fn without_properties(mut before: &str) -> &str {
    loop {
        let trimmed = before.trim_end_matches(' ');
        if trimmed.len() == before.len() {
            return before;
        }
        let token_start = trimmed.rfind([' ', '\t']).map_or(0, |i| i + 1);
        // After a flow indicator written against it (`[!x ---`).
        let token = &trimmed[token_start..];
        let property = token.trim_start_matches(['[', '{', ',']);
        if !property.starts_with(['!', '&']) {
            return before;
        }
        before = &trimmed[..trimmed.len() - property.len()];
    }
}

/// `body` with each marker value replaced by `-x-` and each lone dash by `x` (same length,
/// a plain scalar).
fn mask_markers(body: &str, markers: &[(usize, usize)]) -> String {
    let mut out = body.to_string();
    for &(at, len) in markers {
        out.replace_range(at..at + len, if len == 3 { "-x-" } else { "x" });
    }
    out
}

fn placeholders_are_scalars(tree: &SyntaxNode, markers: &[(usize, usize)]) -> bool {
    let scalars: Vec<(usize, usize)> = tree
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() == K::PLAIN_SCALAR)
        .map(|t| {
            let text = t.text();
            // A marker's placeholder may go on as a plain scalar on the lines below.
            let continued =
                text.starts_with("-x-") && matches!(text.as_bytes().get(3), Some(b'\n' | b'\r'));
            let len = if continued { 3 } else { text.len() };
            (usize::from(t.text_range().start()), len)
        })
        .collect();
    markers.iter().all(|m| scalars.contains(m))
}

fn restore_markers(node: &mut Node, ranges: &[TextRange], text: &str) {
    match &mut node.value {
        Value::Mapping(entries) => {
            for e in entries {
                restore_markers(&mut e.key, ranges, text);
                restore_markers(&mut e.value, ranges, text);
            }
        }
        Value::Sequence(items) => {
            for i in items {
                restore_markers(i, ranges, text);
            }
        }
        Value::Scalar(s) => {
            if s.style == ScalarStyle::Plain && ranges.iter().any(|r| r.start == node.range.start) {
                s.text = scalar::plain(&text[node.range.start..node.range.end]);
            }
        }
    }
}

/// Where the parser's tree stops spelling `body` (its tokens, in order, must be the text).
fn first_text_mismatch(tree: &SyntaxNode, body: &str) -> Option<usize> {
    let mut at = 0;
    for token in tree
        .descendants_with_tokens()
        .filter_map(|e| e.into_token())
    {
        let text = token.text();
        if usize::from(token.text_range().start()) != at
            || body.get(at..at + text.len()) != Some(text)
        {
            return Some(at);
        }
        at += text.len();
    }
    (at != body.len()).then_some(at)
}

fn syntax_message(raw: &str) -> String {
    let raw = raw.trim();
    // yaml_parser's word for "the document cannot go on here": it means nothing to a user.
    if raw == "expected `...`" {
        "YAML syntax error: the structure above cannot continue here (check the indentation, \
         a missing `:` or `-`, an unclosed bracket, or text after a quoted value)"
            .to_string()
    } else if raw.is_empty() {
        "YAML syntax error".to_string()
    } else {
        format!("YAML syntax error: {}", raw.replace('\n', "; "))
    }
}

struct Builder<'a> {
    text: &'a str,
    bom: usize,
    anchors: HashMap<String, Node>,
    /// Anchors whose values are being built, and whether the same name was anchored again
    /// inside (go-yaml defines an anchor before reading its value, so the inner one stays).
    open_anchors: Vec<(String, bool)>,
    budget: usize,
    file: &'a mut YamlFile,
}

impl Builder<'_> {
    fn range(&self, node: &SyntaxNode) -> TextRange {
        let r = node.text_range();
        TextRange::new(
            usize::from(r.start()) + self.bom,
            usize::from(r.end()) + self.bom,
        )
    }
    fn token_range(&self, tok: &SyntaxToken) -> TextRange {
        let r = tok.text_range();
        TextRange::new(
            usize::from(r.start()) + self.bom,
            usize::from(r.end()) + self.bom,
        )
    }
    fn end(&self, node: &SyntaxNode) -> usize {
        self.range(node).end
    }

    fn collect_comments(&mut self, root: &SyntaxNode) {
        for tok in root
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
        {
            if tok.kind() == K::COMMENT {
                let r = self.token_range(&tok);
                self.file.comments.push(r);
            }
        }
    }

    /// A BLOCK or FLOW node (or the content inside one).
    fn node(&mut self, syntax: &SyntaxNode) -> Node {
        let mut tag = None;
        let mut anchor = None;
        let mut content: Option<Node> = None;
        for child in syntax.children_with_tokens() {
            match child {
                rowan::NodeOrToken::Node(n) => match n.kind() {
                    K::PROPERTIES => {
                        for p in n.children() {
                            match p.kind() {
                                K::TAG_PROPERTY => {
                                    tag = Some(helm::short_tag(&p.text().to_string()))
                                }
                                K::ANCHOR_PROPERTY => {
                                    anchor = p
                                        .children_with_tokens()
                                        .filter_map(|e| e.into_token())
                                        .find(|t| t.kind() == K::ANCHOR_NAME)
                                        .map(|t| t.text().to_string());
                                    if let Some(name) = &anchor {
                                        self.open_anchor(name);
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                    K::BLOCK_MAP => content = Some(self.block_map(&n)),
                    K::BLOCK_SEQ => content = Some(self.block_seq(&n)),
                    K::BLOCK_SCALAR => content = Some(self.block_scalar(&n)),
                    K::FLOW_MAP => content = Some(self.flow_map(&n)),
                    K::FLOW_SEQ => content = Some(self.flow_seq(&n)),
                    K::ALIAS => content = Some(self.alias(&n)),
                    K::BLOCK | K::FLOW => content = Some(self.node(&n)),
                    _ => {}
                },
                rowan::NodeOrToken::Token(t) => {
                    let style = match t.kind() {
                        K::PLAIN_SCALAR => ScalarStyle::Plain,
                        K::SINGLE_QUOTED_SCALAR => ScalarStyle::SingleQuoted,
                        K::DOUBLE_QUOTED_SCALAR => ScalarStyle::DoubleQuoted,
                        _ => continue,
                    };
                    let raw = t.text();
                    let text = match style {
                        ScalarStyle::Plain => scalar::plain(raw),
                        ScalarStyle::SingleQuoted => scalar::single_quoted(raw),
                        _ => scalar::double_quoted(raw),
                    };
                    content = Some(Node {
                        range: self.token_range(&t),
                        props: None,
                        from_alias: false,
                        value: Value::Scalar(Scalar { style, text }),
                    });
                }
            }
        }
        let mut node = content.unwrap_or_else(|| Node::empty(self.end(syntax)));
        if tag.is_some() {
            node.props_mut().tag = tag;
        }
        if let Some(name) = anchor {
            let redefined_inside = self.open_anchors.pop().is_some_and(|(_, r)| r);
            node.props_mut().anchor = Some(name.clone());
            if !redefined_inside {
                self.anchors.insert(name, node.clone());
            }
        }
        node
    }

    fn open_anchor(&mut self, name: &str) {
        for (open, redefined) in &mut self.open_anchors {
            if open == name {
                *redefined = true;
            }
        }
        self.open_anchors.push((name.to_string(), false));
    }

    fn alias(&mut self, syntax: &SyntaxNode) -> Node {
        let range = self.range(syntax);
        let name = syntax
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == K::ANCHOR_NAME)
            .map(|t| t.text().to_string())
            .unwrap_or_default();
        if self
            .open_anchors
            .iter()
            .any(|(open, redefined)| *open == name && !redefined)
        {
            self.file.errors.push(YamlError::new(
                YamlErrorKind::Syntax,
                range,
                format!("helm cannot read this file: the alias *{name} is inside the value of its own anchor &{name} (go-yaml: \"anchor '{name}' value contains itself\")"),
            ));
            return Node::empty(range.start);
        }
        let Some(target) = self.anchors.get(&name) else {
            self.file.errors.push(YamlError::new(
                YamlErrorKind::UnknownAlias,
                range,
                format!("alias *{name} refers to no anchor defined before it"),
            ));
            return Node::empty(range.start);
        };
        let size = target.size();
        if size > self.budget {
            if !self
                .file
                .errors
                .iter()
                .any(|e| e.kind == YamlErrorKind::AliasBudget)
            {
                self.file.errors.push(YamlError::new(
                    YamlErrorKind::AliasBudget,
                    range,
                    format!(
                        "alias expansion exceeds {ALIAS_BUDGET} nodes (an \"alias bomb\"); aliases past this point are read as null"
                    ),
                ));
            }
            return Node::empty(range.start);
        }
        self.budget -= size;
        let mut node = target.clone();
        mark_aliased(&mut node);
        node
    }

    fn block_map(&mut self, syntax: &SyntaxNode) -> Node {
        let mut entries = Vec::new();
        for entry in syntax.children().filter(|c| c.kind() == K::BLOCK_MAP_ENTRY) {
            let key = entry.children().find(|c| c.kind() == K::BLOCK_MAP_KEY);
            let value = entry.children().find(|c| c.kind() == K::BLOCK_MAP_VALUE);
            entries.push(self.pair(&entry, key, value));
        }
        self.mapping(syntax, entries)
    }

    fn flow_map(&mut self, syntax: &SyntaxNode) -> Node {
        let mut entries = Vec::new();
        for list in syntax
            .children()
            .filter(|c| c.kind() == K::FLOW_MAP_ENTRIES)
        {
            for entry in list.children().filter(|c| c.kind() == K::FLOW_MAP_ENTRY) {
                let key = entry.children().find(|c| c.kind() == K::FLOW_MAP_KEY);
                let value = entry.children().find(|c| c.kind() == K::FLOW_MAP_VALUE);
                entries.push(self.pair(&entry, key, value));
            }
        }
        self.mapping(syntax, entries)
    }

    /// One key/value pair; a missing key or value is an empty (null) scalar.
    fn pair(
        &mut self,
        entry: &SyntaxNode,
        key: Option<SyntaxNode>,
        value: Option<SyntaxNode>,
    ) -> Entry {
        let colon_end = entry
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == K::COLON)
            .map(|t| self.token_range(&t).end);
        let key = match key.and_then(|k| {
            k.children()
                .find(|c| matches!(c.kind(), K::FLOW | K::BLOCK))
        }) {
            Some(k) => self.node(&k),
            None => Node::empty(self.range(entry).start),
        };
        let value = match value.and_then(|v| {
            v.children()
                .find(|c| matches!(c.kind(), K::FLOW | K::BLOCK))
        }) {
            Some(v) => self.node(&v),
            None => Node::empty(colon_end.unwrap_or(key.range.end)),
        };
        Entry {
            key,
            value,
            merged: false,
        }
    }

    fn mapping(&mut self, syntax: &SyntaxNode, written: Vec<Entry>) -> Node {
        let range = self.range(syntax);
        build_mapping(
            range,
            written,
            &mut self.file.duplicates,
            &mut self.file.merged_over,
        )
    }

    fn block_seq(&mut self, syntax: &SyntaxNode) -> Node {
        let mut items = Vec::new();
        for entry in syntax.children().filter(|c| c.kind() == K::BLOCK_SEQ_ENTRY) {
            let item = match entry
                .children()
                .find(|c| matches!(c.kind(), K::FLOW | K::BLOCK))
            {
                Some(n) => self.node(&n),
                None => Node::empty(self.end(&entry)),
            };
            items.push(item);
        }
        Node {
            range: self.range(syntax),
            props: None,
            from_alias: false,
            value: Value::Sequence(items),
        }
    }

    fn flow_seq(&mut self, syntax: &SyntaxNode) -> Node {
        let mut items = Vec::new();
        for list in syntax
            .children()
            .filter(|c| c.kind() == K::FLOW_SEQ_ENTRIES)
        {
            for entry in list.children().filter(|c| c.kind() == K::FLOW_SEQ_ENTRY) {
                if let Some(pair) = entry.children().find(|c| c.kind() == K::FLOW_PAIR) {
                    // `[a: b]` is a one-entry mapping inside the sequence.
                    let key = pair.children().find(|c| c.kind() == K::FLOW_MAP_KEY);
                    let value = pair.children().find(|c| c.kind() == K::FLOW_MAP_VALUE);
                    let e = self.pair(&pair, key, value);
                    items.push(self.mapping(&pair, vec![e]));
                } else if let Some(n) = entry
                    .children()
                    .find(|c| matches!(c.kind(), K::FLOW | K::BLOCK))
                {
                    items.push(self.node(&n));
                }
            }
        }
        Node {
            range: self.range(syntax),
            props: None,
            from_alias: false,
            value: Value::Sequence(items),
        }
    }

    fn block_scalar(&mut self, syntax: &SyntaxNode) -> Node {
        let mut folded = false;
        let mut header = String::new();
        let mut body = String::new();
        for t in syntax
            .descendants_with_tokens()
            .filter_map(|e| e.into_token())
        {
            match t.kind() {
                K::GREATER_THAN => folded = true,
                K::BAR => {}
                K::BLOCK_SCALAR_TEXT => body.push_str(t.text()),
                K::INDENT_INDICATOR | K::PLUS | K::MINUS => header.push_str(t.text()),
                _ => {}
            }
        }
        let _ = self.text;
        let text = scalar::block(&header, &body, folded);
        Node {
            range: self.range(syntax),
            props: None,
            from_alias: false,
            value: Value::Scalar(Scalar {
                style: if folded {
                    ScalarStyle::Folded
                } else {
                    ScalarStyle::Literal
                },
                text: text.into(),
            }),
        }
    }
}

/// Record duplicate keys and apply merge keys (`<<`), then build the mapping node. Shared by
/// both tree builders so they agree on what a mapping holds.
pub(super) fn build_mapping(
    range: TextRange,
    written: Vec<Entry>,
    duplicates: &mut Vec<DuplicateKey>,
    merged_over: &mut Vec<Entry>,
) -> Node {
    let is_merge_key = |e: &Entry| {
        e.key
            .as_scalar()
            .is_some_and(|s| s.style == ScalarStyle::Plain && s.text == "<<")
    };
    record_duplicates(written.iter().filter(|e| !is_merge_key(e)), duplicates);
    if !written.iter().any(is_merge_key) {
        // The usual case: the entries stay as written. Exact capacity: slack in millions of
        // small mappings adds up.
        let mut written = written;
        written.shrink_to_fit();
        return Node {
            range,
            props: None,
            from_alias: false,
            value: Value::Mapping(written),
        };
    }
    // go-yaml (v2, which helm reads values with) applies a merge where it is written: it
    // replaces a key written above it, a key written below replaces it, and of a list of
    // mappings the first to hold a key wins.
    let mut entries: Vec<Entry> = Vec::with_capacity(written.len());
    let mut written = written.into_iter();
    while let Some(e) = written.next() {
        if !is_merge_key(&e) {
            entries.push(e);
            continue;
        }
        // go-yaml refuses a merge of anything but a mapping or a list of mappings: such an
        // entry stays as written, for `helm_refusal` to report.
        let mergeable = match &e.value.value {
            Value::Mapping(_) => true,
            Value::Sequence(items) => items.iter().all(|i| i.as_mapping().is_some()),
            Value::Scalar(_) => false,
        };
        if !mergeable {
            entries.push(e);
            continue;
        }
        let below = written.as_slice();
        let sources: Vec<Node> = match e.value.value {
            Value::Sequence(items) => items,
            _ => vec![e.value],
        };
        for src in sources.into_iter().rev() {
            let Value::Mapping(m) = src.value else {
                continue;
            };
            for mut m in m {
                let key = m.key.as_str();
                let same = |x: &Entry| key.is_some() && x.key.as_str() == key;
                if below.iter().any(|x| !is_merge_key(x) && same(x)) {
                    if !m.value.from_alias {
                        merged_over.push(m);
                    }
                    continue;
                }
                if let Some(i) = entries.iter().position(same) {
                    let replaced = entries.remove(i);
                    // Still decoded by go-yaml, so still checked (a merged copy already was).
                    if !replaced.value.from_alias {
                        merged_over.push(replaced);
                    }
                }
                m.merged = true;
                entries.push(m);
            }
        }
    }
    Node {
        range,
        props: None,
        from_alias: false,
        value: Value::Mapping(entries),
    }
}

/// Keys written twice in one mapping (copies made by aliases do not count), found without
/// copying keys: this runs for every mapping of every file.
fn record_duplicates<'e>(
    entries: impl Iterator<Item = &'e Entry> + Clone,
    duplicates: &mut Vec<DuplicateKey>,
) {
    fn key_of(e: &Entry) -> Option<&str> {
        if e.key.from_alias {
            None
        } else {
            e.key.as_str()
        }
    }
    let mut report = |key: &str, first: TextRange, duplicate: TextRange| {
        duplicates.push(DuplicateKey {
            key: key.to_string(),
            first,
            duplicate,
        })
    };
    if entries.clone().nth(16).is_none() {
        // Few keys: comparing each with those before it beats hashing.
        for (i, e) in entries.clone().enumerate() {
            let Some(k) = key_of(e) else { continue };
            if let Some(first) = entries.clone().take(i).find(|f| key_of(f) == Some(k)) {
                report(k, first.key.range, e.key.range);
            }
        }
    } else {
        let mut seen: HashMap<&str, TextRange> = HashMap::new();
        for e in entries {
            let Some(k) = key_of(e) else { continue };
            match seen.get(k) {
                Some(first) => report(k, *first, e.key.range),
                None => {
                    seen.insert(k, e.key.range);
                }
            }
        }
    }
}

pub(super) fn mark_aliased(node: &mut Node) {
    node.from_alias = true;
    match &mut node.value {
        Value::Scalar(_) => {}
        Value::Mapping(m) => {
            for e in m {
                mark_aliased(&mut e.key);
                mark_aliased(&mut e.value);
            }
        }
        Value::Sequence(s) => s.iter_mut().for_each(mark_aliased),
    }
}
