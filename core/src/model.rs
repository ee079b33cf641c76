//! The repository model: which charts, images, Dockerfiles, requirements files and hubs a
//! deployment repository has, and how they point at each other. Every fact keeps the file
//! and byte range it was read from, so a cross-file rule can point at both ends.

use crate::files::{FileKind, NotData};
use crate::text::TextRange;
use crate::workspace::{join, parent, Content, SourceFile, Workspace};
use crate::yaml::{self, Node};
use std::collections::BTreeMap;

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

pub(crate) fn spanned_str(node: &Node, file: &str) -> Option<Spanned<String>> {
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
    /// A real `Chart.yaml` (not an override file standing for one).
    pub fn is_chart_yaml(&self) -> bool {
        self.file.rsplit('/').next() == Some("Chart.yaml")
    }
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

pub use crate::files::is_requirements_name;

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
    /// Not in the repository (decrypted to a temporary file, generated, or named by a
    /// variable the deploy script sets).
    Missing,
}

/// Values written inside another file: a helmfile release's `values:` entry, a Flux
/// HelmRelease's `spec.values`, an Argo CD Application's `helm.valuesObject`.
#[derive(Debug, Clone, PartialEq)]
pub struct Inline {
    /// The YAML document of the file.
    pub doc: usize,
    /// Keys (or list indexes, as text) from the document root to the values mapping.
    pub path: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValuesRef {
    /// Resolved path.
    pub path: String,
    /// As written where the hub is declared.
    pub written: Spanned<String>,
    pub not_yaml: Option<NotYaml>,
    /// Values inside `path` rather than the whole file.
    pub inline: Option<Inline>,
}

impl ValuesRef {
    pub fn file(path: &str, written: Spanned<String>) -> ValuesRef {
        ValuesRef {
            path: path.to_string(),
            written,
            not_yaml: None,
            inline: None,
        }
    }

    /// A values file named where a hub is declared; marked missing when the repository does
    /// not hold it (decrypted at deploy time, generated, or a dangling name).
    pub fn named(ws: &Workspace, path: &str, written: Spanned<String>) -> ValuesRef {
        let mut v = ValuesRef::file(path, written);
        if !ws.contains(path) {
            v.not_yaml = Some(NotYaml::Missing);
        }
        v
    }

    /// The mapping helm merges for this entry, when it is readable YAML data.
    pub fn node<'a>(&self, ws: &'a Workspace) -> Option<&'a Node> {
        if self.not_yaml.is_some() {
            return None;
        }
        let file = ws.get(&self.path)?;
        let node = match &self.inline {
            None => file.yaml_root()?,
            Some(inline) => {
                let mut node = file.yaml()?.docs.get(inline.doc)?;
                for key in &inline.path {
                    node = match node.as_sequence() {
                        Some(items) => items.get(key.parse::<usize>().ok()?)?,
                        None => node.get(key)?,
                    };
                }
                node
            }
        };
        (node.as_mapping().is_some() && !is_sops_encrypted(node)).then_some(node)
    }
}

/// How a hub was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FoundBy {
    /// 2i2c's `cluster.yaml`.
    Cluster,
    /// `.hublint.yaml` `hubs:`.
    Configured,
    /// hubploy's `deployments/<name>/hubploy.yaml` with `config/common.yaml` + `config/<env>.yaml`.
    Hubploy,
    /// A `helmfile.yaml` release.
    Helmfile,
    /// A helmsman desired-state file's app.
    Helmsman,
    /// A Flux `HelmRelease`.
    FluxHelmRelease,
    /// An Argo CD `Application`.
    ArgoApplication,
    /// A `helm upgrade`/`install`/`template` command line in a script, Makefile or CI file.
    HelmCommand,
    /// A Terraform `helm_release` resource.
    Terraform,
    /// A local chart's `values-<env>.yaml` beside its `values.yaml`.
    ChartEnvironment,
    /// A local chart depending on jupyterhub that nothing else deploys: its defaults alone.
    Chart,
    /// `.hublint.yaml` `values:` glob or a `# hublint: chart=` first line.
    ValuesMapping,
    /// A values file recognised by its top-level keys.
    ValuesContent,
}

impl FoundBy {
    pub fn describe(self) -> &'static str {
        match self {
            FoundBy::Cluster => "cluster.yaml",
            FoundBy::Configured => ".hublint.yaml hubs",
            FoundBy::Hubploy => "hubploy layout",
            FoundBy::Helmfile => "helmfile release",
            FoundBy::Helmsman => "helmsman app",
            FoundBy::FluxHelmRelease => "Flux HelmRelease",
            FoundBy::ArgoApplication => "Argo CD Application",
            FoundBy::HelmCommand => "helm command line",
            FoundBy::Terraform => "Terraform helm_release",
            FoundBy::ChartEnvironment => "chart values-<env>.yaml",
            FoundBy::Chart => "local chart",
            FoundBy::ValuesMapping => "values mapping",
            FoundBy::ValuesContent => "values file content",
        }
    }
}

