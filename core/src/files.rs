//! What a file is, decided once for every front end: by its path ([`FileKind::of`]) and, for
//! the files no rule should read as data, by its content ([`not_data`]): chart templates,
//! Jinja and cookiecutter templates, and encrypted files.

/// The kind of a file, by its path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `Chart.yaml`.
    Chart,
    /// `requirements.yaml` (a Helm 2, apiVersion v1 chart's dependencies).
    ChartRequirements,
    Chartpress,
    /// 2i2c's `cluster.yaml`.
    Cluster,
    /// `.hublint.yaml`.
    HublintConfig,
    Dockerfile,
    /// `requirements*.txt` / `*.in` (pip).
    Requirements,
    /// Any other YAML: values, helmfile/helmsman, Flux/Argo manifests, CI workflows.
    Yaml,
    /// Shell and Python scripts and Makefiles, read for the `helm upgrade` lines they run.
    Script,
    /// Anything else hublint reads (`.jsonnet`, `.json`, other `.txt`).
    Other,
}

/// The name of hublint's configuration file, `.hublint.yaml`.
pub const CONFIG_FILE: &str = ".hublint.yaml";

impl FileKind {
    pub fn of(path: &str) -> FileKind {
        let name = file_name(path);
        match name {
            "Chart.yaml" => return FileKind::Chart,
            "requirements.yaml" => return FileKind::ChartRequirements,
            "chartpress.yaml" => return FileKind::Chartpress,
            "cluster.yaml" => return FileKind::Cluster,
            CONFIG_FILE => return FileKind::HublintConfig,
            _ => {}
        }
        if is_dockerfile_name(name) {
            FileKind::Dockerfile
        } else if is_requirements_name(name) {
            FileKind::Requirements
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            FileKind::Yaml
        } else if is_script_name(name) || is_extensionless_tool(path, name) {
            FileKind::Script
        } else {
            FileKind::Other
        }
    }

    /// Whether a front end should load a file of this name at all.
    pub fn is_read(path: &str) -> bool {
        let name = file_name(path);
        FileKind::of(path) != FileKind::Other
            || name.ends_with(".txt")
            || name.ends_with(".jsonnet")
            || name.ends_with(".json")
    }

    pub fn is_yaml(self) -> bool {
        matches!(
            self,
            FileKind::Chart
                | FileKind::ChartRequirements
                | FileKind::Chartpress
                | FileKind::Cluster
                | FileKind::HublintConfig
                | FileKind::Yaml
        )
    }
}

/// Where `needle` first occurs in `haystack`: memchr's vector search for its first byte, then
/// a comparison (an empty needle is found nowhere). Whole files are searched for words (`helm`, `ENC[`); `str::find` compares
/// byte by byte, and memchr's own substring search costs the wasm module kilobytes.
pub fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    let mut from = 0;
    while let Some(found) = memchr::memchr(first, &haystack[from..]) {
        let at = from + found;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The last segment of a `/`-separated path (a plain byte search: this runs for every file,
/// several times).
fn file_name(path: &str) -> &str {
    path.as_bytes()
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(path, |slash| &path[slash + 1..])
}

pub fn is_dockerfile_name(name: &str) -> bool {
    name == "Dockerfile"
        || name.starts_with("Dockerfile.")
        || name.starts_with("Dockerfile-")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
}

/// pip requirements files by name: `requirements.txt`, `dev-requirements.txt`,
/// `requirements.k8s-hub.txt`, `requirements.in`.
pub fn is_requirements_name(name: &str) -> bool {
    let base = file_name(name);
    (base.ends_with(".txt") || base.ends_with(".in")) && base.contains("requirements")
}

fn is_script_name(name: &str) -> bool {
    name.ends_with(".sh")
        || name.ends_with(".py")
        || name.ends_with(".tf")
        || name.ends_with(".bash")
        || name.ends_with(".mk")
        || matches!(
            name,
            "Makefile" | "makefile" | "GNUmakefile" | "Justfile" | "justfile"
        )
}

/// A deploy script without an extension, in a folder of tools (`tools/deploy-jupyterhub`,
/// `scripts/deploy`).
fn is_extensionless_tool(path: &str, name: &str) -> bool {
    let dir = path[..path.len() - name.len()].trim_end_matches('/');
    let dir_name = dir.rsplit('/').next().unwrap_or(dir);
    !name.contains('.')
        && matches!(
            dir_name,
            "tools" | "scripts" | "bin" | "ci" | ".ci" | "hack" | "deploy"
        )
}

/// Why a file is not read as data by any rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NotData {
    /// A file under a Helm chart's `templates/`, or holding Go template actions (`{{- … }}`).
    HelmTemplate,
    /// A Jinja or cookiecutter template (`{% … %}`, `{{ cookiecutter.… }}`, a `{{…}}` folder).
    JinjaTemplate,
    /// git-crypt ciphertext (starts with `\0GITCRYPT\0`).
    GitCrypt,
    /// A sops-encrypted file (a top-level `sops:` block with `ENC[…]` values).
    Sops,
}

impl NotData {
    pub fn describe(self) -> &'static str {
        match self {
            NotData::HelmTemplate => "helm template",
            NotData::JinjaTemplate => "jinja/cookiecutter template",
            NotData::GitCrypt => "git-crypt encrypted",
            NotData::Sops => "sops encrypted",
        }
    }

    pub fn is_encrypted(self) -> bool {
        matches!(self, NotData::GitCrypt | NotData::Sops)
    }
}

