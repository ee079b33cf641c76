//! Validating every hub: merge its values as helm does, pick the schemas that apply (the
//! wrapping charts' own and the jupyterhub chart's for the version it depends on), validate,
//! and report each problem once, at the line that wrote it, naming the hubs it affects.

use super::finding::{Check, HubFinding};
use super::freeform;
use super::instance::Inst;
use super::validate::{Finding, Kind, Seg, Validator};
use super::version::Match;
use super::{compiled_for_version, SchemaRef};
use crate::diagnostic::{Related, Severity};
use crate::model::{Chart, FoundBy, Hub, JupyterhubVersion, RepoModel, ValuesRef};
use crate::text::TextRange;
use crate::values::{self, chart_default_values, Merged};
use crate::workspace::{join, parent, Workspace};
use std::collections::HashMap;

/// One set of values helm would render together: a hub.
pub struct Job {
    pub label: String,
    pub chart_file: Option<String>,
    /// Keys above the jupyterhub chart's values (`[jupyterhub]` for basehub).
    pub nesting: Vec<String>,
    /// The YAML values sources, in order.
    pub values_files: Vec<ValuesRef>,
    pub hidden_values: bool,
    /// Where the hub is declared, for "affects hub …" notes.
    pub declared: Option<(String, TextRange)>,
    /// The jupyterhub chart version it deploys, when known.
    pub jupyterhub: Option<JupyterhubVersion>,
    /// How it was found (for the note when no version was found).
    pub found_by: FoundBy,
}

impl Job {
    pub fn for_hub(hub: &Hub) -> Job {
        Job {
            label: hub.label(),
            chart_file: hub.chart_file.clone(),
            nesting: hub.nesting.clone(),
            values_files: hub.yaml_values().cloned().collect(),
            hidden_values: hub.has_hidden_values,
            declared: Some((hub.name.file.clone(), hub.name.range)),
            jupyterhub: hub.jupyterhub.clone(),
            found_by: hub.found_by,
        }
    }
}

/// One job per hub, in `model.hubs` order.
pub fn jobs(model: &RepoModel) -> Vec<Job> {
    model.hubs.iter().map(Job::for_hub).collect()
}

/// Every hub's values merged once per check and read by the rules that see a hub's values as
/// helm does: the schema rules (S001–S006, Y003) and V003. Each hub's merged tree is dropped
/// once it is checked; held for every hub at once they doubled the check's memory and its
/// page faults cost more time than the second merge they saved.
pub struct HubValues<'a> {
    pub jobs: Vec<Job>,
    /// Each hub's schema findings, in job order (see [`run`] for the report).
    pub findings: Vec<Vec<HubFinding>>,
    /// Each hub's `hub.image` `name` and `tag` as merged, in job order (V003).
    pub hub_images: Vec<Option<HubImage<'a>>>,
}

/// A hub's merged `hub.image.name` and, when set, `hub.image.tag`.
pub type HubImage<'a> = (Merged<'a>, Option<Merged<'a>>);

/// `hub.image`'s `name` and `tag` in a hub's merged values (below its nesting).
fn hub_image<'a>(merged: &Merged<'a>, job: &Job) -> Option<HubImage<'a>> {
    let image = merged.get_path(&job.nesting)?.get("hub")?.get("image")?;
    Some((image.get("name")?.clone(), image.get("tag").cloned()))
}

