//! The in-memory files a check runs on. The CLI fills it from disk, the language server from
//! disk plus open buffers, the playground from its tabs. Each file is parsed lazily, once per
//! text, so an edit re-parses only the file that changed.

use crate::text::LineIndex;
use crate::{dockerfile, requirements, yaml};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// Text files larger than this are reported and not read by any parser.
pub const MAX_TEXT_SIZE: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone)]
pub enum Content {
    Text(String),
    /// A file that is binary, not UTF-8, too large or unreadable: reported, never parsed.
    Unreadable {
        reason: String,
    },
    /// Ciphertext (git-crypt): not text, and not a problem; no rule reads it.
    Encrypted,
}

#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub content: Content,
    line_index: OnceLock<LineIndex>,
    yaml: OnceLock<yaml::YamlFile>,
    requirements: OnceLock<requirements::RequirementsFile>,
    dockerfile: OnceLock<dockerfile::Dockerfile>,
    pip_installs: OnceLock<requirements::RequirementsFile>,
}

impl SourceFile {
    pub fn new(path: &str, content: Content) -> Self {
        SourceFile {
            path: normalize(path),
            content,
            line_index: OnceLock::new(),
            yaml: OnceLock::new(),
            requirements: OnceLock::new(),
            dockerfile: OnceLock::new(),
            pip_installs: OnceLock::new(),
        }
    }

    pub fn text(&self) -> Option<&str> {
        match &self.content {
            Content::Text(t) => Some(t),
            Content::Unreadable { .. } | Content::Encrypted => None,
        }
    }

    /// The text, or "" for an unreadable file (so positions still convert).
    pub fn text_or_empty(&self) -> &str {
        self.text().unwrap_or("")
    }

    pub fn line_index(&self) -> &LineIndex {
        self.line_index
            .get_or_init(|| LineIndex::new(self.text_or_empty()))
    }

    pub fn yaml(&self) -> Option<&yaml::YamlFile> {
        let text = self.text()?;
        Some(self.yaml.get_or_init(|| yaml::parse(text)))
    }

    /// The first document's root node, when the file parsed.
    pub fn yaml_root(&self) -> Option<&yaml::Node> {
        self.yaml()?.docs.first()
    }

    pub fn requirements(&self) -> Option<&requirements::RequirementsFile> {
        let text = self.text()?;
        Some(self.requirements.get_or_init(|| requirements::parse(text)))
    }

    pub fn dockerfile(&self) -> Option<&dockerfile::Dockerfile> {
        let text = self.text()?;
        Some(self.dockerfile.get_or_init(|| dockerfile::parse(text)))
    }

    /// The packages a Dockerfile's `RUN pip install` lines name, as requirements whose ranges
    /// are the Dockerfile's.
    pub fn pip_installs(&self) -> Option<&requirements::RequirementsFile> {
        let text = self.text()?;
        let df = self.dockerfile()?;
        Some(
            self.pip_installs
                .get_or_init(|| crate::pip_install::requirements_in_dockerfile(text, df)),
        )
    }

    pub fn is_yaml(&self) -> bool {
        self.kind().is_yaml()
    }
    pub fn kind(&self) -> crate::files::FileKind {
        crate::files::FileKind::of(&self.path)
    }
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
    pub fn dir(&self) -> &str {
        parent(&self.path)
    }
}

/// The files of one repository, by normalised relative path (`/`-separated).
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    files: BTreeMap<String, Arc<SourceFile>>,
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert_text(&mut self, path: &str, text: impl Into<String>) {
        let text = text.into();
        let content = if text.len() > MAX_TEXT_SIZE {
            Content::Unreadable {
                reason: format!(
                    "file is {} bytes, over the {} byte limit",
                    text.len(),
                    MAX_TEXT_SIZE
                ),
            }
        } else if text.as_bytes().starts_with(crate::files::GIT_CRYPT_HEADER) {
            Content::Encrypted
        } else if let Some(at) = memchr::memchr(0, text.as_bytes()) {
            Content::Unreadable {
                reason: format!("binary file (NUL byte at offset {at})"),
            }
        } else {
            Content::Text(text)
        };
        self.insert(SourceFile::new(path, content));
    }

    /// Decode bytes read from disk: UTF-8 (a leading BOM is kept and handled by the parsers),
    /// else reported with the offset of the first invalid byte.
    pub fn insert_bytes(&mut self, path: &str, bytes: Vec<u8>) {
        if bytes.len() > MAX_TEXT_SIZE {
            let reason = format!(
                "file is {} bytes, over the {} byte limit",
                bytes.len(),
                MAX_TEXT_SIZE
            );
            self.insert(SourceFile::new(path, Content::Unreadable { reason }));
            return;
        }
        if bytes.starts_with(crate::files::GIT_CRYPT_HEADER) {
            self.insert(SourceFile::new(path, Content::Encrypted));
            return;
        }
        match String::from_utf8(bytes) {
            Ok(text) => self.insert_text(path, text),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let reason = if bytes.contains(&0) {
                    "binary file".to_string()
                } else {
                    format!(
                        "not valid UTF-8 (invalid byte 0x{:02x} at offset {at})",
                        bytes[at]
                    )
                };
                self.insert(SourceFile::new(path, Content::Unreadable { reason }));
            }
        }
    }

    pub fn insert_unreadable(&mut self, path: &str, reason: impl Into<String>) {
        self.insert(SourceFile::new(
            path,
            Content::Unreadable {
                reason: reason.into(),
            },
        ));
    }

    pub fn insert(&mut self, file: SourceFile) {
        self.files.insert(file.path.clone(), Arc::new(file));
    }

    pub fn remove(&mut self, path: &str) -> bool {
        self.files.remove(&normalize(path)).is_some()
    }

    pub fn get(&self, path: &str) -> Option<&SourceFile> {
        self.files
            .get(path)
            .map(|f| &**f)
            .or_else(|| self.files.get(&normalize(path)).map(|f| &**f))
    }

    pub fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// Whether `path` is a directory holding at least one file.
    pub fn is_dir(&self, path: &str) -> bool {
        let p = normalize(path);
        if p.is_empty() || p == "." {
            return !self.files.is_empty();
        }
        let prefix = format!("{p}/");
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    pub fn files(&self) -> impl Iterator<Item = &SourceFile> {
        self.files.values().map(|f| &**f)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Parse every YAML, requirements and Dockerfile up front, on all cores when the
    /// `parallel` feature is on. Purely a speed-up: parsing is lazy otherwise.
    pub fn parse_all(&self) {
        let work = |f: &Arc<SourceFile>| {
            if f.is_yaml() {
                f.yaml();
            }
        };
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            self.files.par_iter().for_each(|(_, f)| work(f));
        }
        #[cfg(not(feature = "parallel"))]
        self.files.values().for_each(work);
    }
}

