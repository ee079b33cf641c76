//! `hublint hubs [PATH]`: what discovery understood — every hub, how it was found, its
//! chart and jupyterhub version and where they came from, its values files in merge order,
//! the images it runs; then the files left out and why. `--values HUB` prints the values a
//! hub's files give the jupyterhub chart, merged as helm merges them (`--with-defaults`: the
//! values the chart renders with, chart defaults coalesced; `--show-origin`: each leaf's
//! file:line).

use anyhow::Result;
use hublint_core::model::{Hub, RepoModel};
use hublint_core::report::{merged_values, report, scope_line, values_as_yaml, HubValues};
use hublint_discover::{load_with, root_for, LoadOptions};
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HubsFormat {
    Text,
    Json,
    /// With --values: the values as YAML.
    Yaml,
}

#[derive(clap::Args)]
pub struct HubsArgs {
    /// The repository (default: the current directory).
    path: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = HubsFormat::Text)]
    output_format: HubsFormat,
    /// Print this hub's merged values (its name as listed, e.g. `cluster/hub`); `*` for
    /// every hub, as a list of `{"hub", "values"}` (with --show-origin, `"origins"`).
    #[arg(long, value_name = "HUB")]
    values: Option<String>,
    /// With --values: give each value's origin (file:line).
    #[arg(long, requires = "values")]
    show_origin: bool,
    /// With --values: the values the jupyterhub chart renders with (what its templates and
    /// its schema see on `helm install`): every chart's defaults coalesced as helm does,
    /// `global` handed down. Without it: what the hub's values files give, merged in order
    /// (`helm get values`).
    #[arg(long, requires = "values")]
    with_defaults: bool,
    /// With --with-defaults: the jupyterhub chart folder whose `values.yaml` holds its
    /// defaults (e.g. from `helm pull jupyterhub/jupyterhub --untar`), when no unpacked
    /// chart sits beside the hub's chart.
    #[arg(long, value_name = "DIR", requires = "with_defaults")]
    jupyterhub_chart: Option<PathBuf>,
    /// Leave out files matching these patterns (gitignore syntax).
    #[arg(long)]
    exclude: Vec<String>,
}

pub fn run(args: HubsArgs) -> Result<i32> {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if !path.exists() {
        anyhow::bail!("{}: no such file or directory", path.display());
    }
    let root = root_for(&path);
    let mut loaded = load_with(
        &root,
        &LoadOptions {
            exclude: args.exclude.clone(),
        },
    )?;
    loaded.ws.parse_all();
    let model = RepoModel::build(&loaded.ws, &loaded.config);
    match &args.values {
        Some(name) => print_values(&args, name, &mut loaded, &model),
        None => {
            print_report(&loaded.ws, &model, args.output_format)?;
            Ok(0)
        }
    }
}

