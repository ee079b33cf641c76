//! Dockerfiles, read the way BuildKit reads them: parser directives at the very top
//! (`# syntax=`, `# escape=`), case-insensitive instructions, escape-character line
//! continuations (comment and blank lines inside a continued instruction are dropped),
//! heredocs for `RUN`/`COPY`/`ADD`, and `ARG`s before the first `FROM` substituted into
//! `FROM` lines. Every range points into the original text.

use crate::text::TextRange;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dockerfile {
    pub froms: Vec<From>,
    pub errors: Vec<ParseError>,
    /// Every instruction, in order (`FROM` and `ARG` included).
    pub instructions: Vec<Instruction>,
    pub directives: Vec<Directive>,
    /// The escape (and line continuation) character: `\` or `` ` ``.
    pub escape: char,
    /// Every `ARG` declaration; `stage` is `None` for those before the first `FROM`.
    pub args: Vec<ArgDecl>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct From {
    /// The whole instruction.
    pub range: TextRange,
    /// Image reference after `ARG` substitution, without tag and digest.
    pub image: String,
    pub image_range: TextRange,
    pub tag: Option<String>,
    /// Where to edit to change the tag: the tag in the FROM line, or the default of the
    /// `ARG` it comes from.
    pub tag_edit_range: Option<TextRange>,
    pub digest: Option<String>,
    pub platform: Option<String>,
    pub stage_name: Option<String>,
    /// `${NAME}` used in this FROM with no default, and where.
    pub unresolved_args: Vec<(String, TextRange)>,
    /// The whole reference after substitution (`image[:tag][@digest]`).
    pub reference: String,
    /// The image word as written in the FROM line.
    pub reference_range: TextRange,
    pub stage_name_range: Option<TextRange>,
    /// The earlier stage this FROM builds on (`FROM builder`), by index into `froms`.
    pub stage_ref: Option<usize>,
    /// Index of this FROM's instruction in `instructions`.
    pub instruction: usize,
}

impl From {
    pub fn is_scratch(&self) -> bool {
        self.stage_ref.is_none() && self.reference.eq_ignore_ascii_case("scratch")
    }
}

/// One instruction. `args` is the logical text after the keyword: continuation lines joined
/// (escape character removed), comment lines inside dropped; map positions in it back to the
/// file with [`Instruction::range_of`].
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// Upper case: `RUN`.
    pub keyword: String,
    pub keyword_range: TextRange,
    pub args: String,
    pub args_range: TextRange,
    /// From the keyword to the end of the last line (heredoc bodies included).
    pub range: TextRange,
    pub heredocs: Vec<Heredoc>,
    /// Index into `froms` of the stage it belongs to; `None` before the first `FROM`.
    pub stage: Option<usize>,
    segs: Vec<(usize, usize)>,
    args_offset: usize,
}

impl Instruction {
    /// The original range of `args[a..b]`.
    pub fn range_of(&self, a: usize, b: usize) -> TextRange {
        let orig = |off: usize| {
            let off = off + self.args_offset;
            let i = self.segs.partition_point(|s| s.0 <= off).saturating_sub(1);
            self.segs
                .get(i)
                .map_or(self.range.start, |&(l, o)| o + (off - l))
        };
        let start = orig(a);
        let end = if b > a { orig(b - 1) + 1 } else { start };
        TextRange::new(start, end.max(start))
    }

    /// The arguments split into shell words (quotes kept), with their original ranges.
    pub fn words(&self, escape: char) -> Vec<(String, TextRange)> {
        raw_words(&self.args, 0, self.args.len(), escape)
            .into_iter()
            .map(|(a, b)| (self.args[a..b].to_string(), self.range_of(a, b)))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Heredoc {
    /// The delimiter, quotes removed.
    pub name: String,
    /// `<<-`: leading tabs are removed from the body and the delimiter line.
    pub strip_tabs: bool,
    /// Variables in the body are expanded (the delimiter was not quoted).
    pub expand: bool,
    pub body: String,
    pub body_range: TextRange,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    /// Lower case: `syntax`, `escape`, `check`.
    pub name: String,
    pub value: String,
    pub range: TextRange,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ArgDecl {
    pub name: String,
    pub name_range: TextRange,
    /// The default after substitution of earlier `ARG`s, and where it is written.
    pub default: Option<(String, TextRange)>,
    pub stage: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub range: TextRange,
    pub message: String,
}

impl Dockerfile {
    /// The last FROM: the image that is built.
    pub fn final_from(&self) -> Option<&From> {
        self.froms.last()
    }

    pub fn instruction_at(&self, offset: usize) -> Option<&Instruction> {
        self.instructions
            .iter()
            .find(|i| i.range.start <= offset && offset <= i.range.end)
    }

    pub fn from_at(&self, offset: usize) -> Option<&From> {
        self.froms
            .iter()
            .find(|f| f.range.start <= offset && offset <= f.range.end)
    }

    /// The global `ARG` (before the first FROM) of this name.
    pub fn global_arg(&self, name: &str) -> Option<&ArgDecl> {
        self.args
            .iter()
            .rev()
            .find(|a| a.stage.is_none() && a.name == name)
    }
}

const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// ARGs BuildKit defines for every build; usable in FROM without a declaration.
const AUTOMATIC_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

pub fn parse(text: &str) -> Dockerfile {
    let mut p = Parser {
        text,
        df: Dockerfile {
            escape: '\\',
            ..Dockerfile::default()
        },
        env: HashMap::new(),
        stages: HashMap::new(),
    };
    p.run();
    p.df
}

struct Parser<'a> {
    text: &'a str,
    df: Dockerfile,
    /// Global ARGs: `None` when declared without a default.
    env: Env,
    /// Stage names (lower case) and their index in `froms`.
    stages: HashMap<String, usize>,
}

fn physical_lines(text: &str, start: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = start;
    let bytes = text.as_bytes();
    while pos < text.len() {
        let (end, next) = match bytes[pos..].iter().position(|&b| b == b'\n') {
            Some(i) => (pos + i, pos + i + 1),
            None => (text.len(), text.len()),
        };
        let trimmed = if end > pos && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        out.push((pos, trimmed));
        pos = next;
    }
    out
}

/// `# name=value` at the top of the file.
fn directive(line: &str) -> Option<(&str, usize, usize, usize)> {
    let t = line.trim_start();
    let lead = line.len() - t.len();
    let rest = t.strip_prefix('#')?;
    let name_start = lead + 1 + (rest.len() - rest.trim_start().len());
    let after = &line[name_start..];
    let name_len = after
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || !after.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let rest = after[name_len..].trim_start().strip_prefix('=')?;
    let value = rest.trim();
    if value.is_empty() {
        return None;
    }
    let value_start = line.len() - rest.len() + (rest.len() - rest.trim_start().len());
    Some((
        &line[name_start..name_start + name_len],
        value_start,
        value_start + value.len(),
        lead,
    ))
}

/// The line without its continuation character, and whether it continues.
fn strip_continuation(line: &str, escape: char) -> (&str, bool) {
    let t = line.trim_end_matches([' ', '\t']);
    if let Some(before) = t.strip_suffix(escape) {
        // An escaped escape character (`\\`) does not continue the line.
        if before.is_empty() || !before.ends_with(escape) {
            return (before, true);
        }
    }
    (line, false)
}

impl Parser<'_> {
    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.df.errors.push(ParseError {
            range,
            message: message.into(),
        });
    }

