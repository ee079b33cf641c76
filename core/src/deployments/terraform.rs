//! Terraform's helm provider: `resource "helm_release" "<name>" { chart, version, values =
//! [file("…"), templatefile("…", {…})], set { … } }` in `.tf` files. Relative paths are the
//! module folder's.

use crate::model::{FoundBy, Hub, RemoteChart, RepoModel, Spanned, ValuesRef};
use crate::text::TextRange;
use crate::workspace::{join, Workspace};

pub fn find(ws: &Workspace, _model: &RepoModel) -> Vec<Hub> {
    let mut hubs = Vec::new();
    for file in ws.files().filter(|f| f.path.ends_with(".tf")) {
        let Some(text) = file.text() else { continue };
        let mut from = 0;
        while let Some(i) = text[from..].find("\"helm_release\"").map(|i| i + from) {
            from = i + 1;
            let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
            let head = text[line_start..i].trim();
            if head != "resource" {
                continue;
            }
            let Some(open) = text[i..].find('{').map(|o| o + i) else {
                continue;
            };
            let Some(close) = matching_brace(text, open) else {
                continue;
            };
            let body = &text[open + 1..close];
            let name_range = text[i + 14..open]
                .find('"')
                .map(|q| i + 14 + q + 1)
                .and_then(|s| text[s..open].find('"').map(|e| TextRange::new(s, s + e)));
            let name = name_range
                .map(|r| text[r.start..r.end].to_string())
                .unwrap_or_else(|| "helm_release".into());
            let attr = |key: &str| {
                attribute(body, key)
                    .map(|(v, r)| (v, TextRange::new(r.start + open + 1, r.end + open + 1)))
            };
            let Some((chart, _)) = attr("chart") else {
                continue;
            };
            let dir = file.dir();
            let declared = Spanned::new(
                name,
                &file.path,
                name_range.unwrap_or(TextRange::new(i, i + 14)),
            );
            let mut hub = Hub::new(FoundBy::Terraform, "", declared);
            let local = join(&join(dir, &chart), "Chart.yaml");
            if ws.contains(&local) {
                hub.chart_file = Some(local);
            } else {
                hub.remote_chart = Some(RemoteChart {
                    name: chart.rsplit('/').next().unwrap_or(&chart).to_string(),
                    version: attr("version").map(|(v, r)| Spanned::new(v, &file.path, r)),
                });
            }
            if let Some(values_at) = body.find("values").filter(|&v| {
                body[v..]
                    .trim_start_matches("values")
                    .trim_start()
                    .starts_with('=')
            }) {
                let list_start = body[values_at..].find('[').map(|b| b + values_at);
                let list_end = list_start.and_then(|s| body[s..].find(']').map(|e| e + s));
                if let (Some(s), Some(e)) = (list_start, list_end) {
                    for (path, range) in file_calls(&body[s..e]) {
                        let range =
                            TextRange::new(range.start + s + open + 1, range.end + s + open + 1);
                        let resolved = join(dir, path.trim_start_matches("${path.module}/"));
                        let written = Spanned::new(path.clone(), &file.path, range);
                        hub.push_values(ValuesRef::named(ws, &resolved, written));
                    }
                }
            }
            if body.lines().any(|l| {
                let t = l.trim_start();
                !t.starts_with('#')
                    && (t.starts_with("set ")
                        || t.starts_with("set{")
                        || t.starts_with("set_sensitive"))
            }) {
                hub.has_hidden_values = true;
            }
            hubs.push(hub);
        }
    }
    hubs
}

fn matching_brace(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `key = "value"` at the start of a line of the block (nested blocks' keys excepted).
fn attribute(body: &str, key: &str) -> Option<(String, TextRange)> {
    let mut depth = 0;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim_start();
        if depth == 0 {
            if let Some(rest) = t.strip_prefix(key) {
                let rest = rest.trim_start();
                if let Some(value) = rest.strip_prefix('=') {
                    let value = value.trim();
                    if let Some(inner) = value.strip_prefix('"').and_then(|v| v.split('"').next()) {
                        let start = offset + line.find('"').unwrap_or(0) + 1;
                        return Some((
                            inner.to_string(),
                            TextRange::new(start, start + inner.len()),
                        ));
                    }
                }
            }
        }
        depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
        offset += line.len();
    }
    None
}

/// The paths of `file("…")` and `templatefile("…", …)` calls, with their ranges.
fn file_calls(list: &str) -> Vec<(String, TextRange)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = list[from..].find("file(\"").map(|i| i + from) {
        from = i + 6;
        let line_start = list[..i].rfind('\n').map_or(0, |n| n + 1);
        if list[line_start..i].trim_start().starts_with('#') {
            continue;
        }
        let start = i + 6;
        if let Some(end) = list[start..].find('"') {
            out.push((
                list[start..start + end].to_string(),
                TextRange::new(start, start + end),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_release_values_in_order() {
        let mut ws = Workspace::new();
        ws.insert_text("helm/chart/Chart.yaml", "apiVersion: v2\nname: pc\nversion: 1.0.0\ndependencies:\n  - name: daskhub\n    version: \"2022.11.0\"\n    repository: https://helm.dask.org\n");
        ws.insert_text("helm/chart/config.yaml", "daskhub: {}\n");
        ws.insert_text("helm/extra.yaml", "daskhub: {}\n");
        ws.insert_text(
            "terraform/resources/hub.tf",
            "resource \"helm_release\" \"dhub\" {\n  name = local.n\n  chart = \"../../helm/chart\"\n  values = [\n    \"${templatefile(\"../../helm/chart/config.yaml\", { a = 1 })}\",\n    # \"${file(\"../../helm/old.yaml\")}\",\n    \"${file(\"../../helm/extra.yaml\")}\",\n  ]\n  set {\n    name  = \"daskhub.jupyterhub.x\"\n    value = 1\n  }\n}\n",
        );
        let model = RepoModel::build(&ws, &crate::Config::default());
        let hub = model
            .hubs
            .iter()
            .find(|h| h.found_by == FoundBy::Terraform)
            .expect("found");
        assert_eq!(hub.name.value, "dhub");
        assert_eq!(hub.chart_file.as_deref(), Some("helm/chart/Chart.yaml"));
        let files: Vec<&str> = hub.values_files.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(files, ["helm/chart/config.yaml", "helm/extra.yaml"]);
        assert!(hub.has_hidden_values);
        assert_eq!(hub.nesting, ["daskhub", "jupyterhub"]);
        assert_eq!(
            hub.jupyterhub.as_ref().map(|j| j.version.as_str()),
            Some("2.0.0")
        );
    }
}