/// `--values HUB` (or `'*'`): the hub's merged values, as JSON, YAML or `path = value` lines.
fn print_values(
    args: &HubsArgs,
    name: &str,
    loaded: &mut hublint_discover::Loaded,
    model: &RepoModel,
) -> Result<i32> {
    let chosen: Vec<Hub> = if name == "*" {
        model.hubs.clone()
    } else {
        model
            .hubs
            .iter()
            .filter(|h| h.label() == *name)
            .take(1)
            .cloned()
            .collect()
    };
    if chosen.is_empty() {
        let names: Vec<String> = model.hubs.iter().map(|h| h.label()).collect();
        eprintln!(
            "hublint: no hub `{name}`; hubs here: {}",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        );
        return Ok(2);
    }
    let z2jh_defaults = match &args.jupyterhub_chart {
        Some(dir) => {
            let file = dir.join("values.yaml");
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            // Not a repository path: a name of its own, shown as the origin of defaults.
            let name = file.display().to_string();
            loaded.ws.insert_text(&name, text);
            Some(name)
        }
        None => None,
    };
    let merge = |hub: &Hub| {
        merged_values(
            &loaded.ws,
            model,
            hub,
            args.with_defaults,
            z2jh_defaults.as_deref(),
        )
    };
    if name == "*" {
        let mut all = Vec::new();
        for hub in &chosen {
            let values = merge(hub);
            let mut entry = serde_json::json!({"hub": hub.label(), "notes": values.notes});
            if args.show_origin {
                entry["origins"] = origins_json(&values);
            } else {
                entry["values"] = values.json;
            }
            all.push(entry);
        }
        let all = serde_json::Value::Array(all);
        match args.output_format {
            HubsFormat::Yaml => print!("{}", values_as_yaml(&all, &|_| None)),
            _ => println!("{}", serde_json::to_string_pretty(&all)?),
        }
        return Ok(0);
    }
    let hub = &chosen[0];
    let values = merge(hub);
    for note in &values.notes {
        eprintln!("hublint: note: {note}");
    }
    let origin_of = |path: &str| {
        values
            .origins
            .iter()
            .find(|(p, _, _)| p == path)
            .map(|(_, _, o)| o.clone())
    };
    match (args.output_format, args.show_origin) {
        (HubsFormat::Json, false) => {
            println!("{}", serde_json::to_string_pretty(&values.json)?)
        }
        (HubsFormat::Json, true) => {
            println!("{}", serde_json::to_string_pretty(&origins_json(&values))?);
        }
        (HubsFormat::Yaml, show) => {
            let none = |_: &str| None;
            let origin: &dyn Fn(&str) -> Option<String> = if show { &origin_of } else { &none };
            print!("{}", values_as_yaml(&values.json, origin));
        }
        (HubsFormat::Text, _) => {
            for (path, value, origin) in &values.origins {
                if args.show_origin {
                    println!("{path} = {value}  # {origin}");
                } else {
                    println!("{path} = {value}");
                }
            }
        }
    }
    Ok(0)
}

/// The hubs report: each hub, how it was found, its chart, versions, values files, images.
fn print_report(
    ws: &hublint_core::workspace::Workspace,
    model: &RepoModel,
    format: HubsFormat,
) -> Result<()> {
    let report = report(ws, model);
    match format {
        HubsFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        HubsFormat::Yaml => print!(
            "{}",
            values_as_yaml(&serde_json::to_value(&report)?, &|_| None)
        ),
        HubsFormat::Text => {
            for hub in &report.hubs {
                println!("{}", hub.name);
                println!("  found by     {} at {}", hub.found_by, hub.declared_at);
                if let Some(chart) = &hub.chart {
                    match &hub.chart_version {
                        Some(v) => println!("  chart        {chart} {v}"),
                        None => println!("  chart        {chart}"),
                    }
                }
                match (&hub.jupyterhub_version, &hub.jupyterhub_version_from) {
                    (Some(v), Some(from)) => {
                        let via = hub
                            .jupyterhub_version_via
                            .as_deref()
                            .map(|v| format!("; {v}"))
                            .unwrap_or_default();
                        println!("  jupyterhub   {v} ({from}{via})");
                    }
                    _ => println!("  jupyterhub   version not found"),
                }
                let at = if hub.values_path.is_empty() {
                    "(root)"
                } else {
                    hub.values_path.as_str()
                };
                println!("  values at    {at}");
                for (i, f) in hub.values_files.iter().enumerate() {
                    let note = f
                        .note
                        .as_deref()
                        .map(|n| format!("  [{n}]"))
                        .unwrap_or_default();
                    println!("  {:>2}. {}{note}", i + 1, f.path);
                }
                for image in &hub.images {
                    println!("  image        {image}");
                }
            }
            if !report.skipped.is_empty() {
                println!("skipped");
                for s in &report.skipped {
                    println!("  {}  ({})", s.path, s.reason);
                }
            }
            println!("{}", scope_line(model));
        }
    }
    Ok(())
}

/// Each leaf with its key path, value and origin.
fn origins_json(values: &HubValues) -> serde_json::Value {
    values
        .origins
        .iter()
        .map(|(path, value, origin)| serde_json::json!({"path": path, "value": value, "origin": origin}))
        .collect()
}
