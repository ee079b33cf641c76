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
        let name = path.rsplit('/').next().unwrap_or(path);
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
        let name = path.rsplit('/').next().unwrap_or(path);
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
    let base = name.rsplit('/').next().unwrap_or(name);
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
    let segments: Vec<&str> = path.split('/').collect();
    if segments[..segments.len() - 1]
        .iter()
        .any(|s| s.contains("{{") && s.contains("}}"))
    {
        return Some(NotData::JinjaTemplate);
    }
    for (i, s) in segments.iter().enumerate().take(segments.len() - 1) {
        if *s == "templates" && chart_dirs.contains(&segments[..i].join("/").as_str()) {
            return Some(NotData::HelmTemplate);
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
    if !text.contains("{{") && !text.contains("{%") {
        return None;
    }
    let mut block_indent: Option<usize> = None;
    // A quoted scalar may go on over several lines.
    let mut quote: Option<char> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim();
        if quote.is_some() {
            strip_comment_and_quotes(content, &mut quote);
            continue;
        }
        if let Some(b) = block_indent {
            if content.is_empty() || indent > b {
                continue;
            }
            block_indent = None;
        }
        let data = strip_comment_and_quotes(content, &mut quote);
        // An action opens and closes on its line; a run of braces alone is broken YAML.
        // `${{ … }}` is a GitHub Actions expression inside a plain scalar: data.
        let action = [("{%", "%}"), ("{{", "}}")]
            .iter()
            .find_map(|(open, close)| {
                let i = data
                    .match_indices(open)
                    .map(|(i, _)| i)
                    .find(|&i| i == 0 || data.as_bytes()[i - 1] != b'$')?;
                data[i + 2..].contains(close).then_some(i)
            });
        if let Some(i) = action {
            return Some(template_flavour(&data[i..]));
        }
        let trimmed = data.trim_end();
        let last_word = trimmed
            .rsplit_once([' ', ':', '-'])
            .map_or(trimmed, |(_, last)| last);
        let opens_block = last_word.starts_with(['|', '>'])
            && last_word[1..]
                .chars()
                .all(|c| matches!(c, '-' | '+' | '0'..='9'));
        if opens_block {
            block_indent = Some(indent);
        }
    }
    None
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
/// after `#` does not count.
fn strip_comment_and_quotes<'a>(
    line: &'a str,
    quote: &mut Option<char>,
) -> std::borrow::Cow<'a, str> {
    // Most lines have nothing to cut or blank.
    if quote.is_none() && !line.contains(['"', '\'', '#']) {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
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
    std::borrow::Cow::Owned(out)
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

    #[test]
    fn templates_are_recognised_and_data_is_not() {
        let charts = ["hub"];
        assert_eq!(
            not_data("hub/templates/nfs-pvc.yaml", "kind: PVC\n", &charts),
            Some(NotData::HelmTemplate)
        );
        assert_eq!(not_data("other/templates/x.yaml", "a: 1\n", &charts), None);
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