/// The header git-crypt writes before the ciphertext.
pub const GIT_CRYPT_HEADER: &[u8] = b"\0GITCRYPT\0";

/// Why a readable file is not data, from its path and text: under a chart's `templates/`
/// (`chart_dirs` are the directories holding a `Chart.yaml`), in a cookiecutter folder, or
/// holding template syntax outside quotes, comments and block scalars. sops files are
/// recognised by the YAML reader's caller (a top-level `sops:` key), not here.
pub fn not_data(path: &str, text: &str, chart_dirs: &[&str]) -> Option<NotData> {
    if let Some(name_start) = path.rfind('/') {
        let dirs = &path[..name_start];
        if dirs
            .split('/')
            .any(|s| s.contains("{{") && s.contains("}}"))
        {
            return Some(NotData::JinjaTemplate);
        }
        // Where the segment starts: the directory above it is the path before its `/`.
        let mut start = 0usize;
        for s in dirs.split('/') {
            if s == "templates" && chart_dirs.contains(&&path[..start.saturating_sub(1)]) {
                return Some(NotData::HelmTemplate);
            }
            start += s.len() + 1;
        }
    }
    if !FileKind::of(path).is_yaml() {
        return None;
    }
    template_syntax(text)
}

/// Template actions where YAML data would be: `{{`/`{%` outside quoted scalars, comments and
/// block scalars (a ConfigMap may carry a Jinja page in a `|` block and is still YAML).
pub fn template_syntax(text: &str) -> Option<NotData> {
    let bytes = text.as_bytes();
    if !memchr::memchr_iter(b'{', bytes).any(|i| matches!(bytes.get(i + 1), Some(b'{' | b'%'))) {
        return None;
    }
    let mut block_indent: Option<usize> = None;
    // A quoted scalar may go on over several lines.
    let mut quote: Option<char> = None;
    // The line with its quotes blanked, reused from line to line.
    let mut blanked = String::new();
    // The first `{` at or after the line being read: most lines have none, and need no search
    // for an action.
    let mut next_brace = memchr::memchr(b'{', bytes);
    for (start, line) in lines(text) {
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let content = trim_after_indent(line, indent);
        if quote.is_some() {
            strip_comment_and_quotes(content, &mut quote, &mut blanked);
            continue;
        }
        if let Some(b) = block_indent {
            if content.is_empty() || indent > b {
                continue;
            }
            block_indent = None;
        }
        let data = strip_comment_and_quotes(content, &mut quote, &mut blanked);
        if next_brace.is_some_and(|b| b < start) {
            next_brace = memchr::memchr(b'{', &bytes[start..]).map(|b| start + b);
        }
        let has_brace = next_brace.is_some_and(|b| b < start + line.len());
        // An action opens and closes on its line; a run of braces alone is broken YAML.
        // `${{ … }}` is a GitHub Actions expression inside a plain scalar: data.
        let action = has_brace
            .then(|| action_start(data, b'%', b"%}").or_else(|| action_start(data, b'{', b"}}")))
            .flatten();
        if let Some(i) = action {
            return Some(template_flavour(&data[i..]));
        }
        if opens_block_scalar(data) {
            block_indent = Some(indent);
        }
    }
    None
}