impl<'a> HubValues<'a> {
    pub fn build(ws: &'a Workspace, model: &RepoModel) -> HubValues<'a> {
        let jobs = jobs(model);
        // Schema files are compiled once, before the jobs are merged (possibly in parallel).
        let mut files = FileSchemas::default();
        let prepared: Vec<Prepared> = jobs
            .iter()
            .map(|job| schemas_for(ws, model, job, &mut files))
            .collect();
        let chains: Vec<Vec<values::ChartLevel>> = jobs
            .iter()
            .zip(&prepared)
            .map(|(job, p)| chart_chain(model, job, p.2.as_deref()))
            .collect();
        // Most hubs share a chart chain (2i2c: basehub over jupyterhub): its defaults are read
        // once, not once per hub.
        let mut defaults: HashMap<&[values::ChartLevel], Vec<Option<Merged<'a>>>> = HashMap::new();
        for chain in &chains {
            defaults
                .entry(chain.as_slice())
                .or_insert_with(|| values::chart_defaults(ws, chain));
        }
        let check_one =
            |((job, (applied, note, _)), chain): ((&Job, &Prepared), &Vec<values::ChartLevel>)| {
                let mut merged = values::merge_sources(ws, job.values_files.iter());
                values::coalesce_processed(&mut merged, chain, defaults[chain.as_slice()].clone());
                let findings = check_job(job, applied, note.as_ref(), &merged);
                (findings, hub_image(&merged, job))
            };
        #[cfg(feature = "parallel")]
        let per_job: Vec<_> = {
            use rayon::prelude::*;
            jobs.par_iter()
                .zip(prepared.par_iter())
                .zip(chains.par_iter())
                .map(check_one)
                .collect()
        };
        #[cfg(not(feature = "parallel"))]
        let per_job: Vec<_> = jobs
            .iter()
            .zip(prepared.iter())
            .zip(chains.iter())
            .map(check_one)
            .collect();
        let (findings, hub_images) = per_job.into_iter().unzip();
        HubValues {
            jobs,
            findings,
            hub_images,
        }
    }
}

/// A schema applied to a subtree of a job's merged values.
pub struct Applied {
    /// Keys above the part this schema validates.
    pub prefix: Vec<String>,
    pub schema: SchemaRef,
    /// "jupyterhub chart 4.3.3 schema", "schema helm-charts/basehub/values.schema.yaml".
    pub label: String,
    pub defaults_known: bool,
    /// The jupyterhub schema (the one `hub.config` and friends are under).
    pub is_jupyterhub: bool,
}

impl Applied {
    /// The jupyterhub chart's schema, applied at the job's nesting.
    fn jupyterhub(job: &Job, schema: SchemaRef, label: String, defaults_known: bool) -> Applied {
        Applied {
            prefix: job.nesting.clone(),
            schema,
            label,
            defaults_known,
            is_jupyterhub: true,
        }
    }
}

/// A note about which schema was picked (unknown or development chart version).
pub struct VersionNote {
    pub file: String,
    pub range: TextRange,
    pub message: String,
}

/// Schema files compiled from the workspace during one run, by path.
#[derive(Default)]
pub struct FileSchemas(HashMap<String, Option<SchemaRef>>);

impl FileSchemas {
    pub fn get(&mut self, ws: &Workspace, path: &str) -> Option<SchemaRef> {
        self.0
            .entry(path.to_string())
            .or_insert_with(|| SchemaRef::from_workspace_file(ws, path))
            .clone()
    }
}

/// The chart along a job's nesting that depends on `jupyterhub`, with the directory of the
/// real chart (an override file stands for the chart it names).
fn jupyterhub_parent<'m>(model: &'m RepoModel, chart_file: &str) -> Option<(&'m Chart, String)> {
    let mut chart = model.chart(chart_file)?;
    for _ in 0..8 {
        let real = model.chart_home(chart);
        if chart.jupyterhub().is_some() {
            return Some((chart, real.dir.clone()));
        }
        let next = real.dependencies.iter().find_map(|d| {
            let repo = d.repository.as_deref()?.strip_prefix("file://")?;
            model.chart(&join(&join(&real.dir, repo), "Chart.yaml"))
        })?;
        chart = next;
    }
    None
}

/// An unpacked `charts/jupyterhub/` folder whose Chart.yaml (if any) has `version`.
fn unpacked_jupyterhub(ws: &Workspace, chart_dir: &str, version: &str) -> Option<String> {
    let dir = join(chart_dir, "charts/jupyterhub");
    if let Some(chart) = ws.get(&join(&dir, "Chart.yaml")) {
        let v = chart
            .yaml_root()
            .and_then(|r| r.get("version"))
            .and_then(|n| n.as_str());
        if v.is_some_and(|v| v != version) {
            return None;
        }
    }
    ws.is_dir(&dir).then_some(dir)
}

fn schema_file_in(ws: &Workspace, dir: &str) -> Option<String> {
    [
        "values.schema.json",
        "values.schema.yaml",
        "values.schema.yml",
    ]
    .iter()
    .map(|n| join(dir, n))
    .find(|p| ws.contains(p))
}

/// What [`schemas_for`] finds for a job: the schemas, a version note, the jupyterhub chart
/// defaults file.
pub type Prepared = (Vec<Applied>, Option<VersionNote>, Option<String>);