/// A chart deployed from a chart repository (not a folder of this repository).
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteChart {
    /// `jupyterhub`, `binderhub`, `daskhub`, or another chart's name.
    pub name: String,
    pub version: Option<Spanned<String>>,
}

/// The jupyterhub chart version a hub deploys, where it is written, and how it was derived.
#[derive(Debug, Clone, PartialEq)]
pub struct JupyterhubVersion {
    pub version: String,
    /// Where the deciding version is written (the wrapper's version for a remote wrapper).
    pub written: Spanned<String>,
    /// How a wrapper's version led to it ("binderhub 0.2.0-n219.hbc17443 (published) bundles it").
    pub via: Option<String>,
}

/// One deployment of the jupyterhub chart: what helm renders together.
#[derive(Debug, Clone, PartialEq)]
pub struct Hub {
    /// The group it belongs to: a 2i2c cluster, a hubploy deployment, a chart; may be empty.
    pub cluster: String,
    /// The file that declares it (cluster.yaml, hubploy.yaml, a script, a values file …).
    pub cluster_file: String,
    /// Its name, spanned where it is declared.
    pub name: Spanned<String>,
    pub found_by: FoundBy,
    pub helm_chart: Option<Spanned<String>>,
    pub values_files: Vec<ValuesRef>,
    pub chart_override: Option<Spanned<String>>,
    /// The Chart.yaml this hub deploys with (its override, else its helm_chart's).
    pub chart_file: Option<String>,
    /// A chart from a chart repository, when not a local chart.
    pub remote_chart: Option<RemoteChart>,
    /// The jupyterhub chart version, when found.
    pub jupyterhub: Option<JupyterhubVersion>,
    /// Keys above the jupyterhub chart's values: `[jupyterhub]` for basehub,
    /// `[basehub, jupyterhub]` for daskhub, `[]` for the jupyterhub chart itself.
    pub nesting: Vec<String>,
    /// Some values come from secrets or jsonnet: keys may be supplied that YAML does not show.
    pub has_hidden_values: bool,
}

impl Hub {
    pub fn label(&self) -> String {
        if self.cluster.is_empty() {
            self.name.value.clone()
        } else {
            format!("{}/{}", self.cluster, self.name.value)
        }
    }

    /// A hub with nothing resolved yet: no chart, no files.
    pub fn new(found_by: FoundBy, cluster: &str, name: Spanned<String>) -> Hub {
        Hub {
            cluster: cluster.to_string(),
            cluster_file: name.file.clone(),
            name,
            found_by,
            helm_chart: None,
            values_files: Vec::new(),
            chart_override: None,
            chart_file: None,
            remote_chart: None,
            jupyterhub: None,
            nesting: Vec::new(),
            has_hidden_values: false,
        }
    }

    /// Add a values source in merge order; one the repository cannot show hides values.
    pub fn push_values(&mut self, v: ValuesRef) {
        self.has_hidden_values |= v.not_yaml.is_some();
        self.values_files.push(v);
    }

    /// The values files helm reads for it, in order, that the repository holds as YAML.
    pub fn yaml_values(&self) -> impl Iterator<Item = &ValuesRef> {
        self.values_files.iter().filter(|v| v.not_yaml.is_none())
    }
}

#[derive(Debug, Default)]
pub struct RepoModel {
    pub charts: Vec<Chart>,
    pub chartpress: Vec<Chartpress>,
    pub images: Vec<Image>,
    pub hubs: Vec<Hub>,
    /// Files no rule reads as data, and why (templates, ciphertext).
    pub not_data: BTreeMap<String, NotData>,
    /// Files the model decided are requirements files (by name or by a chartpress build arg).
    pub requirements_files: Vec<String>,
    /// The requirements files an image installs: named by a chartpress build arg, or beside a
    /// Dockerfile (the subset of `requirements_files` that pinning rules apply to).
    pub image_requirements_files: Vec<String>,
    pub dockerfiles: Vec<String>,
}

impl RepoModel {
    /// The model before its hubs are found: charts (with Helm 2 `requirements.yaml`
    /// dependencies), chartpress images and the files that are not data.
    /// [`RepoModel::build`] (in `deployments`, which reads this) finds the hubs in between.
    pub(crate) fn read_charts_and_images(ws: &Workspace) -> RepoModel {
        let mut model = RepoModel::default();
        for file in ws.files() {
            match file.kind() {
                FileKind::Chart => {
                    if let Some(chart) = read_chart(file) {
                        model.charts.push(chart);
                    }
                }
                FileKind::Chartpress => model.read_chartpress(file),
                _ => {}
            }
        }
        model.classify_not_data(ws);
        // Helm 2 charts (apiVersion v1) list dependencies in requirements.yaml.
        for chart in &mut model.charts {
            if let Some(req) = ws.get(&join(&chart.dir, "requirements.yaml")) {
                chart.dependencies.extend(read_dependencies(req));
            }
        }
        model
    }

