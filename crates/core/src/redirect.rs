//! Where a sign-in may send the browser next. A `?tiep=` address comes from whoever wrote
//! the link, so following it blindly is an open redirect (OWASP ASVS 5.1.5): browsers read
//! `/\t/evil.example` and `/\evil.example` as `//evil.example`, another site.

/// `next` if it is a path on this site, else `None` (the caller falls back to its default
/// page). Accepted: a single leading `/`, then no second `/` or `\` right after it, no
/// control character or whitespace anywhere (browsers strip tabs and newlines before
/// parsing, and a newline in a header is a 500), no backslash at all, no scheme.
pub fn same_site_path(next: &str) -> Option<&str> {
    let rest = next.strip_prefix('/')?;
    let bad_char = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
    let ok = next.len() < 300 && !rest.starts_with('/') && !next.chars().any(bad_char) && !rest.split(['/', '?', '#']).next().unwrap_or("").contains(':');
    ok.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        for good in ["/", "/ho-so-cua-toi", "/tra-cuu?ma=HS-1&x=a:b", "/thu-tuc/1.001193#phi"] {
            assert_eq!(same_site_path(good), Some(good), "{good}");
        }
        for bad in [
            "", "ho-so", "//evil.example", "/\\evil.example", "/\t/evil.example", "\t/evil.example", "/\n/evil.example", "/a\r\nSet-Cookie: x=1",
            "https://evil.example", "/https://evil.example", "javascript:alert(1)", "/javascript:alert(1)", "/ ho-so", "/a\u{0}b", "/a\u{a0}b",
        ] {
            assert_eq!(same_site_path(bad), None, "{bad:?}");
        }
        assert_eq!(same_site_path(&format!("/{}", "a".repeat(400))), None);
    }
}
