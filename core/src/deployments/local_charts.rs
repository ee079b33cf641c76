//! Local charts that lead to the jupyterhub chart and that nothing found so far deploys:
//! each `values-<env>.yaml` beside the chart's `values.yaml` is an environment (Argo CD
//! app-of-apps layouts pass `values.yaml` + `values-<env>.yaml`), else the chart with its
//! own defaults is one hub.

use crate::model::{FoundBy, Hub, RepoModel, Spanned, ValuesRef};
use crate::text::TextRange;
use crate::workspace::{join, Workspace};

pub fn find(ws: &Workspace, model: &RepoModel, hubs: &[Hub]) -> Vec<Hub> {
    let mut out = Vec::new();
    for chart in &model.charts {
        let vendored = chart.dir.starts_with("charts/") || chart.dir.contains("/charts/");
        let deployed = hubs
            .iter()
            .any(|h| h.chart_file.as_deref() == Some(&chart.file));
        let a_dependency = model.charts.iter().any(|c| {
            c.dependencies.iter().any(|d| {
                d.repository
                    .as_deref()
                    .and_then(|r| r.strip_prefix("file://"))
                    .is_some_and(|r| join(&join(&c.dir, r), "Chart.yaml") == chart.file)
            })
        });
        if vendored
            || deployed
            || a_dependency
            || !chart.file.ends_with("Chart.yaml")
            || !super::leads_to_jupyterhub(model, &chart.file)
        {
            continue;
        }
        let group = chart.name().map(str::to_string).unwrap_or_else(|| {
            chart
                .dir
                .rsplit('/')
                .next()
                .unwrap_or(&chart.dir)
                .to_string()
        });
        let prefix = if chart.dir.is_empty() {
            String::new()
        } else {
            format!("{}/", chart.dir)
        };
        let environments: Vec<&str> = ws
            .files()
            .filter(|f| {
                f.path.starts_with(&prefix)
                    && !f.path[prefix.len()..].contains('/')
                    && model.is_data(&f.path)
                    && environment_of(f.file_name()).is_some()
            })
            .map(|f| f.path.as_str())
            .collect();
        let used = |p: &str| {
            hubs.iter()
                .any(|h| h.values_files.iter().any(|v| v.path == p))
        };
        let mut any = false;
        for path in environments.into_iter().filter(|p| !used(p)) {
            let env = environment_of(path.rsplit('/').next().unwrap_or(path)).unwrap_or_default();
            let name = Spanned::new(env.to_string(), path, TextRange::empty(0));
            let mut hub = Hub::new(FoundBy::ChartEnvironment, &group, name.clone());
            hub.cluster_file = chart.file.clone();
            hub.chart_file = Some(chart.file.clone());
            hub.values_files.push(ValuesRef::file(
                path,
                Spanned::new(path.to_string(), path, TextRange::empty(0)),
            ));
            out.push(hub);
            any = true;
        }
        if !any {
            let name = Spanned::new(group.clone(), &chart.file, TextRange::empty(0));
            let mut hub = Hub::new(FoundBy::Chart, "", name);
            hub.chart_file = Some(chart.file.clone());
            out.push(hub);
        }
    }
    out
}

/// `values-idfprod.yaml` → `idfprod`; `values.yaml` and other names → none.
fn environment_of(file_name: &str) -> Option<&str> {
    let stem = file_name
        .strip_suffix(".yaml")
        .or_else(|| file_name.strip_suffix(".yml"))?;
    stem.strip_prefix("values-")
        .or_else(|| stem.strip_prefix("values."))
        .filter(|e| !e.is_empty() && !e.contains("schema"))
}
