use super::{Context, Sink};
use crate::config::days_from_iso;
use crate::diagnostic::Severity;

/// How long an experiment may run before it must be rolled into the main image or removed.
const EXPERIMENT_DAYS: i64 = 28;

declare_rule! {
    /// ## What it does
    /// For each image listed under `experimental-images` in `.hublint.yaml` with a `since`
    /// date, reports the experiment once it is older than 4 weeks and still built by
    /// chartpress.yaml or still used by a hub, naming the hubs that run it. Opt-in: without a
    /// `since` date nothing is reported, since the repository records no start date itself.
    ///
    /// ## Why
    /// An experimental hub image (its own requirements file and chartpress entry, pointed at
    /// from a few hubs' `hub.image`) gets four weeks: by then the change is part of the main
    /// image or taken out. Forgotten experiments keep hubs on images that no longer receive
    /// the main image's updates; 2i2c's history has experiments that ran for more than a year.
    ///
    /// ## Example
    /// ```yaml
    /// # .hublint.yaml
    /// experimental-images:
    ///   quay.io/2i2c/pkce-experiment: { since: 2024-10-01 }
    /// ```
    ///
    /// ## Fix
    /// Roll the change into the main image (its requirements into `requirements.txt`), move the
    /// hubs back to the default image, and remove the experiment's chartpress entry.
    X001, "experiment-overdue", Warning, fixable: false, check
}

fn check(ctx: &Context, sink: &mut Sink) {
    let Some(today) = ctx.config.today.as_deref().and_then(days_from_iso) else {
        return;
    };
    for exp in &ctx.config.experimental_images {
        let Some(since) = exp.since.as_deref().and_then(days_from_iso) else {
            continue;
        };
        let age = today - since;
        let built = ctx.model.images.iter().find(|i| i.full_name == exp.name);
        let mut users = Vec::new();
        for (file, refs) in ctx.values_image_refs() {
            for r in refs {
                if r.name == exp.name {
                    users.push((file.path.clone(), r.name_range));
                }
            }
        }
        if built.is_none() && users.is_empty() {
            continue;
        }
        let (file, range) = match built {
            Some(img) => (img.config_file.clone(), img.key.range),
            None => users[0].clone(),
        };
        let used_in: Vec<&str> = users.iter().map(|(f, _)| f.as_str()).collect();
        let severity = if age > EXPERIMENT_DAYS {
            Severity::Warning
        } else {
            Severity::Info
        };
        let message = if age > EXPERIMENT_DAYS {
            format!(
                "experimental image `{}` started {} and is {age} days old (limit {EXPERIMENT_DAYS}): roll it into the main image or remove it{}",
                exp.name,
                exp.since.as_deref().unwrap_or_default(),
                if used_in.is_empty() { String::new() } else { format!("; used in {}", used_in.join(", ")) }
            )
        } else {
            format!(
                "experimental image `{}`: day {age} of {EXPERIMENT_DAYS}",
                exp.name
            )
        };
        let d = sink.report(&file, range, message);
        d.severity = severity;
        for (f, r) in users {
            d.with_related_in_place(&f, r, "runs the experimental image");
        }
    }
}
