//! `hublint hubs [PATH]`: what discovery understood — every hub, how it was found, its
//! chart and jupyterhub version and where they came from, its values files in merge order,
//! the images it runs; then the files left out and why. `--values HUB` prints a hub's merged
//! values (with `--show-origin`, each leaf's file:line).

use anyhow::Result;
use hublint_core::deployments::report::{merged_values, report, scope_line};
use hublint_core::model::RepoModel;
use hublint_discover::{load_with, root_for, LoadOptions};
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum HubsFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
pub struct HubsArgs {
    /// The repository (default: the current directory).
    path: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = HubsFormat::Text)]
    output_format: HubsFormat,
    /// Print this hub's merged values (its name as listed, e.g. `cluster/hub`).
    #[arg(long, value_name = "HUB")]
    values: Option<String>,
    /// With --values: give each value's origin (file:line).
    #[arg(long, requires = "values")]
    show_origin: bool,
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
    let loaded = load_with(
        &root,
        &LoadOptions {
            exclude: args.exclude.clone(),
        },
    )?;
    loaded.ws.parse_all();
    let model = RepoModel::build(&loaded.ws, &loaded.config);
    if let Some(name) = &args.values {
        let Some(hub) = model.hubs.iter().find(|h| &h.label() == name) else {
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
        };
        let (json, origins) = merged_values(&loaded.ws, &model, hub);
        match (args.output_format, args.show_origin) {
            (HubsFormat::Json, false) => println!("{}", serde_json::to_string_pretty(&json)?),
            (HubsFormat::Json, true) => {
                let list: Vec<serde_json::Value> = origins
                    .iter()
                    .map(|(path, value, origin)| serde_json::json!({"path": path, "value": value, "origin": origin}))
                    .collect();
                println!("{}", serde_json::to_string_pretty(&list)?);
            }
            (HubsFormat::Text, _) => {
                for (path, value, origin) in &origins {
                    if args.show_origin {
                        println!("{path} = {value}  # {origin}");
                    } else {
                        println!("{path} = {value}");
                    }
                }
            }
        }
        return Ok(0);
    }
    let report = report(&loaded.ws, &model);
    match args.output_format {
        HubsFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
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
            println!("{}", scope_line(&model));
        }
    }
    Ok(0)
}
