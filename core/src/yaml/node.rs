//! The tree both readers build: mappings, sequences and scalars (with their decoded text and
//! style), each with the byte range it was read from.

use super::helm;
use crate::text::TextRange;
use compact_str::CompactString;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub style: ScalarStyle,
    /// The decoded text (escapes processed, lines folded, block indentation removed).
    pub text: CompactString,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
    /// Brought in by a merge key (`<<: *anchor`), not written in this mapping.
    pub merged: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Mapping(Vec<Entry>),
    Sequence(Vec<Node>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node's own text (without its tag/anchor properties).
    pub range: TextRange,
    /// Tag and anchor: rare, so kept out of line to keep every node small (a repository of
    /// thousands of hubs holds millions of nodes).
    pub props: Option<Box<Props>>,
    /// Copied from an anchor by an alias: `range` points at the anchor's definition.
    pub from_alias: bool,
    pub value: Value,
}

/// A node's properties: `!tag` and `&anchor`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Props {
    pub tag: Option<String>,
    pub anchor: Option<String>,
}

impl Node {
    pub(super) fn empty(at: usize) -> Node {
        Node {
            range: TextRange::empty(at),
            props: None,
            from_alias: false,
            value: Value::Scalar(Scalar {
                style: ScalarStyle::Plain,
                text: CompactString::default(),
            }),
        }
    }

    /// The node's tag (`!!str`, `!custom`), as written.
    pub fn tag(&self) -> Option<&str> {
        self.props.as_ref()?.tag.as_deref()
    }

    /// The node's anchor name (`&name`).
    pub fn anchor(&self) -> Option<&str> {
        self.props.as_ref()?.anchor.as_deref()
    }

    pub(crate) fn props_mut(&mut self) -> &mut Props {
        self.props.get_or_insert_with(Default::default)
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's decoded text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }

    pub fn as_mapping(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Sequence(s) => Some(s),
            _ => None,
        }
    }

    /// The entry for `key` in a mapping (the last one when a key is duplicated, as helm reads it).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_mapping()?
            .iter()
            .rev()
            .find(|e| e.key.as_str() == Some(key))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// Follow a path of mapping keys.
    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The string a scalar holds for helm, when it is one (quoted, block, or a plain scalar
    /// that helm resolves to a string).
    pub fn helm_string(&self) -> Option<&str> {
        let s = self.as_scalar()?;
        match self.helm_type() {
            helm::HelmType::String => Some(&s.text),
            _ => None,
        }
    }

    /// The type helm (go-yaml v2, YAML 1.1) gives this node.
    pub fn helm_type(&self) -> helm::HelmType {
        match &self.value {
            Value::Mapping(_) => helm::HelmType::Mapping,
            Value::Sequence(_) => helm::HelmType::Sequence,
            Value::Scalar(s) => helm::scalar_type(s, self.tag(), helm::Resolver::Helm),
        }
    }

    pub fn is_null(&self) -> bool {
        self.helm_type() == helm::HelmType::Null
    }

    /// Number of nodes in this subtree.
    pub fn size(&self) -> usize {
        1 + match &self.value {
            Value::Scalar(_) => 0,
            Value::Mapping(m) => m.iter().map(|e| e.key.size() + e.value.size()).sum(),
            Value::Sequence(s) => s.iter().map(Node::size).sum(),
        }
    }
}
