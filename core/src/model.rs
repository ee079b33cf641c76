//! The repository model: which charts, images, Dockerfiles, requirements files and hubs a
//! deployment repository has, and how they point at each other. Every fact keeps the file
//! and byte range it was read from, so a cross-file rule can point at both ends.

use crate::config::{glob_match, Config};
use crate::text::TextRange;
use crate::workspace::{join, parent, SourceFile, Workspace};
use crate::yaml::{self, Node};

/// A value read from a file, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub file: String,
    pub range: TextRange,
}

impl<T> Spanned<T> {
    pub fn new(value: T, file: &str, range: TextRange) -> Self {
        Spanned {
            value,
            file: file.to_string(),
            range,
        }
    }
}

fn spanned_str(node: &Node, file: &str) -> Option<Spanned<String>> {
    node.as_str()
        .map(|s| Spanned::new(s.to_string(), file, node.range))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    pub name: Spanned<String>,
    pub alias: Option<String>,
    pub version: Option<Spanned<String>>,
    /// The version node, to tell `4.3.3` from `"4.3.3"` when editing.
    pub repository: Option<String>,
}

impl Dependency {
    /// The key its values live under in the parent chart.
    pub fn values_key(&self) -> &str {
        self.alias.as_deref().unwrap_or(&self.name.value)
    }
}

/// A `Chart.yaml` (or a hub's `chart_override` replacement for one).
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub file: String,
    pub dir: String,
    pub name: Option<Spanned<String>>,
    pub version: Option<Spanned<String>>,
    pub dependencies: Vec<Dependency>,
}

