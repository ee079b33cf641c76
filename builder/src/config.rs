//! The chartpress.yaml settings the builder needs beyond core's [`RepoModel`] images:
//! `baseVersion`, `chartPath`, chart `paths`, `rebuildOnContextPathChanges`,
//! `extraBuildCommandOptions` and `skipPlatforms`. Read from the tree core already parsed,
//! walking entries in the same order (and with the same skips) as the model, so entry `i`
//! here is image `i` there.

use hublint_core::config::strings;
use hublint_core::model::{Image, RepoModel};
use hublint_core::workspace::{join, parent, Workspace};
use hublint_core::yaml::{helm, Node, ScalarStyle};

#[derive(Debug, Clone, PartialEq)]
pub struct ChartSettings {
    pub name: String,
    /// Repository-relative directory of the chart (`chartPath`, default the name).
    pub chart_dir: String,
    pub base_version: Option<String>,
    /// Repository-relative `paths:` of the chart entry.
    pub paths: Vec<String>,
    pub images: Vec<ImageSettings>,
    /// What `--reset` sets image tags to (`resetTag`, default `set-by-chartpress`).
    pub reset_tag: String,
    /// What `--reset` sets the chart version to (`resetVersion`, default
    /// `0.0.1-set.by.chartpress`).
    pub reset_version: String,
    /// The quoting `resetTag` / `resetVersion` have in chartpress.yaml when quoted there:
    /// chartpress writes them so.
    pub reset_tag_quoted: Option<ScalarStyle>,
    pub reset_version_quoted: Option<ScalarStyle>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImageSettings {
    pub key: String,
    /// Index into [`RepoModel::images`].
    pub model_index: usize,
    pub rebuild_on_context_path_changes: bool,
    pub extra_build_command_options: Vec<String>,
    pub skip_platforms: Vec<String>,
}

/// chartpress reads these with Python truthiness: absent means true; `false`, null, 0 and
/// "" mean false.
fn truthy(node: Option<&Node>) -> bool {
    let Some(node) = node else { return true };
    let Some(s) = node.as_scalar() else {
        return node.as_mapping().is_some_and(|m| !m.is_empty())
            || node.as_sequence().is_some_and(|s| !s.is_empty());
    };
    if s.style != ScalarStyle::Plain {
        return !s.text.is_empty();
    }
    !matches!(
        helm::resolve_yaml12(&s.text),
        helm::Resolved::Null | helm::Resolved::Bool(false) | helm::Resolved::Int(0)
    ) && !s.text.is_empty()
}

/// A scalar setting as chartpress's `chart.get(KEY, default)` sees it: present means used,
/// even when empty.
fn scalar_text(node: Option<&Node>) -> Option<String> {
    node.and_then(Node::as_scalar).map(|s| s.text.to_string())
}

/// The style of a quoted scalar (ruamel keeps it on the value it loads); None when plain.
fn quoting(node: Option<&Node>) -> Option<ScalarStyle> {
    node.and_then(Node::as_scalar)
        .map(|s| s.style)
        .filter(|s| matches!(s, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted))
}

/// A repository-relative path as git should see it (`.` for the top).
pub fn git_path(dir: &str, rel: &str) -> String {
    let p = join(dir, rel);
    if p.is_empty() {
        ".".to_string()
    } else {
        p
    }
}

/// The settings of every chart entry of `config_file`.
pub fn read(ws: &Workspace, model: &RepoModel, config_file: &str) -> Vec<ChartSettings> {
    let Some(root) = ws.get(config_file).and_then(|f| f.yaml_root()) else {
        return Vec::new();
    };
    let dir = parent(config_file);
    let mut model_images = model
        .images
        .iter()
        .enumerate()
        .filter(|(_, i)| i.config_file == config_file);
    let mut out = Vec::new();
    for chart in root
        .get("charts")
        .and_then(Node::as_sequence)
        .unwrap_or_default()
    {
        // Same skips as the model: entries without a string name are not charts.
        let Some(name) = chart.get("name").and_then(Node::as_str) else {
            continue;
        };
        let chart_path = chart
            .get("chartPath")
            .and_then(Node::as_str)
            .filter(|p| !p.is_empty())
            .unwrap_or(name);
        let mut settings = ChartSettings {
            name: name.to_string(),
            chart_dir: join(dir, chart_path),
            base_version: chart
                .get("baseVersion")
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            paths: strings(chart.get("paths"))
                .iter()
                .map(|p| git_path(dir, p))
                .collect(),
            images: Vec::new(),
            reset_tag: scalar_text(chart.get("resetTag"))
                .unwrap_or_else(|| "set-by-chartpress".into()),
            reset_version: scalar_text(chart.get("resetVersion"))
                .unwrap_or_else(|| "0.0.1-set.by.chartpress".into()),
            reset_tag_quoted: quoting(chart.get("resetTag")),
            reset_version_quoted: quoting(chart.get("resetVersion")),
        };
        for entry in chart
            .get("images")
            .and_then(Node::as_mapping)
            .unwrap_or_default()
        {
            let Some(key) = entry.key.as_str() else {
                continue;
            };
            let Some((index, image)) = model_images.next() else {
                break;
            };
            debug_assert_eq!(image.key.value, key);
            if image.key.value != key {
                // The model and this walk disagree: stop rather than mismatch settings.
                break;
            }
            let img = &entry.value;
            settings.images.push(ImageSettings {
                key: key.to_string(),
                model_index: index,
                rebuild_on_context_path_changes: truthy(img.get("rebuildOnContextPathChanges")),
                extra_build_command_options: strings(img.get("extraBuildCommandOptions")),
                skip_platforms: strings(img.get("skipPlatforms")),
            });
        }
        out.push(settings);
    }
    out
}

/// The paths whose last commit decides an image's tag (chartpress's `_get_all_image_paths`):
/// the config file, the context (unless `rebuildOnContextPathChanges: false`), the
/// Dockerfile and `paths:`.
pub fn image_paths(image: &Image, settings: &ImageSettings) -> Vec<String> {
    let dir = parent(&image.config_file);
    let mut paths = vec![image.config_file.clone()];
    if settings.rebuild_on_context_path_changes {
        paths.push(or_dot(&image.context_path.value));
    }
    paths.push(or_dot(&image.dockerfile_path.value));
    paths.extend(image.paths.iter().map(|p| git_path(dir, &p.value)));
    dedup(paths)
}

/// The paths whose last commit decides the chart version: the config file, the chart
/// directory, the chart's `paths:` and every image's paths.
pub fn chart_paths(chart: &ChartSettings, model: &RepoModel, config_file: &str) -> Vec<String> {
    let mut paths = vec![config_file.to_string(), or_dot(&chart.chart_dir)];
    paths.extend(chart.paths.iter().cloned());
    for s in &chart.images {
        paths.extend(image_paths(&model.images[s.model_index], s));
    }
    dedup(paths)
}

fn or_dot(p: &str) -> String {
    if p.is_empty() {
        ".".into()
    } else {
        p.to_string()
    }
}

fn dedup(paths: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(paths.len());
    for p in paths {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hublint_core::Config;

    #[test]
    fn reads_settings_aligned_with_the_model() {
        let mut ws = Workspace::new();
        ws.insert_text(
            "charts/chartpress.yaml",
            r#"
charts:
  - chartPath: nameless-is-skipped
    images: {ghost: {}}
  - name: basehub
    baseVersion: "1.2.0-0.dev"
    paths: [extra, ./more/]
    images:
      hub:
        valuesPath: jupyterhub.hub.image
        paths: [requirements]
      slim:
        contextPath: images/hub
        rebuildOnContextPathChanges: false
        extraBuildCommandOptions: [--target=slim]
        skipPlatforms: [linux/arm64]
  - name: other
    chartPath: deploy/other
    images:
      tool: {}
"#,
        );
        let model = RepoModel::build(&ws, &Config::default());
        let charts = read(&ws, &model, "charts/chartpress.yaml");
        assert_eq!(charts.len(), 2);
        let basehub = &charts[0];
        assert_eq!(basehub.chart_dir, "charts/basehub");
        assert_eq!(basehub.base_version.as_deref(), Some("1.2.0-0.dev"));
        assert_eq!(basehub.paths, ["charts/extra", "charts/more"]);
        assert_eq!(charts[1].chart_dir, "charts/deploy/other");
        let slim = &basehub.images[1];
        assert_eq!(model.images[slim.model_index].key.value, "slim");
        assert!(!slim.rebuild_on_context_path_changes);
        assert_eq!(slim.extra_build_command_options, ["--target=slim"]);
        assert_eq!(slim.skip_platforms, ["linux/arm64"]);
        let hub = &basehub.images[0];
        assert_eq!(
            image_paths(&model.images[hub.model_index], hub),
            [
                "charts/chartpress.yaml",
                "charts/images/hub",
                "charts/images/hub/Dockerfile",
                "charts/requirements"
            ]
        );
        assert_eq!(
            image_paths(&model.images[slim.model_index], slim),
            ["charts/chartpress.yaml", "charts/images/hub/Dockerfile"]
        );
        let cp = chart_paths(basehub, &model, "charts/chartpress.yaml");
        assert_eq!(
            cp,
            [
                "charts/chartpress.yaml",
                "charts/basehub",
                "charts/extra",
                "charts/more",
                "charts/images/hub",
                "charts/images/hub/Dockerfile",
                "charts/requirements"
            ]
        );
    }

    #[test]
    fn python_truthiness() {
        let parse = |t: &str| hublint_core::yaml::parse(t).docs[0].get("k").cloned();
        assert!(truthy(None));
        assert!(truthy(parse("k: true\n").as_ref()));
        assert!(!truthy(parse("k: false\n").as_ref()));
        assert!(!truthy(parse("k:\n").as_ref()));
        assert!(!truthy(parse("k: 0\n").as_ref()));
        assert!(truthy(parse("k: \"false\"\n").as_ref()));
        assert!(!truthy(parse("k: ''\n").as_ref()));
    }
}