    /// After the hubs are found: the requirements files and Dockerfiles, and which
    /// requirements files an image installs.
    pub(crate) fn read_requirements_and_dockerfiles(&mut self, ws: &Workspace) {
        for file in ws.files().filter(|f| !self.not_data.contains_key(&f.path)) {
            match file.kind() {
                FileKind::Requirements => self.requirements_files.push(file.path.clone()),
                // `Dockerfile.trailer` without a FROM is a fragment another build appends.
                FileKind::Dockerfile
                    if file.file_name() == "Dockerfile"
                        || file.dockerfile().is_none_or(|d| !d.froms.is_empty()) =>
                {
                    self.dockerfiles.push(file.path.clone())
                }
                _ => {}
            }
        }
        for img in &self.images {
            for arg in img.requirements_files() {
                if ws.contains(&arg.context_file)
                    && !self.requirements_files.contains(&arg.context_file)
                {
                    self.requirements_files.push(arg.context_file.clone());
                }
            }
            if ws.contains(&img.dockerfile_path.value)
                && !self.dockerfiles.contains(&img.dockerfile_path.value)
            {
                self.dockerfiles.push(img.dockerfile_path.value.clone());
            }
        }
        let dockerfile_dirs: Vec<&str> = self.dockerfiles.iter().map(|d| parent(d)).collect();
        let beside: Vec<String> = self
            .requirements_files
            .iter()
            .filter(|r| {
                dockerfile_dirs.contains(&parent(r)) && !self.image_requirements_files.contains(r)
            })
            .cloned()
            .collect();
        self.image_requirements_files.extend(beside);
    }

    /// Templates and ciphertext: files that are not data until rendered or decrypted.
    fn classify_not_data(&mut self, ws: &Workspace) {
        let chart_dirs: Vec<&str> = self.charts.iter().map(|c| c.dir.as_str()).collect();
        for file in ws.files() {
            let reason = match (&file.content, file.text()) {
                (Content::Encrypted, _) => Some(NotData::GitCrypt),
                (_, Some(text)) => crate::files::not_data(&file.path, text, &chart_dirs)
                    .or_else(|| (file.is_yaml() && is_sops_text(text)).then_some(NotData::Sops)),
                (_, None) => crate::files::not_data(&file.path, "", &chart_dirs),
            };
            if let Some(reason) = reason {
                self.not_data.insert(file.path.clone(), reason);
            }
        }
    }

    /// Whether rules read this file as data (not a template, not ciphertext).
    pub fn is_data(&self, path: &str) -> bool {
        !self.not_data.contains_key(path)
    }

    pub fn chart(&self, file: &str) -> Option<&Chart> {
        self.charts.iter().find(|c| c.file == file)
    }

    /// The chart an image's tag is written into (its chartpress chart's Chart.yaml).
    pub fn image_chart(&self, image: &Image) -> Option<&Chart> {
        self.chart(&join(&image.chart_dir, "Chart.yaml"))
    }