/// The lines of `text` as `str::lines` gives them (`\n` or `\r\n` ends a line; a lone `\r`
/// stays in it), each with its offset, found by memchr's vector search: template_syntax
/// reads every line of every YAML file that has a `{{` anywhere.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        let rest = &text[start..];
        if rest.is_empty() {
            return None;
        }
        let line_start = start;
        let line = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => {
                start += i + 1;
                let line = &rest[..i];
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => {
                start = text.len();
                rest
            }
        };
        Some((line_start, line))
    })
}

/// `line.trim()` for a line whose first `indent` bytes are spaces, without decoding
/// characters when the text after them starts and ends with a visible ASCII character.
fn trim_after_indent(line: &str, indent: usize) -> &str {
    let rest = &line[indent..];
    let visible = |b: &u8| (0x21..0x7f).contains(b);
    match (rest.as_bytes().first(), rest.as_bytes().last()) {
        (Some(first), Some(last)) if visible(first) && visible(last) => rest,
        _ => line.trim(),
    }
}

/// Where the first template action opened by `{` then `second` starts in `data` (not after
/// a `$`), when `close` follows it on the line. Openings are matched left to right without
/// overlap, as `str::match_indices` does (`${{{` holds one `{{`, refused for its `$`).
fn action_start(data: &str, second: u8, close: &[u8; 2]) -> Option<usize> {
    let bytes = data.as_bytes();
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'{', &bytes[from..]) {
        let i = from + found;
        if bytes.get(i + 1) != Some(&second) {
            from = i + 1;
        } else if i > 0 && bytes[i - 1] == b'$' {
            from = i + 2;
        } else {
            let after = &bytes[i + 2..];
            return after.windows(2).any(|w| w == close).then_some(i);
        }
    }
    None
}

/// Whether a line (comment cut, quotes blanked) ends with a block scalar indicator (`|`,
/// `>-`, `|2+`) as its last word.
fn opens_block_scalar(data: &str) -> bool {
    let trimmed = data.trim_end().as_bytes();
    let word_start = trimmed
        .iter()
        .rposition(|&b| matches!(b, b' ' | b':'))
        .map_or(0, |i| i + 1);
    let word = &trimmed[word_start..];
    matches!(word.first(), Some(b'|' | b'>'))
        && word[1..]
            .iter()
            .all(|b| matches!(b, b'-' | b'+' | b'0'..=b'9'))
}

/// Go templates (helm, helmfile) start actions with `{{-`, a `.`/`$` value or a keyword;
/// anything else in braces (`{{ config.x }}`, `{% … %}`) is Jinja or cookiecutter.
fn template_flavour(action: &str) -> NotData {
    if action.starts_with("{%") || action.contains("cookiecutter") {
        return NotData::JinjaTemplate;
    }
    let inner = action.trim_start_matches("{{").trim_start();
    let go = action.starts_with("{{-")
        || inner.starts_with(['.', '$'])
        || [
            "if ",
            "else",
            "end",
            "range ",
            "with ",
            "include ",
            "template ",
            "toYaml",
            "define ",
            "tpl ",
            "required ",
            "default ",
            "requiredEnv",
            "env ",
            "readFile",
            "exec ",
        ]
        .iter()
        .any(|k| inner.starts_with(k));
    if go {
        NotData::HelmTemplate
    } else {
        NotData::JinjaTemplate
    }
}