    fn run(&mut self) {
        let text = self.text;
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let lines = physical_lines(text, start);
        let mut i = 0;
        let mut in_directives = true;
        let mut seen: Vec<String> = Vec::new();
        while i < lines.len() {
            let (ls, le) = lines[i];
            let raw = &text[ls..le];
            if in_directives {
                match directive(raw) {
                    Some((name, vs, ve, lead))
                        if matches!(
                            name.to_ascii_lowercase().as_str(),
                            "syntax" | "escape" | "check"
                        ) =>
                    {
                        let lower = name.to_ascii_lowercase();
                        let range = TextRange::new(ls + lead, le);
                        let value = &raw[vs..ve];
                        if seen.contains(&lower) {
                            self.error(
                                range,
                                format!("only one `{lower}` parser directive may be used"),
                            );
                        } else if lower == "escape" {
                            match value {
                                "\\" => self.df.escape = '\\',
                                "`" => self.df.escape = '`',
                                _ => self.error(
                                    TextRange::new(ls + vs, ls + ve),
                                    format!(
                                        "invalid escape character `{value}`: use `\\` or `` ` ``"
                                    ),
                                ),
                            }
                        }
                        seen.push(lower.clone());
                        self.df.directives.push(Directive {
                            name: lower,
                            value: value.to_string(),
                            range,
                        });
                        i += 1;
                        continue;
                    }
                    _ => in_directives = false,
                }
            }
            let t = raw.trim_start();
            if t.is_empty() || t.starts_with('#') {
                i += 1;
                continue;
            }
            i = self.instruction(&lines, i);
        }
        self.finish();
    }

    /// Reads the instruction starting at line `first`; returns the next line to read.
    fn instruction(&mut self, lines: &[(usize, usize)], first: usize) -> usize {
        let text = self.text;
        let escape = self.df.escape;
        let (ls, le) = lines[first];
        let raw = &text[ls..le];
        let lead = raw.len() - raw.trim_start().len();
        let mut logical = String::new();
        let mut segs = Vec::new();
        let (content, mut cont) = strip_continuation(&raw[lead..], escape);
        segs.push((0, ls + lead));
        logical.push_str(content);
        let mut end = ls + lead + content.len();
        let mut i = first + 1;
        while cont && i < lines.len() {
            let (cs, ce) = lines[i];
            let line = &text[cs..ce];
            i += 1;
            let t = line.trim_start();
            if t.starts_with('#') || t.is_empty() {
                continue;
            }
            let (content, c) = strip_continuation(line, escape);
            cont = c;
            segs.push((logical.len(), cs));
            logical.push_str(content);
            end = cs + content.len();
        }
        let mut range_end = end;
        // Keyword and arguments.
        let kw_len = logical
            .find(|c: char| c.is_whitespace())
            .unwrap_or(logical.len());
        let keyword = logical[..kw_len].to_ascii_uppercase();
        let args_lead = logical[kw_len..].len() - logical[kw_len..].trim_start().len();
        let args_offset = kw_len + args_lead;
        let args = logical[args_offset..].trim_end().to_string();
        let mut inst = Instruction {
            keyword,
            keyword_range: TextRange::default(),
            args,
            args_range: TextRange::default(),
            range: TextRange::new(ls + lead, range_end),
            heredocs: Vec::new(),
            stage: self.df.froms.len().checked_sub(1),
            segs,
            args_offset: 0,
        };
        // Map the keyword with offset 0, then switch to argument-relative offsets.
        inst.keyword_range = inst.range_of(0, kw_len);
        inst.args_offset = args_offset;
        inst.args_range = if inst.args.is_empty() {
            TextRange::empty(inst.keyword_range.end)
        } else {
            inst.range_of(0, inst.args.len())
        };
        // Heredocs: bodies follow the instruction's last line.
        let inner = if inst.keyword == "ONBUILD" {
            let a = inst.args.trim_start();
            a[..a.find(char::is_whitespace).unwrap_or(a.len())].to_ascii_uppercase()
        } else {
            inst.keyword.clone()
        };
        let is_json = inst.args.starts_with('[') && inst.args.ends_with(']');
        if matches!(inner.as_str(), "RUN" | "COPY" | "ADD") && !is_json {
            for (wa, wb) in raw_words(&inst.args, 0, inst.args.len(), '\\') {
                let Some((name, strip_tabs, expand)) = heredoc_marker(&inst.args[wa..wb]) else {
                    continue;
                };
                let body_start = lines.get(i).map_or(text.len(), |l| l.0);
                let mut terminated = false;
                let mut body_end = body_start;
                while i < lines.len() {
                    let (hs, he) = lines[i];
                    i += 1;
                    let mut line = &text[hs..he];
                    if strip_tabs {
                        line = line.trim_start_matches('\t');
                    }
                    range_end = he;
                    if line == name {
                        terminated = true;
                        break;
                    }
                    body_end = lines.get(i).map_or(text.len(), |l| l.0);
                }
                if !terminated {
                    let r = inst.range_of(wa, wb);
                    self.error(r, format!("unterminated heredoc: no line `{name}` ends it"));
                    body_end = text.len();
                    range_end = text.len();
                }
                inst.heredocs.push(Heredoc {
                    name,
                    strip_tabs,
                    expand,
                    body: text[body_start..body_end.max(body_start)].to_string(),
                    body_range: TextRange::new(body_start, body_end.max(body_start)),
                });
            }
        }
        inst.range = TextRange::new(inst.range.start, range_end.max(inst.range.start));
        self.dispatch(inst);
        i
    }