/// The schemas that apply to a job, outermost first, and a note when the jupyterhub chart
/// version is not one hublint knows. Also returns the jupyterhub chart defaults file, when
/// the workspace has the unpacked chart.
pub fn schemas_for(
    ws: &Workspace,
    model: &RepoModel,
    job: &Job,
    files: &mut FileSchemas,
) -> Prepared {
    let mut applied = Vec::new();
    let mut note = None;
    let mut z2jh_defaults = None;
    if let Some(chart_file) = &job.chart_file {
        for (prefix, values_file) in chart_default_values(model, chart_file, &job.nesting) {
            let dir = parent(&values_file);
            if let Some(path) = schema_file_in(ws, dir) {
                if let Some(schema) = files.get(ws, &path) {
                    applied.push(Applied {
                        prefix,
                        schema,
                        label: format!("schema {path}"),
                        defaults_known: ws.contains(&values_file),
                        is_jupyterhub: false,
                    });
                }
            }
        }
    }
    let chart = job.chart_file.as_deref().and_then(|f| model.chart(f));
    let is_z2jh_itself = chart.is_some_and(|c| c.name() == Some("jupyterhub"));
    if is_z2jh_itself {
        // The jupyterhub chart's own repository: its schema is right there.
        let c = chart.expect("checked");
        if let Some(path) = schema_file_in(ws, &c.dir) {
            if let Some(schema) = files.get(ws, &path) {
                let label = format!("schema {path}");
                let known = ws.contains(&join(&c.dir, "values.yaml"));
                applied.push(Applied::jupyterhub(job, schema, label, known));
                z2jh_defaults = Some(join(&c.dir, "values.yaml")).filter(|p| ws.contains(p));
                return (applied, note, z2jh_defaults);
            }
        }
    }
    let Some(jh) = &job.jupyterhub else {
        // No version anywhere: the newest release stands in, and the hub says so.
        if let Some((schema, _)) = super::latest_compiled() {
            let label = schema.label();
            if let Some((file, range)) = &job.declared {
                note = Some(VersionNote {
                    file: file.clone(),
                    range: *range,
                    message: format!(
                        "no jupyterhub chart version found for hub {} (found by {}); its values are checked against the newest schema hublint knows, {label}. Pin the chart version where the hub is deployed, or set `jupyterhub-version` in .hublint.yaml `hubs:`",
                        job.label,
                        job.found_by.describe()
                    ),
                });
            }
            applied.push(Applied::jupyterhub(job, schema, label, false));
        }
        return (applied, note, z2jh_defaults);
    };
    let version = &jh.written;
    let wanted = jh.version.as_str();
    // An unpacked chart archive beside the chart that depends on jupyterhub directly.
    let parent_dir = job
        .chart_file
        .as_deref()
        .and_then(|f| jupyterhub_parent(model, f))
        .filter(|(c, _)| c.jupyterhub().is_some() && jh.via.is_none())
        .map(|(_, dir)| dir);
    if let Some(dir) = parent_dir.and_then(|d| unpacked_jupyterhub(ws, &d, wanted)) {
        if let Some(path) = schema_file_in(ws, &dir) {
            if let Some(schema) = files.get(ws, &path) {
                let defaults = join(&dir, "values.yaml");
                let known = ws.contains(&defaults);
                let label = format!("jupyterhub chart {wanted} schema ({path})");
                applied.push(Applied::jupyterhub(job, schema, label, known));
                z2jh_defaults = known.then_some(defaults);
                return (applied, note, z2jh_defaults);
            }
        }
    }
    let (schema, matched) = compiled_for_version(wanted);
    let text = match &matched {
        Match::Exact(_) => None,
        Match::Older(r) => Some(if crate::version::SemVer::parse(wanted)
            .is_some_and(|v| !v.is_release())
        {
            format!(
                "jupyterhub chart {} is a development build or prerelease; hublint checks its values against the schema of {r}, the nearest release before it in semver order",
                wanted
            )
        } else {
            format!(
                "hublint has no schema for jupyterhub chart {}; it checks values against the schema of {r}, the nearest older release it knows",
                wanted
            )
        }),
        Match::TooOld => Some(format!(
            "hublint has no schema for jupyterhub chart {} (it knows {} and later); values are not checked against the chart's schema",
            wanted,
            super::releases().first().copied().unwrap_or("?")
        )),
        Match::Unparsable => Some(format!(
            "`{}` is not a semantic version, so hublint cannot pick the jupyterhub chart schema; values are not checked against it",
            wanted
        )),
    };
    if let Some(message) = text {
        let message = match &jh.via {
            Some(via) => format!("{message} ({via})"),
            None => message,
        };
        note = Some(VersionNote {
            file: version.file.clone(),
            range: version.range,
            message,
        });
    }
    if let Some(schema) = schema {
        let label = schema.label();
        applied.push(Applied::jupyterhub(job, schema, label, false));
    }
    (applied, note, z2jh_defaults)
}