    /// Every values file the repository has: files listed by a hub, plain values files mapped to
    /// a chart, each chart's own values.yaml, and any other `*values.yaml`. Secrets and
    /// sops-encrypted files are left out.
    pub fn values_files<'a>(&self, ws: &'a Workspace) -> Vec<&'a SourceFile> {
        let mut paths: Vec<String> = Vec::new();
        for hub in &self.hubs {
            // A manifest with inline values (Flux `spec.values`) is scanned whole.
            for v in hub.yaml_values() {
                paths.push(v.path.clone());
            }
        }
        paths.extend(self.charts.iter().map(|c| join(&c.dir, "values.yaml")));
        for f in ws.files() {
            let name = f.file_name();
            if name.ends_with("values.yaml") || name.ends_with("values.yml") {
                paths.push(f.path.clone());
            }
        }
        paths.sort();
        paths.dedup();
        paths
            .iter()
            .filter_map(|p| ws.get(p))
            .filter(|f| self.is_data(&f.path) && !f.file_name().contains("secret"))
            .filter(|f| f.yaml_root().is_some_and(|r| !is_sops_encrypted(r)))
            .collect()
    }

    /// Every requirements source a pinning rule reads: requirements files (all of them, or only
    /// those an image installs) and the `RUN pip install` lines of each Dockerfile.
    pub fn requirement_sources<'a>(
        &'a self,
        ws: &'a Workspace,
        image_only: bool,
    ) -> impl Iterator<Item = (&'a str, &'a crate::requirements::RequirementsFile)> {
        let files = if image_only {
            &self.image_requirements_files
        } else {
            &self.requirements_files
        };
        let listed = files
            .iter()
            .filter_map(move |p| Some((p.as_str(), ws.get(p)?.requirements()?)));
        let dockerfiles = self
            .dockerfiles
            .iter()
            .filter_map(move |p| Some((p.as_str(), ws.get(p)?.pip_installs()?)));
        listed.chain(dockerfiles)
    }

    /// The chart whose `name` is `name`, preferring a real `Chart.yaml`.
    pub fn chart_named(&self, name: &str) -> Option<&Chart> {
        self.charts
            .iter()
            .filter(|c| c.name() == Some(name))
            .min_by_key(|c| !c.file.ends_with("Chart.yaml"))
    }

    /// The real chart (a `Chart.yaml`) named `name` nearest to the file `near`: the most
    /// folders in common, then the shallowest. A repository holding copies of a chart
    /// (snapshots, forks) means, in each place, its own copy.
    pub fn chart_named_near(&self, name: &str, near: &str) -> Option<&Chart> {
        let folders = |p: &str| -> Vec<String> {
            let mut f: Vec<String> = p.split('/').map(str::to_string).collect();
            f.pop();
            f
        };
        let near = folders(near);
        self.charts
            .iter()
            .filter(|c| c.name() == Some(name) && c.is_chart_yaml())
            .min_by_key(|c| {
                let own = folders(&c.file);
                let shared = own.iter().zip(&near).take_while(|(a, b)| a == b).count();
                (std::cmp::Reverse(shared), own.len())
            })
    }

    /// The chart a chart file deploys from: itself for a `Chart.yaml`; for an override file
    /// (2i2c's `chart_override` replaces the Chart.yaml of the chart it names), the nearest
    /// real chart of that name, whose folder holds the defaults and local dependencies.
    pub fn chart_home<'m>(&'m self, chart: &'m Chart) -> &'m Chart {
        if chart.is_chart_yaml() {
            return chart;
        }
        chart
            .name()
            .and_then(|n| self.chart_named_near(n, &chart.file))
            .unwrap_or(chart)
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
}

/// `# hublint: chart=jupyterhub` on the first line, optionally with the chart version:
/// `# hublint: chart=jupyterhub version=4.3.3`.
pub fn modeline_chart(text: &str) -> Option<String> {
    modeline(text).map(|(chart, _)| chart)
}

/// The chart and the version (with its byte range) a first-line modeline names.
pub fn modeline(text: &str) -> Option<(String, Option<(String, TextRange)>)> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first = text[bom..].lines().next()?;
    let rest = first
        .trim()
        .strip_prefix('#')?
        .trim()
        .strip_prefix("hublint:")?;
    let mut chart = None;
    let mut version = None;
    for word in rest.split_whitespace() {
        if let Some(c) = word.strip_prefix("chart=") {
            chart = Some(c.to_string()).filter(|c| !c.is_empty());
        } else if let Some(v) = word.strip_prefix("version=") {
            let start = bom + first.find(word).unwrap_or(0) + "version=".len();
            version = Some((v.to_string(), TextRange::new(start, start + v.len())));
        }
    }
    Some((chart?, version))
}

pub fn read_chart(file: &SourceFile) -> Option<Chart> {
    let root = file.yaml_root()?;
    root.as_mapping()?;
    Some(Chart {
        file: file.path.clone(),
        dir: file.dir().to_string(),
        name: root.get("name").and_then(|n| spanned_str(n, &file.path)),
        version: root.get("version").and_then(|n| spanned_str(n, &file.path)),
        dependencies: read_dependencies(file),
    })
}

/// The `dependencies:` list of a Chart.yaml or a Helm 2 requirements.yaml.
pub fn read_dependencies(file: &SourceFile) -> Vec<Dependency> {
    let Some(root) = file.yaml_root() else {
        return Vec::new();
    };
    root.get("dependencies")
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
        .collect()
}

/// A sops-encrypted YAML text: a top-level `sops:` block beside `ENC[…]` values.
pub fn is_sops_text(text: &str) -> bool {
    // (memchr's vector search: every YAML file is looked at.)
    let has = |needle: &str| crate::files::find_bytes(text.as_bytes(), needle.as_bytes()).is_some();
    has("ENC[") && (text.starts_with("sops:") || has("\nsops:"))
}

/// Whether a values file is sops-encrypted (a top-level `sops:` key): never linted.
pub fn is_sops_encrypted(root: &yaml::Node) -> bool {
    root.get("sops").is_some()
}
