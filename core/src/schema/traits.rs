//! The configurable traits of the classes people set under `hub.config`: JupyterHub, the
//! Authenticator and Spawner families, KubeSpawner and the OAuthenticator classes. The
//! names are facts read from the released packages by `scripts/gen-schemas.py traits`
//! (union over the JupyterHub 4/5 generation the z2jh 3.x/4.x charts ship).

use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::OnceLock;

static TRAITS_JSON: &str = include_str!("../../data/schemas/traits.json");

struct Class {
    bases: Vec<String>,
    traits: Vec<String>,
}

fn classes() -> &'static HashMap<String, Class> {
    static CLASSES: OnceLock<HashMap<String, Class>> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let doc: Json = serde_json::from_str(TRAITS_JSON).unwrap_or(Json::Null);
        let strings = |v: Option<&Json>| -> Vec<String> {
            v.and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut out = HashMap::new();
        if let Some(map) = doc.get("classes").and_then(Json::as_object) {
            for (name, c) in map {
                out.insert(
                    name.clone(),
                    Class {
                        bases: strings(c.get("bases")),
                        traits: strings(c.get("traits")),
                    },
                );
            }
        }
        out
    })
}

/// `class` and every known class it inherits from, nearest first (each once).
fn lineage(class: &str) -> Vec<&'static str> {
    let all = classes();
    let mut out: Vec<&'static str> = Vec::new();
    let Some((name, _)) = all.get_key_value(class) else {
        return out;
    };
    out.push(name.as_str());
    let mut i = 0;
    while i < out.len() && out.len() < 64 {
        for b in &all[out[i]].bases {
            if let Some((bn, _)) = all.get_key_value(b.as_str()) {
                if !out.contains(&bn.as_str()) {
                    out.push(bn.as_str());
                }
            }
        }
        i += 1;
    }
    out
}

/// Whether hublint knows this class's traits.
pub fn is_known_class(name: &str) -> bool {
    classes().contains_key(name)
}

/// Known class names, sorted.
pub fn known_classes() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut v: Vec<&'static str> = classes().keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    })
}

/// Every trait settable on `class`, its own and its parents'; `None` for an unknown class.
pub fn traits_of(class: &str) -> Option<Vec<&'static str>> {
    if !is_known_class(class) {
        return None;
    }
    let all = classes();
    Some(
        lineage(class)
            .into_iter()
            .flat_map(|c| all[c].traits.iter().map(String::as_str))
            .collect(),
    )
}

/// Traits a `hub.config.<class>` section may set: traitlets applies a section to every
/// instance of that class or a subclass, so a trait only a subclass has is used when that
/// subclass is the one configured (`Authenticator.logout_redirect_url` for an
/// OAuthenticator). `None` for an unknown class.
pub fn settable_in_section(class: &str) -> Option<&'static [&'static str]> {
    // Each class's list is made when first asked for: making all of them up front (every
    // class against every subclass) was most of the first check's time in the browser.
    static SETTABLE: OnceLock<HashMap<&'static str, OnceLock<Vec<&'static str>>>> = OnceLock::new();
    let slots = SETTABLE.get_or_init(|| {
        known_classes()
            .iter()
            .map(|&c| (c, OnceLock::new()))
            .collect()
    });
    let (&class, slot) = slots.get_key_value(class)?;
    let list = slot.get_or_init(|| {
        let mut out = traits_of(class).unwrap_or_default();
        for &sub in known_classes() {
            if sub != class && lineage(sub).contains(&class) {
                out.extend(traits_of(sub).unwrap_or_default());
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    });
    Some(list.as_slice())
}

/// Whether some known class inherits from `class`.
pub fn has_known_subclasses(class: &str) -> bool {
    known_classes()
        .iter()
        .any(|c| *c != class && lineage(c).contains(&class))
}

/// The class that defines `trait_name` for `class` (itself or the nearest parent).
pub fn defined_on(class: &str, trait_name: &str) -> Option<&'static str> {
    let all = classes();
    lineage(class)
        .into_iter()
        .find(|c| all[*c].traits.iter().any(|t| t == trait_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inherited_traits_are_valid_on_subclasses() {
        let gh = traits_of("GitHubOAuthenticator").unwrap();
        for t in [
            "allowed_organizations",
            "client_id",
            "oauth_callback_url",
            "admin_users",
            "allow_all",
        ] {
            assert!(gh.contains(&t), "{t}");
        }
        assert_eq!(
            defined_on("GitHubOAuthenticator", "admin_users"),
            Some("Authenticator")
        );
        let ks = traits_of("KubeSpawner").unwrap();
        for t in [
            "image_pull_policy",
            "working_dir",
            "http_timeout",
            "cpu_limit",
        ] {
            assert!(ks.contains(&t), "{t}");
        }
        let jh = traits_of("JupyterHub").unwrap();
        for t in ["authenticator_class", "log_level", "concurrent_spawn_limit"] {
            assert!(jh.contains(&t), "{t}");
        }
        assert!(!settable_in_section("Authenticator")
            .unwrap()
            .contains(&"authenticator_class"));
        // Only OAuthenticator has it, and a section applies to subclasses too.
        assert!(!traits_of("Authenticator")
            .unwrap()
            .contains(&"logout_redirect_url"));
        assert!(settable_in_section("Authenticator")
            .unwrap()
            .contains(&"logout_redirect_url"));
        // Multiple inheritance: a Local variant has both parents' traits.
        let local = traits_of("LocalGitHubOAuthenticator").unwrap();
        assert!(local.contains(&"create_system_users") && local.contains(&"allowed_organizations"));
        assert!(traits_of("GoogleOAuthenticator")
            .unwrap()
            .contains(&"allowed_hosted_domains"));
        assert!(traits_of("UsageQuotaManager").is_none());
        for c in [
            "GenericOAuthenticator",
            "CILogonOAuthenticator",
            "Auth0OAuthenticator",
            "AzureAdOAuthenticator",
            "GoogleOAuthenticator",
            "GitLabOAuthenticator",
            "OAuthenticator",
            "Spawner",
        ] {
            assert!(is_known_class(c), "{c}");
        }
    }
}
