//! `herald://` links the window accepts, parsed strictly: anything else is refused with a
//! logged reason (never acted on, never echoing the link). `herald://post/<id>` opens a post
//! (from a notification); `herald://oauth/instagram|facebook?code=…&state=…` (or `error=…`)
//! finishes a sign-in, with only the parameters Meta sends, each once, within sizes.

use herald_core::domain::PostId;
use herald_platforms::connect::{parse_sign_in_link, OAuthCallback};

/// The longest link considered at all (sign-in codes run to a few hundred characters).
const MAX_LEN: usize = 4096;

/// What a link asks the window to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeepLink {
    /// Show this post's detail.
    OpenPost(PostId),
    /// A sign-in came back from the platform (through Herald's redirect page).
    SignIn(OAuthCallback),
}

/// Parses a link, or says why it is refused (the reason never echoes the link's parameters).
pub fn parse(url: &tauri::Url) -> Result<DeepLink, &'static str> {
    if url.as_str().len() > MAX_LEN {
        return Err("too long");
    }
    if url.scheme() != "herald" {
        return Err("not a herald:// link");
    }
    if url.host_str() == Some("oauth") {
        return parse_sign_in_link(url).map(DeepLink::SignIn);
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
        let long = format!("herald://post/{}", "1".repeat(5000));
        assert_eq!(parsed(&long), Err("too long"));
    }

    /// The desktop entry the .deb installs hands `herald://` links to the window (`%u`) and
    /// claims the scheme; the entry registered at run time (tested end to end) does the same.
    #[test]
    fn the_installed_desktop_entry_takes_herald_links() {
        let entry = include_str!("../linux/herald.desktop");
        let has = |line: &str| entry.lines().any(|l| l == line);
        assert!(has("Exec={{exec}} %u"), "{entry}");
        assert!(has("MimeType=x-scheme-handler/herald;"), "{entry}");
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../../../tauri.conf.json")).unwrap();
        assert_eq!(
            config["bundle"]["linux"]["deb"]["desktopTemplate"],
            "src-tauri/app/linux/herald.desktop"
        );
        assert_eq!(
            config["plugins"]["deep-link"]["desktop"]["schemes"][0],
            "herald"
        );
    }

    mod properties {
        use super::*;
        use herald_platforms::connect::CallbackResult;
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

            /// Sign-in links built from arbitrary parameters are refused or give back exactly a
            /// well-formed code or error with Herald's kind of state.
            #[test]
            fn sign_in_links_are_refused_or_well_formed(
                path in "/(instagram|facebook|tiktok|x)?",
                names in proptest::collection::vec("(code|state|error|error_reason|error_description|error_code|access_token|scopes|c%6Fde)", 0..6),
                values in proptest::collection::vec("[ -~]{0,80}", 6),
            ) {
                let query: Vec<String> = names
                    .iter()
                    .zip(&values)
                    .map(|(n, v)| format!("{n}={}", url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()))
                    .collect();
                let text = format!("herald://oauth{path}?{}", query.join("&"));
                if let Ok(url) = tauri::Url::parse(&text) {
                    if let Ok(DeepLink::SignIn(callback)) = parse(&url) {
                        prop_assert_eq!(callback.state.len(), 64);
                        prop_assert!(callback.state.bytes().all(|b| b.is_ascii_hexdigit()));
                        match callback.result {
                            CallbackResult::Code(code) => prop_assert!(code.expose().bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~*!".contains(&b))),
                            CallbackResult::Denied { error, .. } => prop_assert!(error.len() <= 64),
                        }
                    }
                }
            }

            /// A genuine callback always parses back to what was sent.
            #[test]
            fn genuine_sign_in_links_round_trip(
                state in "[0-9a-f]{64}",
                code in "[A-Za-z0-9_.~*!-]{1,600}",
                facebook in proptest::bool::ANY,
            ) {
                let network = if facebook { "facebook" } else { "instagram" };
                let encoded: String = url::form_urlencoded::byte_serialize(code.as_bytes()).collect();
                let url = tauri::Url::parse(&format!("herald://oauth/{network}?code={encoded}&state={state}")).unwrap();
                let Ok(DeepLink::SignIn(callback)) = parse(&url) else {
                    return Err(TestCaseError::fail("refused a genuine link"));
                };
                prop_assert_eq!(callback.state, state);
                prop_assert_eq!(callback.result, CallbackResult::Code(herald_core::vault::Secret::new(code)));
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
