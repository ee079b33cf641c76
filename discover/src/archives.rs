//! Helm chart archives: what `helm dependency build` leaves in a chart's `charts/` folder
//! (`charts/jupyterhub-4.3.2.tgz`), usually ignored by git but present wherever the chart was
//! deployed from. The jupyterhub chart's `values.schema.json`, `values.yaml` and `Chart.yaml`
//! inside decide what helm accepts, so they are put into the workspace as if the archive were
//! unpacked (`charts/jupyterhub/values.schema.json`, ...), where core looks for an unpacked
//! chart first. Core itself reads no archives (it has no I/O and runs in the browser).

use std::io::Read;
use std::path::Path;

/// Archives larger than this are not opened (a chart archive is tens of kilobytes).
pub const MAX_ARCHIVE_BYTES: u64 = 16 * 1024 * 1024;
/// Bytes decompressed from one archive before giving up (a "zip bomb" guard).
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// The files of a chart archive hublint reads.
const WANTED: [&str; 4] = [
    "Chart.yaml",
    "values.yaml",
    "values.schema.json",
    "values.schema.yaml",
];

/// One file from an archive: the chart's folder name inside it (`jupyterhub`), the file
/// name, the bytes.
pub type ArchivedFile = (String, &'static str, Vec<u8>);

/// The chart files of a `.tgz` chart archive: `<chart>/Chart.yaml`, `values.yaml` and the
/// values schema of its top-level chart (not of charts nested inside it). An error says why
/// the archive cannot be read.
pub fn chart_files(compressed: &[u8]) -> Result<Vec<ArchivedFile>, String> {
    let limited = flate2::read::GzDecoder::new(compressed).take(MAX_UNPACKED_BYTES);
    let mut archive = tar::Archive::new(limited);
    let mut out = Vec::new();
    let entries = archive
        .entries()
        .map_err(|e| format!("not a gzip tar archive ({e})"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("not a readable chart archive ({e})"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry
            .path()
            .map_err(|e| format!("bad path in archive ({e})"))?
            .to_string_lossy()
            .into_owned();
        let mut parts = path.split('/');
        let (Some(chart), Some(name), None) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Some(&wanted) = WANTED.iter().find(|w| **w == name) else {
            continue;
        };
        if chart.is_empty() || chart.starts_with('.') {
            continue;
        }
        let size = entry.header().size().unwrap_or(u64::MAX);
        if size > hublint_core::workspace::MAX_TEXT_SIZE as u64 {
            return Err(format!("{path} is {size} bytes, over the limit"));
        }
        let mut bytes = Vec::with_capacity(size as usize);
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read {path} ({e})"))?;
        out.push((chart.to_string(), wanted, bytes));
    }
    if out.is_empty() {
        return Err("no chart inside (expected <chart>/Chart.yaml)".to_string());
    }
    Ok(out)
}

/// The `.tgz` files in `<chart_dir>/charts/` on disk (whether or not git ignores them), as
/// paths relative to `root`, sorted. Links are not followed.
pub fn archives_beside(root: &Path, chart_dir: &str) -> Vec<String> {
    let dir = root.join(chart_dir).join("charts");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.ends_with(".tgz").then(|| {
                if chart_dir.is_empty() {
                    format!("charts/{name}")
                } else {
                    format!("{chart_dir}/charts/{name}")
                }
            })
        })
        .collect();
    found.sort();
    found
}