    fn dispatch(&mut self, mut inst: Instruction) {
        let index = self.df.instructions.len();
        let keyword = inst.keyword.clone();
        let kw = keyword.as_str();
        if !INSTRUCTIONS.contains(&kw) {
            let suggestion = INSTRUCTIONS
                .iter()
                .find(|k| strsim::levenshtein(k, kw) <= 2 && kw.len() > 2)
                .map(|k| format!(" (did you mean `{k}`?)"))
                .unwrap_or_default();
            let r = inst.keyword_range;
            let written = self.text[r.start..r.end].to_string();
            self.error(r, format!("unknown instruction `{written}`{suggestion}"));
        } else if self.df.froms.is_empty() && kw != "FROM" && kw != "ARG" {
            self.error(
                inst.keyword_range,
                format!("`{kw}` before the first `FROM`: only `ARG` may come before it"),
            );
        }
        let needs_args = matches!(
            kw,
            "ARG"
                | "ENV"
                | "LABEL"
                | "EXPOSE"
                | "VOLUME"
                | "WORKDIR"
                | "USER"
                | "MAINTAINER"
                | "ONBUILD"
                | "HEALTHCHECK"
                | "STOPSIGNAL"
                | "FROM"
                | "COPY"
                | "ADD"
        );
        if needs_args && inst.args.is_empty() {
            self.error(
                inst.keyword_range,
                format!("`{kw}` needs at least one argument"),
            );
        } else if matches!(kw, "COPY" | "ADD") && !inst.args.starts_with('[') {
            let words = raw_words(&inst.args, 0, inst.args.len(), self.df.escape);
            let plain = words
                .iter()
                .filter(|(a, b)| !inst.args[*a..*b].starts_with("--"))
                .count();
            if plain < 2 {
                self.error(
                    inst.range_of(0, inst.args.len()),
                    format!("`{kw}` needs a source and a destination"),
                );
            }
        }
        match kw {
            "FROM" if !inst.args.is_empty() => {
                self.from(&inst, index);
                inst.stage = self.df.froms.len().checked_sub(1);
            }
            "ARG" => self.arg(&inst),
            _ => {}
        }
        self.df.instructions.push(inst);
    }

    fn finish(&mut self) {
        if self.df.instructions.is_empty() {
            self.error(TextRange::empty(0), "the Dockerfile has no instructions");
        } else if self.df.froms.is_empty() {
            let r = self.df.instructions[0].range;
            self.error(r, "no `FROM` instruction: there is no stage to build");
        }
    }

    fn arg(&mut self, inst: &Instruction) {
        let escape = self.df.escape;
        let stage = self.df.froms.len().checked_sub(1);
        for (wa, wb) in raw_words(&inst.args, 0, inst.args.len(), escape) {
            let word = &inst.args[wa..wb];
            let (name_end, value) = match word.find('=') {
                Some(eq) => (wa + eq, Some((wa + eq + 1, wb))),
                None => (wb, None),
            };
            let name = &inst.args[wa..name_end];
            if name.is_empty() {
                self.error(inst.range_of(wa, wb), "`ARG` needs a name before `=`");
                continue;
            }
            let default = value.map(|(va, vb)| {
                let mut unresolved = Vec::new();
                let pieces = if stage.is_none() {
                    expand(inst, va, vb, escape, &self.env, &mut unresolved)
                } else {
                    // Stage ARGs never reach a FROM: keep the text, quotes removed.
                    expand(inst, va, vb, escape, &HashMap::new(), &mut Vec::new())
                };
                (ArgValue { pieces, unresolved }, inst.range_of(va, vb))
            });
            if stage.is_none() {
                self.env.insert(
                    name.to_string(),
                    default.as_ref().map(|(value, _)| value.clone()),
                );
            }
            let mut written = default
                .as_ref()
                .map(|(_, r)| *r)
                .unwrap_or(TextRange::empty(0));
            // Point at the value inside its quotes.
            if let Some((va, vb)) = value {
                let v = &inst.args[va..vb];
                if v.len() >= 2
                    && (v.starts_with('"') && v.ends_with('"')
                        || v.starts_with('\'') && v.ends_with('\''))
                {
                    written = inst.range_of(va + 1, vb - 1);
                }
            }
            self.df.args.push(ArgDecl {
                name: name.to_string(),
                name_range: inst.range_of(wa, name_end),
                default: default.map(|(value, _)| (concat(&value.pieces), written)),
                stage,
            });
        }
    }

