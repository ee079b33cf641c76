//! `hublint rule CODE` / `hublint rule --all`.

use hublint_core::rules;

#[derive(clap::Args)]
pub struct RuleArgs {
    /// A rule code (`V001`) or name (`from-tag-disagrees-with-chart`).
    code: Option<String>,
    /// List every rule: code, default severity, fixable, name and summary.
    #[arg(long)]
    all: bool,
    /// Print as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: RuleArgs) -> anyhow::Result<i32> {
    if args.all || args.code.is_none() {
        if args.json {
            let list: Vec<serde_json::Value> = rules::all().iter().map(|r| rule_json(r)).collect();
            println!("{}", serde_json::to_string_pretty(&list)?);
        } else {
            for r in rules::all() {
                println!(
                    "{}  {:<7}  {}  {:<32}  {}",
                    r.code,
                    r.severity.as_str(),
                    if r.fixable { "fix" } else { "   " },
                    r.name,
                    r.summary()
                );
            }
        }
        return Ok(0);
    }
    let code = args.code.unwrap_or_default();
    let Some(rule) = rules::by_code(&code) else {
        eprintln!("hublint: no rule `{code}`; `hublint rule --all` lists them");
        return Ok(2);
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rule_json(rule))?);
    } else {
        println!("# {} ({})\n", rule.code, rule.name);
        println!(
            "Default severity: {}. Fix: {}.\n",
            rule.severity.as_str(),
            if rule.fixable { "yes" } else { "no" }
        );
        print!("{}", rule.doc);
    }
    Ok(0)
}

fn rule_json(r: &rules::Rule) -> serde_json::Value {
    serde_json::json!({
        "code": r.code, "name": r.name, "severity": r.severity.as_str(),
        "fixable": r.fixable, "summary": r.summary(), "doc": r.doc,
    })
}
