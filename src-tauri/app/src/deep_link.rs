//! `herald://` links the window accepts, parsed strictly: anything else is refused with a
//! logged reason (never acted on). Today: `herald://post/<id>` opens a post (from a
//! notification); OAuth returns arrive with the accounts issue.

use herald_core::domain::PostId;

/// The longest link considered at all.
const MAX_LEN: usize = 512;

/// What a link asks the window to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeepLink {
    /// Show this post's detail.
    OpenPost(PostId),
}

/// Parses a link, or says why it is refused (the reason never echoes the link's parameters).
pub fn parse(url: &tauri::Url) -> Result<DeepLink, &'static str> {
    if url.as_str().len() > MAX_LEN {
        return Err("too long");
    }
    if url.scheme() != "herald" {
        return Err("not a herald:// link");
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.port().is_some()
    {
        return Err("unexpected parameters");
    }
    match (url.host_str(), url.path()) {
        (Some("post"), path) => {
            let digits = path.strip_prefix('/').unwrap_or_default();
            if digits.is_empty()
                || digits.len() > 18
                || !digits.bytes().all(|b| b.is_ascii_digit())
                || (digits.len() > 1 && digits.starts_with('0'))
            {
                return Err("not a post id");
            }
            digits
                .parse()
                .map(DeepLink::OpenPost)
                .map_err(|_| "not a post id")
        }
        _ => Err("unknown link"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<DeepLink, &'static str> {
        parse(&tauri::Url::parse(text).unwrap())
    }

    #[test]
    fn accepts_only_well_formed_post_links() {
        assert_eq!(parsed("herald://post/42"), Ok(DeepLink::OpenPost(42)));
        for bad in [
            "herald://post/",
            "herald://post/42?token=x",
            "herald://post/42#x",
            "herald://post/-1",
            "herald://post/4e2",
            "herald://post/042",
            "herald://post/99999999999999999999",
            "herald://evil/42",
            "http://post/42",
            "herald://user@post/42",
        ] {
            assert!(parsed(bad).is_err(), "{bad}");
        }
        let long = format!("herald://post/{}", "1".repeat(600));
        assert_eq!(parsed(&long), Err("too long"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

            /// Whatever another program sends, parsing never panics, and what is accepted is
            /// exactly a canonical post link.
            #[test]
            fn any_link_is_refused_or_canonical(
                host in "(post|evil|POST|oauth|)",
                path in "/?[0-9a-z%./-]{0,24}",
                tail in "(\\?[a-z=&]{0,12}|#[a-z]{0,6}|)",
            ) {
                let text = format!("herald://{host}{path}{tail}");
                if let Ok(url) = tauri::Url::parse(&text) {
                    if let Ok(DeepLink::OpenPost(id)) = parse(&url) {
                        prop_assert!(id >= 0);
                        prop_assert_eq!(url.as_str(), format!("herald://post/{id}"));
                    }
                }
            }

            /// Arbitrary bytes as a URL never panic the parser.
            #[test]
            fn arbitrary_text_never_panics(text in "\\PC{0,600}") {
                if let Ok(url) = tauri::Url::parse(&text) {
                    let _ = parse(&url);
                }
            }
        }
    }
}