    fn from(&mut self, inst: &Instruction, index: usize) {
        let escape = self.df.escape;
        let words = raw_words(&inst.args, 0, inst.args.len(), escape);
        let mut platform = None;
        let mut rest = Vec::new();
        for &(a, b) in &words {
            let w = &inst.args[a..b];
            if rest.is_empty() && w.starts_with("--") {
                match w[2..].split_once('=') {
                    Some(("platform", v)) if !v.is_empty() => platform = Some(v.to_string()),
                    Some(("platform", _)) | None if w == "--platform" || w == "--platform=" => self
                        .error(
                            inst.range_of(a, b),
                            "`--platform` needs a value: `--platform=linux/amd64`",
                        ),
                    _ => self.error(
                        inst.range_of(a, b),
                        format!("unknown flag `{w}` for `FROM` (only `--platform=` is allowed)"),
                    ),
                }
            } else {
                rest.push((a, b));
            }
        }
        let mut stage_name = None;
        let mut stage_name_range = None;
        match rest.as_slice() {
            [_] => {}
            [_, (ka, kb), (na, nb)] if inst.args[*ka..*kb].eq_ignore_ascii_case("as") => {
                let name = inst.args[*na..*nb].to_ascii_lowercase();
                let r = inst.range_of(*na, *nb);
                let valid = name.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
                    && name.bytes().all(|c| {
                        c.is_ascii_lowercase()
                            || c.is_ascii_digit()
                            || matches!(c, b'-' | b'_' | b'.')
                    });
                if !valid {
                    self.error(
                        r,
                        format!("invalid stage name `{}`: it must start with a letter and hold only letters, digits, `-`, `_` and `.`", &inst.args[*na..*nb]),
                    );
                } else if self.stages.contains_key(&name) {
                    self.error(r, format!("duplicate stage name `{name}`"));
                }
                stage_name = Some(name);
                stage_name_range = Some(r);
            }
            [] => {
                self.error(inst.keyword_range, "`FROM` needs an image");
                return;
            }
            _ => {
                let (a, _) = rest[0];
                let (_, b) = rest[rest.len() - 1];
                self.error(
                    inst.range_of(a, b),
                    "`FROM` takes an image and optionally `AS name`",
                );
            }
        }
        let (wa, wb) = rest[0];
        let reference_range = inst.range_of(wa, wb);
        let mut unresolved = Vec::new();
        let pieces = expand(inst, wa, wb, escape, &self.env, &mut unresolved);
        let reference = concat(&pieces);
        let parts = crate::image_ref::Reference::split(&reference);
        let image = parts.name.to_string();
        let tag = parts.tag.map(str::to_string);
        let digest = parts.digest.map(str::to_string);
        let image_range = map_span(&pieces, 0, image.len()).unwrap_or(reference_range);
        let tag_edit_range = parts
            .tag_offset()
            .zip(parts.tag)
            .and_then(|(start, t)| map_span(&pieces, start, start + t.len()));
        let stage_ref = if unresolved.is_empty() {
            self.stages.get(&reference.to_ascii_lowercase()).copied()
        } else {
            None
        };
        let placeholder = pieces.iter().any(|p| p.placeholder);
        if unresolved.is_empty() && !placeholder && stage_ref.is_none() {
            if let Err(e) = parts.check() {
                self.error(reference_range, e.to_string());
            }
        }
        if let Some(name) = &stage_name {
            self.stages
                .entry(name.clone())
                .or_insert(self.df.froms.len());
        }
        self.df.froms.push(From {
            range: inst.range,
            image,
            image_range,
            tag,
            tag_edit_range,
            digest,
            platform,
            stage_name,
            unresolved_args: unresolved,
            reference,
            reference_range,
            stage_name_range,
            stage_ref,
            instruction: index,
        });
    }
}

/// Shell words of `s[a..b]` (whitespace outside quotes separates; quotes and escapes kept).
fn raw_words(s: &str, a: usize, b: usize, escape: char) -> Vec<(usize, usize)> {
    let bytes = s.as_bytes();
    let esc = escape as u8;
    let mut out = Vec::new();
    let mut i = a;
    while i < b {
        while i < b && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b {
            break;
        }
        let start = i;
        let mut quote: Option<u8> = None;
        while i < b {
            let c = bytes[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(b'"') if c == esc => i += 1,
                Some(_) => {}
                None if c == b'"' || c == b'\'' => quote = Some(c),
                None if c == esc => i += 1,
                None if c.is_ascii_whitespace() => break,
                None => {}
            }
            i += 1;
        }
        let i_end = i.min(b);
        // Never end inside a multi-byte character (an escape before one skips a byte).
        let mut e = i_end;
        while e < b && !s.is_char_boundary(e) {
            e += 1;
        }
        out.push((start, e));
        i = e;
    }
    out
}