/// A line with its comment cut and its quoted scalars blanked, so `{{` inside `"…"` or
/// after `#` does not count; written into `out` when anything changes.
fn strip_comment_and_quotes<'a>(
    line: &'a str,
    quote: &mut Option<char>,
    out: &'a mut String,
) -> &'a str {
    // Most lines have nothing to cut or blank.
    if quote.is_none() && !line.bytes().any(|b| matches!(b, b'"' | b'\'' | b'#')) {
        return line;
    }
    out.clear();
    let mut prev = ' ';
    let mut escaped = false;
    for c in line.chars() {
        match *quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    *quote = None;
                }
                out.push(' ');
            }
            None => {
                if c == '#' && prev.is_whitespace() {
                    break;
                }
                if (c == '"' || c == '\'')
                    && (prev.is_whitespace() || matches!(prev, ':' | '-' | '[' | '{' | ','))
                {
                    *quote = Some(c);
                    out.push(' ');
                } else {
                    out.push(c);
                }
            }
        }
        prev = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_path() {
        assert_eq!(FileKind::of("a/Chart.yaml"), FileKind::Chart);
        assert_eq!(
            FileKind::of("hub/requirements.yaml"),
            FileKind::ChartRequirements
        );
        assert_eq!(FileKind::of("images/hub/Dockerfile"), FileKind::Dockerfile);
        assert_eq!(
            FileKind::of("dockerfiles/Dockerfile.k8s-hub"),
            FileKind::Dockerfile
        );
        assert_eq!(FileKind::of("x/hub.Dockerfile"), FileKind::Dockerfile);
        assert_eq!(
            FileKind::of("requirements.k8s-hub.txt"),
            FileKind::Requirements
        );
        assert_eq!(
            FileKind::of("images/x/requirements.in"),
            FileKind::Requirements
        );
        assert_eq!(FileKind::of(".github/workflows/deploy.yml"), FileKind::Yaml);
        assert_eq!(FileKind::of("tools/deploy.sh"), FileKind::Script);
        assert_eq!(FileKind::of("Makefile"), FileKind::Script);
        assert_eq!(FileKind::of("deploy.py"), FileKind::Script);
        assert_eq!(FileKind::of("tools/deploy-jupyterhub"), FileKind::Script);
        assert_eq!(FileKind::of("LICENSE"), FileKind::Other);
        assert_eq!(FileKind::of("notes.txt"), FileKind::Other);
        assert!(FileKind::is_read("notes.txt"));
        assert!(!FileKind::is_read("picture.png"));
    }

    /// Edge cases for the line scanners: empty text, CR/LF mixes, non-ASCII, control characters.
    const SCANNED: &[&str] = &[
        "",
        "\n",
        "\r\n",
        "\r",
        "a",
        "a\n",
        "a\r\nb\rc\n\nd",
        "a\r",
        "\n\n\r\r\n",
        "  é: ü\u{a0}\n\u{3000}x\u{3000}\n",
        "\t\u{b}x\u{c}\n \u{85}",
        "   \n    \r\n",
        "a: |-\n  {{ x }}\n",
    ];

    #[test]
    fn find_bytes_is_str_find() {
        let haystacks = [
            "",
            "h",
            "helm",
            "hhelm",
            "a helm b helm",
            "hel",
            "héhelm",
            "${{ x }}${{",
            "ENC[ENC",
        ];
        for haystack in haystacks {
            for needle in ["helm", "h", "${{", "}}", "ENC[", "é", "x"] {
                assert_eq!(
                    find_bytes(haystack.as_bytes(), needle.as_bytes()),
                    haystack.find(needle),
                    "{needle:?} in {haystack:?}"
                );
            }
        }
        assert_eq!(find_bytes(b"abc", b""), None);
    }

    #[test]
    fn comments_are_cut_and_quotes_blanked() {
        let strip = |line: &str, open: Option<char>| {
            let mut quote = open;
            let mut out = String::new();
            let stripped = strip_comment_and_quotes(line, &mut quote, &mut out).to_string();
            (stripped, quote)
        };
        assert_eq!(strip("", None), (String::new(), None));
        assert_eq!(strip("# {{ x }}", None), (String::new(), None));
        assert_eq!(strip("a: b # c", None), ("a: b ".into(), None));
        assert_eq!(strip("a: b#c # d", None), ("a: b#c ".into(), None));
        assert_eq!(strip("a: é\u{a0}# c", None), ("a: é\u{a0}".into(), None));
        assert_eq!(strip("a: é# c", None), ("a: é# c".into(), None));
        assert_eq!(strip("a: 'x # y' # z", None), ("a:         ".into(), None));
        assert_eq!(strip("a: \"x", None), ("a:   ".into(), Some('"')));
        assert_eq!(
            strip("x\\\" # y\" b # c", Some('"')),
            ("         b ".into(), None)
        );
    }

    #[test]
    fn lines_are_those_of_str_lines() {
        for text in SCANNED {
            assert_eq!(
                lines(text).map(|(_, line)| line).collect::<Vec<_>>(),
                text.lines().collect::<Vec<_>>(),
                "{text:?}"
            );
            for (start, line) in lines(text) {
                assert!(text[start..].starts_with(line), "{text:?} at {start}");
                assert!(
                    start == 0 || text.as_bytes()[start - 1] == b'\n',
                    "{text:?} at {start}"
                );
            }
        }
    }

    #[test]
    fn trim_after_indent_is_trim() {
        for text in SCANNED {
            for line in text
                .lines()
                .chain([*text, " \u{a0}x", "  x\u{2003}", "  x ", "  ~"])
            {
                let indent = line.len() - line.trim_start_matches(' ').len();
                assert_eq!(trim_after_indent(line, indent), line.trim(), "{line:?}");
            }
        }
    }

    #[test]
    fn action_start_matches_openings_left_to_right() {
        // The search it replaces: `str::match_indices`, first opening not after a `$`.
        let reference = |data: &str, open: &str, close: &str| {
            let i = data
                .match_indices(open)
                .map(|(i, _)| i)
                .find(|&i| i == 0 || data.as_bytes()[i - 1] != b'$')?;
            data[i + 2..].contains(close).then_some(i)
        };
        let lines = [
            "",
            "{",
            "{{",
            "{{}}",
            "${{{ x }}",
            "${{ a }} {{ b }}",
            "{{{{ x }}",
            "a {% b %}",
            "{%%}",
            "x: ${{ y }",
            "é{{ ü }}",
            "{{ x }",
            "}} {{",
            "{ {{x}} }",
            "$${{x}}",
        ];
        for data in lines {
            assert_eq!(
                action_start(data, b'{', b"}}"),
                reference(data, "{{", "}}"),
                "{data:?}"
            );
            assert_eq!(
                action_start(data, b'%', b"%}"),
                reference(data, "{%", "%}"),
                "{data:?}"
            );
        }
        assert_eq!(action_start("${{{ x }}", b'{', b"}}"), None);
        assert_eq!(action_start("${{ a }} {{ b }}", b'{', b"}}"), Some(9));
    }

    #[test]
    fn block_scalar_indicators_end_a_line() {
        // The test it replaces, on characters.
        let reference = |data: &str| {
            let trimmed = data.trim_end();
            let last_word = trimmed
                .rsplit_once([' ', ':'])
                .map_or(trimmed, |(_, last)| last);
            last_word.starts_with(['|', '>'])
                && last_word[1..]
                    .chars()
                    .all(|c| matches!(c, '-' | '+' | '0'..='9'))
        };
        for (data, opens) in [
            ("a: |", true),
            ("a: |2+", true),
            ("- >", true),
            ("|", true),
            ("a:|", true),
            ("a: | \u{3000}", true),
            ("a: |x", false),
            ("a: b|", false),
            ("a: |é", false),
            ("", false),
            // Chomping and indentation indicators are part of the header.
            ("a: |-", true),
            ("a: >-", true),
            ("- |+2", true),
            ("a: |-x", false),
        ] {
            assert_eq!(opens_block_scalar(data), opens, "{data:?}");
            assert_eq!(reference(data), opens, "{data:?}");
        }
    }

    #[test]
    fn actions_inside_any_block_scalar_are_text() {
        // A hub's extraConfig or a ConfigMap holding a Jinja page, with every chomping header.
        for header in ["|", "|-", "|+", ">-", "|2-"] {
            let text = format!("hub:\n  extraConfig: {header}\n    page = \"{{{{ user }}}}\"\n    {{% if x %}}\nother: 1\n");
            assert_eq!(template_syntax(&text), None, "{header}");
        }
        // After the block ends, an action is a template again.
        assert_eq!(
            template_syntax("a: |-\n  {{ x }}\nb: {{ .Values.y }}\n"),
            Some(NotData::HelmTemplate)
        );
    }

    #[test]
    fn templates_are_recognised_and_data_is_not() {
        let charts = ["hub"];
        assert_eq!(
            not_data("hub/templates/nfs-pvc.yaml", "kind: PVC\n", &charts),
            Some(NotData::HelmTemplate)
        );
        assert_eq!(not_data("other/templates/x.yaml", "a: 1\n", &charts), None);
        // A chart at the root, and templates in a subfolder of a nested chart's.
        assert_eq!(
            not_data("templates/x.yaml", "a: 1\n", &[""]),
            Some(NotData::HelmTemplate)
        );
        assert_eq!(
            not_data("a/b/templates/c/d.yaml", "a: 1\n", &["a/b"]),
            Some(NotData::HelmTemplate)
        );
        assert_eq!(not_data("a/b/templates/c/d.yaml", "a: 1\n", &["a"]), None);
        assert_eq!(not_data("templates", "a: 1\n", &[""]), None);
        assert_eq!(
            not_data(
                "deployments/{{cookiecutter.hub_name}}/config/common.yaml",
                "a: 1\n",
                &charts
            ),
            Some(NotData::JinjaTemplate)
        );
        assert_eq!(
            template_syntax("a:\n{{- if .Values.x }}\n  b: 1\n{{- end }}\n"),
            Some(NotData::HelmTemplate)
        );
        assert_eq!(
            template_syntax("project: {{ config.project }}\n"),
            Some(NotData::JinjaTemplate)
        );
        assert_eq!(
            template_syntax("{% for hub in hubs %}\n{{ hub }}: {}\n{% endfor %}\n"),
            Some(NotData::JinjaTemplate)
        );
        // Quoted, commented and block-scalar template text is data.
        assert_eq!(
            template_syntax("a: \"{{ x }}\"\nb: '{% y %}'\n# {{ z }}\n"),
            None
        );
        assert_eq!(
            template_syntax("env:\n  TOKEN: ${{ secrets.TOKEN }}\n"),
            None
        );
        // A double-quoted scalar over several lines, with escaped quotes, is one string.
        assert_eq!(
            template_syntax("a: \"x = f\\\"{y}\\\"\n  f\\\"{{ z }}\\\"\"\nb: 1\n"),
            None
        );
        // Braces on other lines than the action's, before and after it.
        assert_eq!(
            template_syntax("a: {b: 1}\nc: d\r\n  e: {{ x }}\nf: {}\n"),
            Some(NotData::JinjaTemplate)
        );
        assert_eq!(template_syntax("a: {b: 1}\n# {{ x }}\nc: {d: 2}\n"), None);
        // Unclosed braces are broken YAML (Y001), not a template.
        assert_eq!(template_syntax("a: {{{{{{x: 1\n"), None);
        assert_eq!(
            template_syntax("data:\n  page.html: |\n    {% extends \"page.html\" %}\n    {{ super() }}\nnext: 1\n"),
            None
        );
        assert_eq!(
            template_syntax("data:\n  page.html: |-\n    {{ x }}\nnext: {{ y }}\n"),
            Some(NotData::JinjaTemplate)
        );
    }
}