/// A job's values merged as helm merges them: the values files in order, then each chart's
/// defaults down to the jupyterhub chart (its own when unpacked in the workspace), each
/// chart's `global` values handed down to its subchart's `global`, where they win.
pub fn merged_values<'a>(
    ws: &'a Workspace,
    model: &RepoModel,
    job: &Job,
    z2jh_defaults: Option<&str>,
) -> Merged<'a> {
    let chain = chart_chain(model, job, z2jh_defaults);
    values::helm_values(ws, job.values_files.iter(), Some(&chain))
}

/// The charts from the job's chart down to the jupyterhub chart.
fn chart_chain(
    model: &RepoModel,
    job: &Job,
    z2jh_defaults: Option<&str>,
) -> Vec<values::ChartLevel> {
    values::chart_levels(
        model,
        job.chart_file.as_deref(),
        &job.nesting,
        z2jh_defaults,
    )
}

/// A finding before it is known which hubs share it.
struct Pending {
    finding: HubFinding,
    hubs: Vec<usize>,
}

/// The hub check a validator finding belongs to, and its severity where it is not the
/// rule's default.
pub(crate) fn check_of(kind: Kind) -> (Check, Option<Severity>) {
    match kind {
        Kind::UnknownKey => (Check::UnknownKey, None),
        Kind::WrongType => (Check::WrongType, None),
        Kind::NotAllowed => (Check::NotAllowed, None),
        Kind::Missing => (Check::MissingRequired, None),
        // Where the schema asks for a string, helm's reading makes the values invalid.
        Kind::Coerced => (Check::NonString, Some(Severity::Error)),
    }
}

/// Files a front end leaves to the chart: vendored subcharts are not the user's to fix.
fn is_vendored(path: &str) -> bool {
    path.starts_with("charts/") || path.contains("/charts/")
}

/// One job's diagnostics, each place and code once.
fn check_job(
    job: &Job,
    applied: &[Applied],
    note: Option<&VersionNote>,
    merged: &Merged,
) -> Vec<HubFinding> {
    let mut found: Vec<Finding> = Vec::new();
    // The jupyterhub schema first: its findings win over a wrapper's at the same place.
    for a in applied.iter().rev() {
        let Some(sub) = merged.get_path(&a.prefix) else {
            continue;
        };
        let v = Validator {
            schema: a.schema.schema(),
            hidden_values: job.hidden_values,
            defaults_known: a.defaults_known,
            source: &a.label,
        };
        let mut path: Vec<Seg> = a.prefix.iter().map(|k| Seg::Key(k.as_str())).collect();
        v.validate(Inst::Merged(sub), a.schema.root_id(), &mut path, &mut found);
    }
    let mut all: Vec<HubFinding> = Vec::new();
    for f in found {
        let (check, severity) = check_of(f.kind);
        // The merged root belongs to no file: a missing top-level key is shown at the
        // start of the hub's first values file.
        let file = match f.file {
            "" => match job.values_files.first() {
                Some(first) => first.path.as_str(),
                None => continue,
            },
            file => file,
        };
        let mut d = HubFinding::new(check, file, f.range, f.message);
        d.severity = severity;
        d.fixes = f.fixes;
        all.push(d);
    }
    if let Some(sub) = merged.get_path(&job.nesting) {
        // The trait lists are the JupyterHub generation of the charts hublint has schemas
        // for (3.0.0 on): an older chart's hub ran other authenticator versions.
        let older_chart = job.jupyterhub.as_ref().is_some_and(|j| {
            matches!(
                super::nearest_compiled_release(&j.version),
                Match::TooOld | Match::Unparsable
            )
        });
        freeform::check(sub, &job.nesting, !older_chart, &mut all);
        if !applied.iter().any(|a| a.is_jupyterhub) {
            image_tags_without_schema(sub, &mut all);
        }
    }
    if let Some(n) = note {
        all.push(HubFinding::new(
            Check::VersionFallback,
            &n.file,
            n.range,
            n.message.clone(),
        ));
    }
    let mut seen: Vec<(String, TextRange, Check)> = Vec::new();
    all.retain(|d| {
        if is_vendored(&d.file) {
            return false;
        }
        // One report per place and code, whichever schema found it first.
        let here = (d.file.clone(), d.range, d.check);
        if seen.contains(&here) {
            return false;
        }
        // A schema finding on a value makes a free-form Y003 warning on it redundant.
        if d.check == Check::NonString
            && d.severity.is_none()
            && seen.iter().any(|(f, r, _)| *f == d.file && *r == d.range)
        {
            return false;
        }
        seen.push(here);
        true
    });
    all
}