/// `<<EOF`, `<<-EOF`, `<<"EOF"`, `2<<'EOF'`: (name, strip tabs, expand).
fn heredoc_marker(word: &str) -> Option<(String, bool, bool)> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let rest = word[digits..].strip_prefix("<<")?;
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let quoted = rest.contains(['"', '\'']);
    let name: String = rest.chars().filter(|c| *c != '"' && *c != '\'').collect();
    if name.is_empty() {
        return None;
    }
    Some((name, strip_tabs, !quoted))
}

// ---------------------------------------------------------------------------------------
// ARG substitution with provenance.

/// A global ARG's default after substitution, with the undefined ARGs it used.
#[derive(Debug, Clone, PartialEq)]
struct ArgValue {
    pieces: Vec<Piece>,
    unresolved: Vec<(String, TextRange)>,
}

type Env = HashMap<String, Option<ArgValue>>;

/// Expanded text; `origin` is where `text` is written in the file, byte for byte.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    text: String,
    origin: Option<usize>,
    /// A value only known at build time (`$TARGETARCH`).
    placeholder: bool,
}

fn concat(pieces: &[Piece]) -> String {
    pieces.iter().map(|p| p.text.as_str()).collect()
}

fn push_piece(out: &mut Vec<Piece>, text: &str, origin: Option<usize>) {
    if text.is_empty() {
        return;
    }
    if let Some(last) = out.last_mut() {
        let contiguous = match (last.origin, origin) {
            (Some(a), Some(b)) => a + last.text.len() == b,
            (None, None) => true,
            _ => false,
        };
        if contiguous && !last.placeholder {
            last.text.push_str(text);
            return;
        }
    }
    out.push(Piece {
        text: text.to_string(),
        origin,
        placeholder: false,
    });
}

/// Copies `args[a..b]` as written, split where continuation lines join.
fn push_literal(out: &mut Vec<Piece>, inst: &Instruction, a: usize, b: usize) {
    let mut pos = a;
    while pos < b {
        let abs = pos + inst.args_offset;
        let i = inst.segs.partition_point(|s| s.0 <= abs).saturating_sub(1);
        let seg_end = inst
            .segs
            .get(i + 1)
            .map_or(usize::MAX, |s| s.0 - inst.args_offset);
        let mut end = b.min(seg_end);
        if end <= pos {
            end = b;
        }
        let origin = inst.range_of(pos, end).start;
        push_piece(out, &inst.args[pos..end], Some(origin));
        pos = end;
    }
}

/// The original range of `concat(pieces)[a..b]` when one written piece holds it.
fn map_span(pieces: &[Piece], a: usize, b: usize) -> Option<TextRange> {
    let mut at = 0;
    for p in pieces {
        let end = at + p.text.len();
        if a >= at && b <= end && a < end {
            let o = p.origin?;
            return Some(TextRange::new(o + (a - at), o + (b - at)));
        }
        at = end;
    }
    None
}

/// Expands `args[a..b]` as BuildKit expands a FROM word: quotes removed, escapes applied,
/// `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`, `${NAME+word}`.
fn expand(
    inst: &Instruction,
    a: usize,
    b: usize,
    escape: char,
    env: &Env,
    unresolved: &mut Vec<(String, TextRange)>,
) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut ex = Expander {
        inst,
        escape: escape as u8,
        env,
        unresolved,
        depth: 0,
    };
    ex.word(&mut out, a, b, false);
    out
}

struct Expander<'a, 'u> {
    inst: &'a Instruction,
    escape: u8,
    env: &'a Env,
    unresolved: &'u mut Vec<(String, TextRange)>,
    depth: usize,
}

impl Expander<'_, '_> {
    /// Expands `args[a..b]`; stops at an unmatched `}` when `in_braces`. Returns where it
    /// stopped.
    fn word(&mut self, out: &mut Vec<Piece>, a: usize, b: usize, in_braces: bool) -> usize {
        let s = self.inst.args.as_str();
        let bytes = s.as_bytes();
        let mut i = a;
        let mut lit = a;
        let mut quote: Option<u8> = None;
        self.depth += 1;
        while i < b {
            let c = bytes[i];
            if quote == Some(b'\'') {
                if c == b'\'' {
                    push_literal(out, self.inst, lit, i);
                    quote = None;
                    lit = i + 1;
                }
                i += 1;
                continue;
            }
            if c == self.escape && i + 1 < b {
                push_literal(out, self.inst, lit, i);
                let n = s[i + 1..].chars().next().map_or(1, char::len_utf8);
                push_literal(out, self.inst, i + 1, (i + 1 + n).min(b));
                i = (i + 1 + n).min(b);
                lit = i;
                continue;
            }
            if c == b'"' {
                push_literal(out, self.inst, lit, i);
                quote = if quote == Some(b'"') {
                    None
                } else {
                    Some(b'"')
                };
                i += 1;
                lit = i;
                continue;
            }
            if c == b'\'' && quote.is_none() {
                push_literal(out, self.inst, lit, i);
                quote = Some(b'\'');
                i += 1;
                lit = i;
                continue;
            }
            if c == b'}' && in_braces && quote.is_none() {
                push_literal(out, self.inst, lit, i);
                self.depth -= 1;
                return i;
            }
            if c == b'$' {
                push_literal(out, self.inst, lit, i);
                i = self.variable(out, i, b);
                lit = i;
                continue;
            }
            i += 1;
        }
        push_literal(out, self.inst, lit, i.min(b));
        self.depth -= 1;
        b
    }

