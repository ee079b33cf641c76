//! `format`, as helm's validator (santhosh-tekuri/jsonschema, draft-07) asserts it: helm
//! refuses `'x' is not valid email`, so hublint checks the same formats. A format it does not
//! know (or `idn-email`, which helm leaves unchecked) accepts anything. Checked against helm
//! by `tests/oracle/schemas.py`.

/// Why `s` is not of `format`, or `None` when it is (or the format is not checked).
pub fn violation(format: &str, s: &str) -> Option<&'static str> {
    let ok = match format {
        "email" => is_email(s),
        "hostname" => is_hostname(s),
        "ipv4" => is_ipv4(s),
        "ipv6" => is_ipv6(s),
        "date" => is_date(s),
        "time" => is_time(s),
        "date-time" => is_date_time(s),
        "uuid" => is_uuid(s),
        "json-pointer" => is_json_pointer(s),
        "relative-json-pointer" => is_relative_json_pointer(s),
        "duration" => is_duration(s),
        "regex" => is_regex(s),
        "uri" | "iri" => is_uri(s),
        "uri-reference" | "iri-reference" => is_uri_reference(s),
        "uri-template" => is_uri_template(s),
        _ => true,
    };
    (!ok).then_some(match format {
        "email" => "an email address",
        "hostname" => "a host name",
        "ipv4" => "an IPv4 address",
        "ipv6" => "an IPv6 address",
        "date" => "a date (YYYY-MM-DD)",
        "time" => "a time (HH:MM:SS with a zone)",
        "date-time" => "a date-time (RFC 3339)",
        "uuid" => "a UUID",
        "json-pointer" | "relative-json-pointer" => "a JSON pointer",
        "duration" => "an ISO 8601 duration",
        "regex" => "a regular expression",
        "uri" | "iri" => "an absolute URI",
        "uri-reference" | "iri-reference" => "a URI reference",
        _ => "a URI template",
    })
}

fn is_hostname(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn is_email(s: &str) -> bool {
    if s.len() > 254 {
        return false;
    }
    let Some(at) = s.rfind('@') else { return false };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    // An empty local part (`@example.org`) passes Helm's check.
    if local.len() > 64 {
        return false;
    }
    let quoted = local.len() > 1 && local.starts_with('"') && local.ends_with('"');
    if !quoted {
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return false;
        }
        let allowed = |c: char| {
            c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c) || !c.is_ascii()
        };
        if !local.chars().all(allowed) {
            return false;
        }
    }
    if let Some(ip) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        return match ip.strip_prefix("IPv6:") {
            Some(v6) => is_ipv6(v6),
            None => is_ipv4(ip),
        };
    }
    is_hostname(domain)
}

fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

fn is_ipv6(s: &str) -> bool {
    s.parse::<std::net::Ipv6Addr>().is_ok()
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(y), Some(m), Some(d)) = (digits(&s[..4], 4), digits(&s[5..7], 2), digits(&s[8..], 2))
    else {
        return false;
    };
    crate::yaml::is_calendar_date(y, m, d)
}

fn is_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 9 || b[2] != b':' || b[5] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) =
        (digits(&s[..2], 2), digits(&s[3..5], 2), digits(&s[6..8], 2))
    else {
        return false;
    };
    if h > 23 || m > 59 || sec > 60 {
        return false;
    }
    let mut rest = &s[8..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    let offset: i32 = match rest {
        "Z" | "z" => 0,
        _ => {
            let rb = rest.as_bytes();
            if rb.len() != 6 || (rb[0] != b'+' && rb[0] != b'-') || rb[3] != b':' {
                return false;
            }
            let (Some(zh), Some(zm)) = (digits(&rest[1..3], 2), digits(&rest[4..], 2)) else {
                return false;
            };
            if zh > 23 || zm > 59 {
                return false;
            }
            let minutes = (zh * 60 + zm) as i32;
            if rb[0] == b'+' {
                minutes
            } else {
                -minutes
            }
        }
    };
    // A leap second only at 23:59 UTC.
    sec < 60 || ((h * 60 + m) as i32 - offset).rem_euclid(1440) == 23 * 60 + 59
}