/// Normalise a relative path: `/` separators, no `.` segments, `..` folded where possible.
pub fn normalize(path: &str) -> String {
    // Most paths are normal already (every segment a name): one pass over the bytes tells.
    if is_normal(path) {
        return path.to_owned();
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Whether `normalize` would return `path` unchanged because every segment is a name: no
/// `\\`, no empty, `.` or `..` segment.
fn is_normal(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut segment_start = 0;
    for i in 0..=bytes.len() {
        match bytes.get(i) {
            Some(b'\\') => return false,
            Some(b'/') | None => {
                if matches!(&bytes[segment_start..i], b"" | b"." | b"..") {
                    return false;
                }
                segment_start = i + 1;
            }
            Some(_) => {}
        }
    }
    true
}

/// Join a path relative to a directory (both workspace-relative).
pub fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        normalize(rel)
    } else {
        normalize(&format!("{dir}/{rel}"))
    }
}

pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise() {
        assert_eq!(
            normalize("./images/hub-experimental/"),
            "images/hub-experimental"
        );
        assert_eq!(
            join("helm-charts", "./images/hub/../hub/Dockerfile"),
            "helm-charts/images/hub/Dockerfile"
        );
        assert_eq!(join("a/b", "../../c"), "c");
        assert_eq!(parent("a/b/c.yaml"), "a/b");
        assert_eq!(normalize("a\\b/./c"), "a/b/c");
        assert!(
            is_normal("a/.b/c.yaml") && !is_normal("a/./b") && !is_normal("..") && !is_normal("")
        );
        // Paths already normal come back as they are; the others as the segments say.
        for path in [
            "",
            "a",
            "a/b.yaml",
            "é/ü",
            ".",
            "..",
            "./a",
            "a/.",
            "a/..",
            "../a",
            "a//b",
            "/a",
            "a/",
            "a\\b",
            "a/.b/..c/...",
            ".hublint.yaml",
            "a/../../b",
        ] {
            let mut parts: Vec<&str> = Vec::new();
            for seg in path.split(['/', '\\']) {
                match seg {
                    "" | "." => {}
                    ".." if parts.last().is_some_and(|p| *p != "..") => {
                        parts.pop();
                    }
                    s => parts.push(s),
                }
            }
            assert_eq!(normalize(path), parts.join("/"), "{path:?}");
            // The shortcut is taken only where the answer is the path itself.
            assert!(!is_normal(path) || normalize(path) == path, "{path:?}");
        }
    }

    #[test]
    fn unreadable_files_are_kept_with_a_reason() {
        let mut ws = Workspace::new();
        ws.insert_bytes("bin.yaml", vec![0x61, 0xff, 0x62]);
        ws.insert_bytes("nul.txt", b"a\0b".to_vec());
        let reason = |p: &str| match &ws.get(p).unwrap().content {
            Content::Unreadable { reason } => reason.clone(),
            other => panic!("{p} read as {other:?}"),
        };
        assert!(
            reason("bin.yaml").contains("offset 1"),
            "{}",
            reason("bin.yaml")
        );
        assert!(reason("nul.txt").contains("binary"));
        assert!(ws.is_dir(""));
        let mut crypt = b"\0GITCRYPT\0".to_vec();
        crypt.extend([0x93, 0xff, 0x00, 0x12]);
        ws.insert_bytes("secrets/prod.yaml", crypt);
        assert!(matches!(
            ws.get("secrets/prod.yaml").unwrap().content,
            Content::Encrypted
        ));
    }
}