    /// `$...` at `i`; returns the offset after it.
    fn variable(&mut self, out: &mut Vec<Piece>, i: usize, b: usize) -> usize {
        let s = self.inst.args.as_str();
        let bytes = s.as_bytes();
        let is_name = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
        if bytes.get(i + 1) == Some(&b'{') && i + 1 < b {
            let ns = i + 2;
            let mut ne = ns;
            while ne < b && is_name(bytes[ne]) {
                ne += 1;
            }
            let name = &s[ns..ne];
            if name.is_empty() || ne >= b {
                // Not a variable reference BuildKit understands: keep it as text.
                push_literal(out, self.inst, i, (i + 2).min(b));
                return (i + 2).min(b);
            }
            let op_len = match &s[ne..b] {
                r if r.starts_with(":-") || r.starts_with(":+") => 2,
                r if r.starts_with('-') || r.starts_with('+') => 1,
                r if r.starts_with('}') => 0,
                _ => usize::MAX,
            };
            if op_len == usize::MAX {
                // Other modifiers (`#`, `%`, `/`, `:?`): the value, approximately.
                let close = s[ne..b].find('}').map_or(b, |j| ne + j + 1);
                self.value(out, name, TextRange::default(), false);
                return close;
            }
            let op = &s[ne..ne + op_len];
            let word_start = ne + op_len;
            let mut alt = Vec::new();
            let close = if op_len == 0 {
                ne
            } else if self.depth > 32 {
                s[word_start..b].find('}').map_or(b, |j| word_start + j)
            } else {
                self.word(&mut alt, word_start, b, true)
            };
            let end = (close + 1).min(b);
            let value = self.env.get(name);
            let set = matches!(value, Some(Some(_)));
            let non_empty = matches!(value, Some(Some(v)) if !concat(&v.pieces).is_empty());
            match op {
                "" => {
                    let r = self.inst.range_of(i, end);
                    self.value(out, name, r, true)
                }
                ":-" | "-" => {
                    let use_value = if op == ":-" { non_empty } else { set };
                    if use_value {
                        self.value(out, name, TextRange::default(), false);
                    } else {
                        for p in alt {
                            out.push(p);
                        }
                    }
                }
                _ => {
                    let use_alt = if op == ":+" { non_empty } else { set };
                    if use_alt {
                        for p in alt {
                            out.push(p);
                        }
                    }
                }
            }
            return end;
        }
        let ns = i + 1;
        let mut ne = ns;
        while ne < b && is_name(bytes[ne]) {
            ne += 1;
        }
        if ne == ns {
            push_literal(out, self.inst, i, i + 1);
            return i + 1;
        }
        let r = self.inst.range_of(i, ne);
        self.value(out, &s[ns..ne], r, true);
        ne
    }