impl Chart {
    pub fn dependency(&self, name: &str) -> Option<&Dependency> {
        self.dependencies.iter().find(|d| d.name.value == name)
    }
    pub fn jupyterhub(&self) -> Option<&Dependency> {
        self.dependency("jupyterhub")
    }
    pub fn name(&self) -> Option<&str> {
        self.name.as_ref().map(|n| n.value.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BuildArg {
    pub name: String,
    pub value: Spanned<String>,
    /// The file the value names inside the build context, when it names one.
    pub context_file: String,
}

/// One image of a `chartpress.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub key: Spanned<String>,
    pub config_file: String,
    /// Name of the chartpress chart entry it belongs to, and the chart's directory.
    pub chart_name: String,
    pub chart_dir: String,
    /// `imageName`, or `imagePrefix` + key.
    pub full_name: String,
    pub image_name: Option<Spanned<String>>,
    /// Resolved, workspace-relative; the span is where it was written (or the key's span
    /// when defaulted).
    pub context_path: Spanned<String>,
    pub dockerfile_path: Spanned<String>,
    pub build_args: Vec<BuildArg>,
    pub values_paths: Vec<Spanned<String>>,
    pub paths: Vec<Spanned<String>>,
}

impl Image {
    /// Requirements files this image installs: build-arg values that name a `.txt`/`.in`
    /// file in the build context.
    pub fn requirements_files(&self) -> impl Iterator<Item = &BuildArg> {
        self.build_args
            .iter()
            .filter(|a| is_requirements_name(&a.value.value))
    }
}

pub fn is_requirements_name(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    (base.ends_with(".txt") || base.ends_with(".in")) && base.contains("requirements")
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChartpressChart {
    pub name: Spanned<String>,
    pub chart_dir: String,
    pub image_prefix: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chartpress {
    pub file: String,
    pub charts: Vec<ChartpressChart>,
}

/// Why a listed values file is not read as YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotYaml {
    /// sops-encrypted secret (name contains `secret`), decrypted only at deploy time.
    Secret,
    /// rendered by the deployer (`.jsonnet`).
    Jsonnet,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValuesRef {
    /// Resolved path.
    pub path: String,
    /// As written in cluster.yaml.
    pub written: Spanned<String>,
    pub not_yaml: Option<NotYaml>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hub {
    pub cluster: String,
    pub cluster_file: String,
    pub name: Spanned<String>,
    pub helm_chart: Option<Spanned<String>>,
    pub values_files: Vec<ValuesRef>,
    pub chart_override: Option<Spanned<String>>,
    /// The Chart.yaml this hub deploys with (its override, else its helm_chart's).
    pub chart_file: Option<String>,
    /// Keys above the jupyterhub chart's values: `[jupyterhub]` for basehub,
    /// `[basehub, jupyterhub]` for daskhub, `[]` for the jupyterhub chart itself.
    pub nesting: Vec<String>,
    /// Some values come from secrets or jsonnet: keys may be supplied that YAML does not show.
    pub has_hidden_values: bool,
}

impl Hub {
    pub fn label(&self) -> String {
        format!("{}/{}", self.cluster, self.name.value)
    }
}

/// A values file for the jupyterhub chart outside a cluster.yaml layout.
#[derive(Debug, Clone, PartialEq)]
pub struct PlainValues {
    pub file: String,
    pub nesting: Vec<String>,
}

#[derive(Debug, Default)]
pub struct RepoModel {
    pub charts: Vec<Chart>,
    pub chartpress: Vec<Chartpress>,
    pub images: Vec<Image>,
    pub hubs: Vec<Hub>,
    pub plain_values: Vec<PlainValues>,
    /// Files the model decided are requirements files (by name or by a chartpress build arg).
    pub requirements_files: Vec<String>,
    /// The requirements files an image installs: named by a chartpress build arg, or beside a
    /// Dockerfile (the subset of `requirements_files` that pinning rules apply to).
    pub image_requirements_files: Vec<String>,
    pub dockerfiles: Vec<String>,
    /// Schema validation results of this model's check run (computed once for S001–S006, Y003).
    pub schema_cache: crate::schema::Cache,
}

impl RepoModel {
    pub fn build(ws: &Workspace, config: &Config) -> RepoModel {
        let mut model = RepoModel::default();
        for file in ws.files() {
            match file.file_name() {
                "Chart.yaml" => {
                    if let Some(chart) = read_chart(file) {
                        model.charts.push(chart);
                    }
                }
                "chartpress.yaml" => model.read_chartpress(file),
                _ => {}
            }
        }
        for file in ws.files() {
            if file.file_name() == "cluster.yaml" {
                model.read_cluster(ws, file);
            }
        }
        // Hub chart overrides are Chart.yaml files under another name.
        let overrides: Vec<String> = model
            .hubs
            .iter()
            .filter_map(|h| h.chart_file.clone())
            .collect();
        for path in overrides {
            if !model.charts.iter().any(|c| c.file == path) {
                if let Some(chart) = ws.get(&path).and_then(read_chart) {
                    model.charts.push(chart);
                }
            }
        }
        let nestings: Vec<Vec<String>> = model
            .hubs
            .iter()
            .map(|h| {
                h.chart_file
                    .as_deref()
                    .map(|c| model.nesting_of(c))
                    .unwrap_or_else(|| vec!["jupyterhub".into()])
            })
            .collect();
        for (hub, nesting) in model.hubs.iter_mut().zip(nestings) {
            hub.nesting = nesting;
        }
        model.find_plain_values(ws, config);
        for file in ws.files() {
            let name = file.file_name();
            if is_requirements_name(name) {
                model.requirements_files.push(file.path.clone());
            }
            if name == "Dockerfile"
                || name.starts_with("Dockerfile.")
                || name.starts_with("Dockerfile-")
                || name.ends_with(".Dockerfile")
            {
                model.dockerfiles.push(file.path.clone());
            }
        }
        for img in &model.images {
            for arg in img.requirements_files() {
                if ws.contains(&arg.context_file)
                    && !model.requirements_files.contains(&arg.context_file)
                {
                    model.requirements_files.push(arg.context_file.clone());
                }
            }
            if ws.contains(&img.dockerfile_path.value)
                && !model.dockerfiles.contains(&img.dockerfile_path.value)
            {
                model.dockerfiles.push(img.dockerfile_path.value.clone());
            }
        }
        let dockerfile_dirs: Vec<&str> = model.dockerfiles.iter().map(|d| parent(d)).collect();
        let beside: Vec<String> = model
            .requirements_files
            .iter()
            .filter(|r| {
                dockerfile_dirs.contains(&parent(r)) && !model.image_requirements_files.contains(r)
            })
            .cloned()
            .collect();
        model.image_requirements_files.extend(beside);
        model
    }

    pub fn chart(&self, file: &str) -> Option<&Chart> {
        self.charts.iter().find(|c| c.file == file)
    }

    /// The chart whose `name` is `name`, preferring a real `Chart.yaml`.
    pub fn chart_named(&self, name: &str) -> Option<&Chart> {
        self.charts
            .iter()
            .filter(|c| c.name() == Some(name))
            .min_by_key(|c| !c.file.ends_with("Chart.yaml"))
    }

    /// Where the jupyterhub chart's values sit inside the values of `chart_file`.
    pub fn nesting_of(&self, chart_file: &str) -> Vec<String> {
        let mut path = Vec::new();
        let mut chart = self.chart(chart_file);
        for _ in 0..8 {
            let Some(c) = chart else { break };
            if c.name() == Some("jupyterhub") {
                return path;
            }
            if let Some(jh) = c.jupyterhub() {
                path.push(jh.values_key().to_string());
                return path;
            }
            // A wrapper of a wrapper (daskhub → basehub): follow a local file:// dependency.
            let local = c.dependencies.iter().find_map(|d| {
                let repo = d.repository.as_deref()?.strip_prefix("file://")?;
                let dir = join(&c.dir, repo);
                self.chart(&join(&dir, "Chart.yaml"))
                    .map(|sub| (d.values_key().to_string(), sub))
            });
            match local {
                Some((key, sub)) => {
                    path.push(key);
                    chart = Some(sub);
                }
                None => break,
            }
        }
        vec!["jupyterhub".to_string()]
    }

    /// The images that a chart's values.yaml default comes from (chartpress entries whose
    /// chart directory is `chart_dir`).
    pub fn images_for_chart_dir<'a>(
        &'a self,
        chart_dir: &'a str,
    ) -> impl Iterator<Item = &'a Image> {
        self.images.iter().filter(move |i| i.chart_dir == chart_dir)
    }

    /// The chartpress image built under this full name.
    pub fn image_named(&self, full_name: &str) -> Option<&Image> {
        // The last entry wins, as chartpress writes them in order.
        self.images.iter().rev().find(|i| i.full_name == full_name)
    }

    fn read_chartpress(&mut self, file: &SourceFile) {
        let Some(root) = file.yaml_root() else { return };
        let dir = file.dir().to_string();
        let mut cp = Chartpress {
            file: file.path.clone(),
            charts: Vec::new(),
        };
        for chart in root
            .get("charts")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
        {
            let Some(name) = chart.get("name").and_then(|n| spanned_str(n, &file.path)) else {
                continue;
            };
            let chart_path = chart
                .get("chartPath")
                .and_then(Node::as_str)
                .unwrap_or(&name.value)
                .to_string();
            let chart_dir = join(&dir, &chart_path);
            let image_prefix = chart
                .get("imagePrefix")
                .and_then(|n| spanned_str(n, &file.path));
            for entry in chart
                .get("images")
                .and_then(Node::as_mapping)
                .unwrap_or_default()
            {
                let Some(key) = spanned_str(&entry.key, &file.path) else {
                    continue;
                };
                let img = &entry.value;
                let image_name = img
                    .get("imageName")
                    .and_then(|n| spanned_str(n, &file.path));
                let full_name = match &image_name {
                    Some(n) => n.value.clone(),
                    None => format!(
                        "{}{}",
                        image_prefix
                            .as_ref()
                            .map(|p| p.value.as_str())
                            .unwrap_or(""),
                        key.value
                    ),
                };
                let context_path = match img
                    .get("contextPath")
                    .and_then(|n| spanned_str(n, &file.path))
                {
                    Some(s) => Spanned::new(join(&dir, &s.value), &file.path, s.range),
                    None => Spanned::new(
                        join(&dir, &format!("images/{}", key.value)),
                        &file.path,
                        key.range,
                    ),
                };
                let dockerfile_path = match img
                    .get("dockerfilePath")
                    .and_then(|n| spanned_str(n, &file.path))
                {
                    Some(s) => Spanned::new(join(&dir, &s.value), &file.path, s.range),
                    None => Spanned::new(
                        join(&context_path.value, "Dockerfile"),
                        &file.path,
                        context_path.range,
                    ),
                };
                let build_args = img
                    .get("buildArgs")
                    .and_then(Node::as_mapping)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|a| {
                        let value = spanned_str(&a.value, &file.path)?;
                        Some(BuildArg {
                            name: a.key.as_str()?.to_string(),
                            context_file: join(&context_path.value, &value.value),
                            value,
                        })
                    })
                    .collect();
                let list = |k: &str| -> Vec<Spanned<String>> {
                    match img.get(k) {
                        Some(n) => match n.as_sequence() {
                            Some(items) => items
                                .iter()
                                .filter_map(|i| spanned_str(i, &file.path))
                                .collect(),
                            None => spanned_str(n, &file.path).into_iter().collect(),
                        },
                        None => Vec::new(),
                    }
                };
                self.images.push(Image {
                    key,
                    config_file: file.path.clone(),
                    chart_name: name.value.clone(),
                    chart_dir: chart_dir.clone(),
                    full_name,
                    image_name,
                    context_path,
                    dockerfile_path,
                    build_args,
                    values_paths: list("valuesPath"),
                    paths: list("paths"),
                });
            }
            cp.charts.push(ChartpressChart {
                name,
                chart_dir,
                image_prefix,
            });
        }
        self.chartpress.push(cp);
    }

    fn read_cluster(&mut self, ws: &Workspace, file: &SourceFile) {
        let Some(root) = file.yaml_root() else { return };
        let dir = file.dir().to_string();
        let cluster = root
            .get("name")
            .and_then(Node::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| dir.rsplit('/').next().unwrap_or(&dir).to_string());
        let repo_root = repo_root_of_cluster(&dir);
        for hub in root
            .get("hubs")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
        {
            let Some(name) = hub.get("name").and_then(|n| spanned_str(n, &file.path)) else {
                continue;
            };
            let helm_chart = hub
                .get("helm_chart")
                .and_then(|n| spanned_str(n, &file.path));
            let mut has_hidden_values = false;
            let values_files: Vec<ValuesRef> = hub
                .get("helm_chart_values_files")
                .and_then(Node::as_sequence)
                .unwrap_or_default()
                .iter()
                .filter_map(|v| spanned_str(v, &file.path))
                .map(|written| {
                    let base = written.value.rsplit('/').next().unwrap_or(&written.value);
                    let not_yaml = if base.contains("secret") {
                        Some(NotYaml::Secret)
                    } else if base.ends_with(".jsonnet") {
                        Some(NotYaml::Jsonnet)
                    } else {
                        None
                    };
                    has_hidden_values |= not_yaml.is_some();
                    ValuesRef {
                        path: join(&dir, &written.value),
                        written,
                        not_yaml,
                    }
                })
                .collect();
            let chart_override = hub
                .get("chart_override")
                .and_then(|n| spanned_str(n, &file.path));
            let chart_file = match &chart_override {
                // Without `/`: relative to the cluster directory; with `/`: to the repo root.
                Some(o) if o.value.contains('/') => Some(join(&repo_root, &o.value)),
                Some(o) => Some(join(&dir, &o.value)),
                None => helm_chart.as_ref().and_then(|c| {
                    self.chart_named(&c.value)
                        .map(|c| c.file.clone())
                        .or_else(|| {
                            let guess =
                                join(&repo_root, &format!("helm-charts/{}/Chart.yaml", c.value));
                            ws.contains(&guess).then_some(guess)
                        })
                }),
            };
            // 2i2c's deployer renders the chart's values.jsonnet for every hub it deploys, and
            // copies of such repositories often lack that file (the corpus does): any hub
            // deployed through cluster.yaml may get keys a YAML-only merge cannot see.
            if let Some(cf) = &chart_file {
                if ws.contains(&join(parent(cf), "values.jsonnet")) || helm_chart.is_some() {
                    has_hidden_values = true;
                }
            }
            self.hubs.push(Hub {
                cluster: cluster.clone(),
                cluster_file: file.path.clone(),
                name,
                helm_chart,
                values_files,
                chart_override,
                chart_file,
                nesting: Vec::new(),
                has_hidden_values,
            });
        }
    }

    fn find_plain_values(&mut self, ws: &Workspace, config: &Config) {
        let in_hub: std::collections::HashSet<&str> = self
            .hubs
            .iter()
            .flat_map(|h| h.values_files.iter().map(|v| v.path.as_str()))
            .collect();
        let mut found = Vec::new();
        for file in ws
            .files()
            .filter(|f| f.is_yaml() && !in_hub.contains(f.path.as_str()))
        {
            let name = file.file_name();
            if matches!(
                name,
                "Chart.yaml" | "chartpress.yaml" | "cluster.yaml" | ".hublint.yaml"
            ) {
                continue;
            }
            let configured = config
                .values
                .iter()
                .find(|(glob, _)| glob_match(glob, &file.path))
                .map(|(_, c)| c.clone());
            let chart = configured.or_else(|| modeline_chart(file.text_or_empty()));
            if let Some(chart) = chart {
                let nesting = if chart == "jupyterhub" {
                    Vec::new()
                } else {
                    self.chart_named(&chart)
                        .map(|c| self.nesting_of(&c.file.clone()))
                        .unwrap_or_else(|| vec!["jupyterhub".into()])
                };
                found.push(PlainValues {
                    file: file.path.clone(),
                    nesting,
                });
            }
        }
        self.plain_values = found;
    }
}

/// `# hublint: chart=jupyterhub` on the first line.
pub fn modeline_chart(text: &str) -> Option<String> {
    let first = text.trim_start_matches('\u{feff}').lines().next()?;
    let rest = first
        .trim()
        .strip_prefix('#')?
        .trim()
        .strip_prefix("hublint:")?
        .trim();
    rest.strip_prefix("chart=")
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
}

/// 2i2c keeps clusters at `config/clusters/<name>/`; paths with `/` in a cluster.yaml are
/// relative to the repository root above that.
fn repo_root_of_cluster(dir: &str) -> String {
    match dir.find("config/clusters/") {
        Some(i) => dir[..i].trim_end_matches('/').to_string(),
        None => parent(dir).to_string(),
    }
}

pub fn read_chart(file: &SourceFile) -> Option<Chart> {
    let root = file.yaml_root()?;
    root.as_mapping()?;
    let dependencies = root
        .get("dependencies")
        .and_then(Node::as_sequence)
        .unwrap_or_default()
        .iter()
        .filter_map(|d| {
            Some(Dependency {
                name: spanned_str(d.get("name")?, &file.path)?,
                alias: d.get("alias").and_then(Node::as_str).map(str::to_string),
                version: d.get("version").and_then(|n| spanned_str(n, &file.path)),
                repository: d
                    .get("repository")
                    .and_then(Node::as_str)
                    .map(str::to_string),
            })
        })
        .collect();
    Some(Chart {
        file: file.path.clone(),
        dir: file.dir().to_string(),
        name: root.get("name").and_then(|n| spanned_str(n, &file.path)),
        version: root.get("version").and_then(|n| spanned_str(n, &file.path)),
        dependencies,
    })
}

/// Whether a values file is sops-encrypted (a top-level `sops:` key): never linted.
pub fn is_sops_encrypted(root: &yaml::Node) -> bool {
    root.get("sops").is_some()
}