fn is_date_time(s: &str) -> bool {
    s.len() >= 20
        && s.is_char_boundary(10)
        && matches!(s.as_bytes()[10], b'T' | b't')
        && is_date(&s[..10])
        && is_time(&s[11..])
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_json_pointer(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    if !s.starts_with('/') {
        return false;
    }
    let b = s.as_bytes();
    (0..b.len()).all(|i| b[i] != b'~' || matches!(b.get(i + 1), Some(b'0' | b'1')))
}

fn is_relative_json_pointer(s: &str) -> bool {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 || (n > 1 && s.starts_with('0')) {
        return false;
    }
    let rest = &s[n..];
    rest == "#" || is_json_pointer(rest)
}

fn is_duration(s: &str) -> bool {
    let Some(mut rest) = s.strip_prefix('P') else {
        return false;
    };
    if rest.is_empty() {
        return false;
    }
    if let Some(weeks) = rest.strip_suffix('W') {
        return !weeks.is_empty() && weeks.bytes().all(|b| b.is_ascii_digit());
    }
    let mut units = "YMD";
    let mut any = false;
    let mut in_time = false;
    while !rest.is_empty() {
        if rest.starts_with('T') && !in_time {
            in_time = true;
            units = "HMS";
            rest = &rest[1..];
            if rest.is_empty() {
                return false;
            }
            continue;
        }
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        let Some(unit) = rest[n..].chars().next() else {
            return false;
        };
        let Some(at) = units.find(unit) else {
            return false;
        };
        if n == 0 {
            return false;
        }
        units = &units[at + 1..];
        rest = &rest[n + 1..];
        any = true;
    }
    any
}

fn is_regex(s: &str) -> bool {
    super::tree::go_regex(s).is_some()
}

/// `{` and `}` escaped where they do not make a repetition (`{2}`, `{1,3}`): Go reads `{a}` as
/// itself, regex-lite refuses it.
pub(super) fn literal_braces(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let repetition = tail.starts_with('{')
            && tail[1..].find('}').is_some_and(|j| {
                let inner = &tail[1..1 + j];
                !inner.is_empty()
                    && inner.bytes().all(|b| b.is_ascii_digit() || b == b',')
                    && inner.as_bytes()[0].is_ascii_digit()
            });
        if repetition {
            let j = tail.find('}').expect("checked");
            out.push_str(&tail[..=j]);
            rest = &tail[j + 1..];
        } else {
            out.push('\\');
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// `%` followed by two hex digits, everywhere.
fn escapes_ok(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).all(|i| {
        b[i] != b'%'
            || (i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit())
    })
}

/// Go's `url.Parse`, the parts that decide whether it fails: control bytes, a `:` first, a
/// colon in the first segment of a relative path, an invalid port, a bad `%` escape. Returns
/// (scheme, path) when it parses.
fn go_url_parse(s: &str) -> Option<(&str, &str)> {
    if s.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return None;
    }
    let (s, fragment) = s.split_once('#').unwrap_or((s, ""));
    if !escapes_ok(fragment) {
        return None;
    }
    let mut scheme = "";
    for (i, c) in s.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return None,
            ':' => {
                scheme = &s[..i];
                break;
            }
            _ => break,
        }
    }
    let rest = &s[scheme.len() + usize::from(!scheme.is_empty())..];
    let rest = rest.split_once('?').map_or(rest, |(r, _)| r);
    if !rest.starts_with('/') {
        if !scheme.is_empty() {
            return Some((scheme, rest)); // opaque: `mailto:x@y`
        }
        if rest.split('/').next().is_some_and(|seg| seg.contains(':')) {
            return None;
        }
    }
    let mut path = rest;
    if rest.starts_with("//") && (!scheme.is_empty() || !rest.starts_with("///")) {
        let after = &rest[2..];
        let end = after.find('/').unwrap_or(after.len());
        let authority = &after[..end];
        path = &after[end..];
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let port = if let Some(v6) = host.strip_prefix('[') {
            let (_, port) = v6.split_once(']')?;
            port
        } else {
            host.rfind(':').map_or("", |i| &host[i..])
        };
        let port_ok = port.is_empty()
            || (port.starts_with(':') && port[1..].bytes().all(|b| b.is_ascii_digit()));
        if !port_ok {
            return None;
        }
        if !escapes_ok(authority) {
            return None;
        }
    }
    escapes_ok(path).then_some((scheme, path))
}

fn is_uri_reference(s: &str) -> bool {
    !s.contains('\\') && go_url_parse(s).is_some()
}

fn is_uri(s: &str) -> bool {
    go_url_parse(s).is_some_and(|(scheme, _)| !scheme.is_empty())
}

/// Parses as a URL, and each path segment has its `{` `}` paired and not nested.
fn is_uri_template(s: &str) -> bool {
    let Some((_, path)) = go_url_parse(s) else {
        return false;
    };
    path.split('/').all(|segment| {
        let mut depth = 0i32;
        for c in segment.chars() {
            match c {
                '{' => {
                    depth += 1;
                    if depth != 1 {
                        return false;
                    }
                }
                '}' => {
                    depth -= 1;
                    if depth != 0 {
                        return false;
                    }
                }
                _ => {}
            }
        }
        depth == 0
    })
}

#[cfg(test)]
mod tests {
    use super::violation;

    /// What helm v4.2.3 said for each (tests/oracle/schemas.py checks many more).
    #[test]
    fn formats_as_helm_asserts_them() {
        for (format, bad) in [
            ("email", "x"),
            ("ipv4", "1.2.3"),
            ("date-time", "x"),
            ("uri", "x y"),
            ("regex", "("),
            ("regex", r"\p{Old_Italic}"),
            ("regex", r"\p{Garay}"),
            ("email", "x@"),
            ("hostname", "-x"),
            ("date", "2024-02-30"),
            ("time", "12:00:00"),
            ("ipv6", "::g"),
            ("uri-reference", "\\\\"),
            ("uri-reference", "::g"),
            ("uri-reference", "12:00:00+01:00"),
            ("uri-template", "2024-01-02T03:04:05Z"),
            ("json-pointer", "a"),
            ("uri-template", "{"),
            ("iri", "x"),
            ("relative-json-pointer", "x"),
            ("duration", "x"),
            ("uuid", "x"),
        ] {
            assert!(violation(format, bad).is_some(), "{format} {bad}");
        }
        for (format, good) in [
            ("email", "a.b@example.org"),
            ("email", "@x"),
            ("regex", r"^\p{L}+$"),
            ("regex", r"[\P{Greek}\d]"),
            ("ipv4", "10.0.0.1"),
            ("date-time", "2024-01-02T03:04:05Z"),
            ("uri", "https://example.org/x?y=1"),
            ("uri", "mailto:x@y"),
            ("uri-reference", "x y"),
            ("uri-template", "/a/{b}"),
            ("regex", "{a}"),
            ("regex", "a{2}"),
            ("hostname", "hub.example.org"),
            ("time", "23:59:60Z"),
            ("duration", "P1DT2H"),
            ("idn-email", "x"),
            ("unknownfmt", "x"),
        ] {
            assert!(violation(format, good).is_none(), "{format} {good}");
        }
    }
}