    fn value(&mut self, out: &mut Vec<Piece>, name: &str, used_at: TextRange, report: bool) {
        match self.env.get(name) {
            Some(Some(value)) => {
                for (n, r) in &value.unresolved {
                    if !self.unresolved.iter().any(|(m, q)| m == n && q == r) {
                        self.unresolved.push((n.clone(), *r));
                    }
                }
                for p in &value.pieces {
                    match out.last_mut() {
                        Some(last)
                            if !last.placeholder
                                && !p.placeholder
                                && last
                                    .origin
                                    .zip(p.origin)
                                    .is_some_and(|(a, b)| a + last.text.len() == b) =>
                        {
                            last.text.push_str(&p.text)
                        }
                        _ => out.push(p.clone()),
                    }
                }
            }
            _ if AUTOMATIC_ARGS.contains(&name) => out.push(Piece {
                text: format!("${{{name}}}"),
                origin: None,
                placeholder: true,
            }),
            _ => {
                if report
                    && !self
                        .unresolved
                        .iter()
                        .any(|(n, r)| n == name && *r == used_at)
                {
                    self.unresolved.push((name.to_string(), used_at));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, r: TextRange) -> &str {
        &text[r.start..r.end]
    }

    fn ok(text: &str) -> Dockerfile {
        let df = parse(text);
        assert!(df.errors.is_empty(), "{text:?}: {:?}", df.errors);
        df
    }

    fn first_error(text: &str) -> ParseError {
        let df = parse(text);
        assert!(!df.errors.is_empty(), "{text:?} parsed without errors");
        df.errors[0].clone()
    }

    #[test]
    fn from_with_tag_digest_platform_and_stage() {
        let text = "FROM --platform=linux/amd64 quay.io/jupyterhub/k8s-hub:4.3.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS base\n";
        let df = ok(text);
        let f = &df.froms[0];
        assert_eq!(f.image, "quay.io/jupyterhub/k8s-hub");
        assert_eq!(at(text, f.image_range), "quay.io/jupyterhub/k8s-hub");
        assert_eq!(f.tag.as_deref(), Some("4.3.3"));
        assert_eq!(at(text, f.tag_edit_range.unwrap()), "4.3.3");
        assert!(f.digest.as_deref().unwrap().starts_with("sha256:0123"));
        assert_eq!(f.platform.as_deref(), Some("linux/amd64"));
        assert_eq!(f.stage_name.as_deref(), Some("base"));
        assert_eq!(at(text, f.stage_name_range.unwrap()), "base");
        assert_eq!(at(text, f.range), text.trim_end());
        // A registry port is not a tag.
        let df = ok("FROM localhost:5000/org/img\n");
        assert_eq!(df.froms[0].image, "localhost:5000/org/img");
        assert_eq!(df.froms[0].tag, None);
    }

    #[test]
    fn instructions_are_case_insensitive_and_kept() {
        let text = "from python:3.12 as build\nrun echo hi\nCoPy a b\n";
        let df = ok(text);
        let kws: Vec<_> = df.instructions.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["FROM", "RUN", "COPY"]);
        assert_eq!(df.froms[0].stage_name.as_deref(), Some("build"));
        assert_eq!(df.instructions[1].args, "echo hi");
        assert_eq!(at(text, df.instructions[1].keyword_range), "run");
        assert_eq!(at(text, df.instructions[2].args_range), "a b");
        assert_eq!(df.instructions[2].stage, Some(0));
    }

    #[test]
    fn continuations_drop_comment_and_blank_lines() {
        let text = "FROM a:1\nRUN apt-get update \\\n    # a comment inside\n\n    && apt-get install -y \\\n      curl\nUSER 1000\n";
        let df = ok(text);
        let run = &df.instructions[1];
        assert_eq!(run.keyword, "RUN");
        assert_eq!(
            run.args,
            "apt-get update     && apt-get install -y       curl"
        );
        let i = run.args.find("curl").unwrap();
        assert_eq!(at(text, run.range_of(i, i + 4)), "curl");
        let i = run.args.find("&&").unwrap();
        assert_eq!(at(text, run.range_of(i, i + 2)), "&&");
        assert!(at(text, run.range).ends_with("curl"));
        assert_eq!(df.instructions[2].keyword, "USER");
        // An escaped escape character does not continue.
        let df = ok("FROM a:1\nRUN echo \\\\\nUSER x\n");
        assert_eq!(df.instructions.len(), 3);
    }

    #[test]
    fn parser_directives_and_escape() {
        let text = "# syntax=docker/dockerfile:1\n# escape=`\nFROM a:1\nRUN echo one `\n    two\nRUN dir c:\\\n";
        let df = ok(text);
        assert_eq!(df.escape, '`');
        assert_eq!(df.directives.len(), 2);
        assert_eq!(df.directives[0].value, "docker/dockerfile:1");
        assert_eq!(df.instructions[1].args, "echo one     two");
        assert_eq!(df.instructions[2].args, "dir c:\\");
        // After the first instruction or comment, it is only a comment.
        let df = ok("# hello\n# escape=`\nFROM a:1\nRUN x `\n");
        assert_eq!(df.escape, '\\');
        assert!(df.directives.is_empty());
        assert!(first_error("# escape=x\nFROM a:1\n")
            .message
            .contains("escape"));
        assert!(first_error("# syntax=a\n# syntax=b\nFROM a:1\n")
            .message
            .contains("only one"));
    }

    #[test]
    fn heredocs() {
        let text = "FROM a:1\nRUN <<EOF\necho hi\nFROM not-an-instruction\nEOF\nCOPY <<-\"CONF\" /etc/x.conf\n\tkey=value\n\tCONF\nUSER 1\n";
        let df = ok(text);
        let kws: Vec<_> = df.instructions.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["FROM", "RUN", "COPY", "USER"]);
        let run = &df.instructions[1];
        assert_eq!(run.heredocs[0].name, "EOF");
        assert_eq!(run.heredocs[0].body, "echo hi\nFROM not-an-instruction\n");
        assert_eq!(at(text, run.heredocs[0].body_range), run.heredocs[0].body);
        assert!(at(text, run.range).ends_with("EOF"));
        let copy = &df.instructions[2];
        assert!(copy.heredocs[0].strip_tabs);
        assert!(!copy.heredocs[0].expand);
        assert_eq!(copy.heredocs[0].body, "\tkey=value\n");
        // Two heredocs on one line, read in order.
        let df = ok("FROM a:1\nRUN <<A cat - <<B\na\nA\nb\nB\n");
        assert_eq!(df.instructions[1].heredocs.len(), 2);
        assert_eq!(df.instructions[1].heredocs[1].body, "b\n");
        // Here-strings and quoted markers are not heredocs.
        let df = ok("FROM a:1\nRUN cat <<<word\nRUN echo \"<<EOF\"\n");
        assert!(df.instructions.iter().all(|i| i.heredocs.is_empty()));
        assert!(first_error("FROM a:1\nRUN <<EOF\nno end\n")
            .message
            .contains("unterminated"));
    }

    #[test]
    fn args_are_substituted_into_from() {
        let text = "ARG REGISTRY=quay.io\nARG TAG=\"4.3.3\"\nARG BASE=${REGISTRY}/jupyterhub/k8s-hub\nFROM ${BASE}:${TAG}\nFROM $BASE:$TAG AS second\nARG IN_STAGE=x\n";
        let df = ok(text);
        let f = &df.froms[0];
        assert_eq!(f.image, "quay.io/jupyterhub/k8s-hub");
        assert_eq!(f.tag.as_deref(), Some("4.3.3"));
        // The tag is edited in the ARG's default, inside its quotes.
        let r = f.tag_edit_range.unwrap();
        assert_eq!(at(text, r), "4.3.3");
        assert!(r.start < text.find("ARG BASE").unwrap());
        assert!(f.unresolved_args.is_empty());
        assert_eq!(df.froms[1].tag.as_deref(), Some("4.3.3"));
        assert_eq!(
            df.global_arg("TAG").unwrap().default.as_ref().unwrap().0,
            "4.3.3"
        );
        assert_eq!(at(text, df.global_arg("TAG").unwrap().name_range), "TAG");
        assert_eq!(df.args.last().unwrap().stage, Some(1));
        // A whole reference from one ARG.
        let text = "ARG BASE_IMAGE=jupyterhub/k8s-hub:4.0.0\nFROM $BASE_IMAGE\n";
        let f = &ok(text).froms[0];
        assert_eq!(f.image, "jupyterhub/k8s-hub");
        assert_eq!(at(text, f.tag_edit_range.unwrap()), "4.0.0");
        assert_eq!(at(text, f.image_range), "jupyterhub/k8s-hub");
    }

    #[test]
    fn defaults_and_unresolved_args() {
        let text = "ARG TAG\nARG OTHER\nFROM img:${TAG:-1.2.3}\nFROM img:${OTHER}\nFROM ${NEVER_DECLARED}\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let f = &df.froms[0];
        assert_eq!(f.tag.as_deref(), Some("1.2.3"));
        assert_eq!(at(text, f.tag_edit_range.unwrap()), "1.2.3");
        assert!(f.unresolved_args.is_empty());
        let f = &df.froms[1];
        assert_eq!(f.unresolved_args.len(), 1);
        assert_eq!(f.unresolved_args[0].0, "OTHER");
        assert_eq!(at(text, f.unresolved_args[0].1), "${OTHER}");
        assert_eq!(df.froms[2].unresolved_args[0].0, "NEVER_DECLARED");
        // ARGs declared inside a stage are not visible to later FROMs.
        let df = parse("FROM a:1\nARG V=2\nFROM b:$V\n");
        assert_eq!(df.froms[1].unresolved_args.len(), 1);
        // `:+`, automatic platform ARGs, escapes.
        let df = ok(
            "ARG V=1\nFROM --platform=$BUILDPLATFORM img:${V:+yes} AS x\nFROM img-$TARGETARCH:1\n",
        );
        assert_eq!(df.froms[0].tag.as_deref(), Some("yes"));
        assert!(df.froms[1].unresolved_args.is_empty());
    }

    #[test]
    fn stage_references_and_scratch() {
        let df = ok("FROM python:3.12 AS Build\nFROM build\nFROM scratch\n");
        assert_eq!(df.froms[0].stage_name.as_deref(), Some("build"));
        assert_eq!(df.froms[1].stage_ref, Some(0));
        assert!(df.froms[2].is_scratch());
        assert!(!df.froms[1].is_scratch());
        assert_eq!(df.final_from().unwrap().image, "scratch");
    }

    #[test]
    fn syntax_errors() {
        for (text, needle) in [
            ("FROM a:1\nRUNN echo\n", "did you mean `RUN`"),
            ("RUN echo\nFROM a:1\n", "before the first `FROM`"),
            ("FROM a:1 AS\n", "optionally `AS name`"),
            ("FROM a:1 AS 1bad\n", "invalid stage name"),
            ("FROM a:1 AS x\nFROM b:1 AS X\n", "duplicate stage name"),
            ("FROM --bogus=1 a:1\n", "unknown flag"),
            ("FROM --platform a:1\n", "needs a value"),
            ("FROM\n", "needs at least one argument"),
            ("FROM a:1\nCOPY onlyone\n", "source and a destination"),
            ("FROM Ubuntu:22.04\n", "lower case"),
            ("FROM img:bad+tag\n", "invalid image tag"),
            ("FROM img@sha256:zz\n", "invalid image digest"),
            ("ARG X=1\n", "no `FROM`"),
            ("", "no instructions"),
            ("# only a comment\n", "no instructions"),
            ("FROM a:1\nARG =x\n", "needs a name"),
        ] {
            let e = first_error(text);
            assert!(e.message.contains(needle), "{text:?}: {}", e.message);
            assert!(e.range.end <= text.len());
        }
        let e = first_error("FROM a:1\nRUNN echo\n");
        assert_eq!(e.range, TextRange::new(9, 13));
    }

    #[test]
    fn bom_and_crlf() {
        let text = "\u{feff}FROM a:1\r\nRUN x \\\r\n  y\r\n";
        let df = ok(text);
        assert_eq!(at(text, df.froms[0].tag_edit_range.unwrap()), "1");
        assert_eq!(df.instructions[1].args, "x   y");
    }

    #[test]
    fn never_panics_on_odd_input() {
        let long = format!("FROM a:1\nRUN {}\n", "x".repeat(10 * 1024 * 1024));
        assert_eq!(parse(&long).instructions.len(), 2);
        let nested = format!("ARG A=1\nFROM img:{}\n", "${A:-".repeat(10_000));
        let _ = parse(&nested);
        for s in [
            "FROM",
            "FROM \\",
            "\\",
            "FROM a:1\nRUN <<",
            "FROM a:1\nRUN <<-\n",
            "FROM ${",
            "FROM $",
            "FROM ${A",
            "FROM ${A:-",
            "FROM \"a",
            "FROM 'a",
            "FROM a\\",
            "FROM é:é",
            "FROM a:1\\é",
            "ARG A=\"",
            "ARG é=é\nFROM $é",
            "FROM a AS é",
            "# escape=`\nFROM a`é",
            "FROM a@",
            "FROM :",
            "FROM a:1\nONBUILD RUN <<EOF\nx\nEOF\n",
            "\u{feff}",
            "\r\n\r\n",
            "FROM a:1\nCOPY [\"a\", \"b\"]",
        ] {
            let df = parse(s);
            for e in &df.errors {
                assert!(e.range.end <= s.len(), "{s:?}: {e:?}");
            }
            for f in &df.froms {
                for r in [Some(f.range), Some(f.image_range), f.tag_edit_range]
                    .into_iter()
                    .flatten()
                {
                    assert!(
                        r.end <= s.len()
                            && s.is_char_boundary(r.start)
                            && s.is_char_boundary(r.end),
                        "{s:?}: {r:?}"
                    );
                }
            }
        }
    }
}
