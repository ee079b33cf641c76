//! `.hublint.yaml` `hubs:`: what discovery cannot know, written down.
//!
//! ```yaml
//! hubs:
//!   - name: staging
//!     chart: binderhub            # jupyterhub, binderhub, daskhub, or a chart folder
//!     version: 1.0.0-0.dev.git.3396.h693ba30   # that chart's version
//!     values-path: binderhub.jupyterhub        # where z2jh values sit (optional)
//!     files: [deploy/common.yaml, deploy/staging.yaml]   # in helm's -f order
//! ```

use crate::config::{Config, CONFIG_FILE};
use crate::model::{
    spanned_str, FoundBy, Hub, JupyterhubVersion, RemoteChart, RepoModel, ValuesRef,
};
use crate::workspace::{join, Workspace};
use crate::yaml::Node;

pub fn find(ws: &Workspace, _model: &RepoModel, _config: &Config) -> Vec<Hub> {
    let mut hubs = Vec::new();
    let Some(file) = ws.get(CONFIG_FILE) else {
        return hubs;
    };
    let Some(entries) = file
        .yaml_root()
        .and_then(|r| r.get("hubs"))
        .and_then(Node::as_sequence)
    else {
        return hubs;
    };
    for entry in entries {
        let Some(name) = entry.get("name").and_then(|n| spanned_str(n, &file.path)) else {
            continue;
        };
        let mut hub = Hub::new(FoundBy::Configured, "", name);
        let version = entry
            .get("version")
            .and_then(|n| spanned_str(n, &file.path));
        let chart = entry
            .get("chart")
            .and_then(Node::as_str)
            .unwrap_or("jupyterhub");
        let local = if chart.ends_with("Chart.yaml") {
            chart.to_string()
        } else {
            join(chart, "Chart.yaml")
        };
        if ws.contains(&local) {
            hub.chart_file = Some(local);
        } else {
            hub.remote_chart = Some(RemoteChart {
                name: chart.rsplit('/').next().unwrap_or(chart).to_string(),
                version: version.clone(),
            });
        }
        if let Some(jh) = entry
            .get("jupyterhub-version")
            .and_then(|n| spanned_str(n, &file.path))
        {
            hub.jupyterhub = Some(JupyterhubVersion {
                version: jh.value.clone(),
                written: jh,
                via: Some("set in .hublint.yaml".into()),
            });
        }
        for f in entry
            .get("files")
            .and_then(Node::as_sequence)
            .unwrap_or_default()
        {
            let Some(written) = spanned_str(f, &file.path) else {
                continue;
            };
            let path = join("", &written.value);
            hub.push_values(ValuesRef::named(ws, &path, written));
        }
        if let Some(p) = entry.get("values-path").and_then(Node::as_str) {
            hub.nesting = p
                .split('.')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            // Resolution would overwrite the nesting: keep it by resolving the version here.
            if hub.jupyterhub.is_none() {
                if let Some(r) = &hub.remote_chart {
                    if r.name == "jupyterhub" {
                        hub.jupyterhub = version.map(|v| JupyterhubVersion {
                            version: v.value.clone(),
                            written: v,
                            via: None,
                        });
                    }
                }
            }
            hub.remote_chart = None;
            hub.chart_file = None;
        }
        hubs.push(hub);
    }
    hubs
}