/// Without a schema for the hub's chart version, one fact still holds for every z2jh release:
/// an image's `tag` is a string. A plain `tag: 1.10` is the number 1.1 to helm.
fn image_tags_without_schema(z2jh: &crate::values::Merged, out: &mut Vec<HubFinding>) {
    use crate::yaml::helm::{resolve_yaml11, Resolved};
    let mut path = Vec::new();
    z2jh.walk(&mut path, &mut |keys, m| {
        if keys.len() < 2 || keys[keys.len() - 1] != "tag" || keys[keys.len() - 2] != "image" {
            return;
        }
        let Some(node) = m.node else { return };
        let Some(scalar) = node.as_scalar() else {
            return;
        };
        if scalar.style != crate::yaml::ScalarStyle::Plain {
            return;
        }
        let resolved = resolve_yaml11(&scalar.text);
        if matches!(resolved, Resolved::String | Resolved::Null) {
            return;
        }
        let mut d = HubFinding::new(
            Check::NonString,
            m.file,
            node.range,
            format!(
                "helm reads {} as {}, but `{}` is an image tag, a string in every jupyterhub chart release",
                scalar.text,
                super::validate::describe_resolved(&resolved),
                keys.join(".")
            ),
        )
        .at(Severity::Error);
        d.fixes
            .push(super::validate::quote_fix(m.file, node.range, &scalar.text));
        out.push(d);
    });
}

/// Validate every job; one diagnostic per problem and place.
pub fn run(hubs: &HubValues) -> Vec<HubFinding> {
    let jobs = &hubs.jobs;
    let mut users: HashMap<&str, usize> = HashMap::new();
    for job in jobs {
        for f in &job.values_files {
            *users.entry(f.path.as_str()).or_default() += 1;
        }
    }
    // One finding per place and check; hubs on other chart versions that hit the same
    // problem only add their names.
    let mut pending: Vec<Pending> = Vec::new();
    let mut index: HashMap<(String, usize, usize, Check), usize> = HashMap::new();
    for (j, diags) in hubs.findings.iter().enumerate() {
        for d in diags {
            let key = (d.file.clone(), d.range.start, d.range.end, d.check);
            match index.get(&key) {
                Some(&i) => {
                    if !pending[i].hubs.contains(&j) {
                        pending[i].hubs.push(j);
                    }
                }
                None => {
                    index.insert(key, pending.len());
                    pending.push(Pending {
                        finding: d.clone(),
                        hubs: vec![j],
                    });
                }
            }
        }
    }
    let mut out = Vec::with_capacity(pending.len());
    for p in pending {
        let mut d = p.finding;
        let shared = users.get(d.file.as_str()).copied().unwrap_or(0) > 1;
        if shared && d.check != Check::VersionFallback {
            let names: Vec<&str> = p.hubs.iter().map(|&j| jobs[j].label.as_str()).collect();
            let shown = names.iter().take(6).copied().collect::<Vec<_>>().join(", ");
            let more = names.len().saturating_sub(6);
            d.message.push_str(&format!(
                " [{} {}: {}{}]",
                names.len(),
                if names.len() == 1 { "hub" } else { "hubs" },
                shown,
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ));
            for &j in &p.hubs {
                if let Some((file, range)) = &jobs[j].declared {
                    d.related.push(Related {
                        file: file.clone(),
                        range: *range,
                        message: format!("hub {} uses this file", jobs[j].label),
                    });
                }
            }
        }
        out.push(d);
    }
    out
}
