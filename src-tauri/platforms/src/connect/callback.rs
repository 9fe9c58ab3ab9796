//! The parameters a platform sends back at the end of a sign-in, read strictly: only the
//! names each platform documents, each at most once, within sizes and character sets. A
//! callback that breaks a rule is refused with a short reason that never repeats its values.

use herald_core::domain::Platform;
use herald_core::vault::Secret;

/// The longest authorization code accepted (Facebook's are a few hundred characters).
const MAX_CODE: usize = 2048;
/// The longest error text kept from a platform.
const MAX_DESCRIPTION: usize = 300;

/// A sign-in's result as the platform sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthCallback {
    pub platform: Platform,
    /// The `state` Herald sent (64 hex digits).
    pub state: String,
    pub result: CallbackResult,
}

/// Either a code to exchange, or the platform's refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackResult {
    /// The authorization code (single use, minutes to an hour of life).
    Code(Secret),
    /// The user cancelled, or the platform refused.
    Denied {
        error: String,
        reason: Option<String>,
        description: Option<String>,
    },
}

impl CallbackResult {
    /// The platform's refusal as a sentence for the user.
    pub fn denial_sentence(&self, platform: Platform) -> Option<String> {
        let CallbackResult::Denied {
            error,
            reason,
            description,
        } = self
        else {
            return None;
        };
        let network = platform.display_name();
        let cancelled =
            error == "access_denied" || reason.as_deref().is_some_and(|r| r == "user_denied");
        Some(if cancelled {
            format!("You cancelled the {network} sign-in, so nothing was connected. Connect again when you are ready.")
        } else {
            let detail = description.as_deref().unwrap_or(error);
            format!("{network} refused the sign-in ({detail}). Check the app's settings in Settings → Platforms, then connect again.")
        })
    }
}

/// The parameter names a platform may send back.
fn allowed(platform: Platform) -> &'static [&'static str] {
    match platform {
        Platform::Instagram | Platform::Facebook => &[
            "code",
            "state",
            "error",
            "error_reason",
            "error_description",
            "error_code",
        ],
        Platform::TikTok => &["code", "scopes", "state", "error", "error_description"],
    }
}

/// Reads a callback's query string (without `?`; a trailing `#…` fragment is ignored).
pub fn parse_callback(platform: Platform, query: &str) -> Result<OAuthCallback, &'static str> {
    let query = query.split('#').next().unwrap_or_default();
    if query.len() > 4096 {
        return Err("too long");
    }
    let names = allowed(platform);
    let mut values: Vec<(&'static str, String)> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let Some(known) = names.iter().find(|n| **n == name) else {
            return Err("unexpected parameter");
        };
        if values.iter().any(|(n, _)| n == known) {
            return Err("repeated parameter");
        }
        values.push((known, value.into_owned()));
    }
    let take = |name: &str| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let state = take("state").ok_or("no state")?;
    if state.len() != 64
        || !state
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err("not a state Herald issues");
    }
    let result = match (take("code"), take("error")) {
        (Some(code), None) => {
            let code = code.strip_suffix("#_").unwrap_or(&code).to_owned();
            if code.is_empty()
                || code.len() > MAX_CODE
                || !code.bytes().all(|b| {
                    b.is_ascii_alphanumeric()
                        || matches!(b, b'-' | b'_' | b'.' | b'~' | b'*' | b'!')
                })
            {
                return Err("not an authorization code");
            }
            CallbackResult::Code(Secret::new(code))
        }
        (None, Some(error)) => {
            let word = |text: &str| {
                !text.is_empty()
                    && text.len() <= 64
                    && text
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            };
            if !word(&error) {
                return Err("not an error name");
            }
            let reason = take("error_reason");
            if reason.as_deref().is_some_and(|r| !word(r)) {
                return Err("not an error reason");
            }
            let description = take("error_description").map(|d| {
                d.chars()
                    .filter(|c| !c.is_control())
                    .take(MAX_DESCRIPTION)
                    .collect::<String>()
            });
            CallbackResult::Denied {
                error,
                reason,
                description: description.filter(|d| !d.trim().is_empty()),
            }
        }
        (Some(_), Some(_)) => return Err("both a code and an error"),
        (None, None) => return Err("neither a code nor an error"),
    };
    Ok(OAuthCallback {
        platform,
        state,
        result,
    })
}

/// Reads a `herald://oauth/<instagram|facebook>?…` link (the redirect page's output).
pub fn parse_sign_in_link(link: &url::Url) -> Result<OAuthCallback, &'static str> {
    if link.scheme() != "herald" || link.host_str() != Some("oauth") {
        return Err("not a sign-in link");
    }
    if link.fragment().is_some() || !link.username().is_empty() || link.port().is_some() {
        return Err("unexpected parts");
    }
    let platform = match link.path() {
        "/instagram" => Platform::Instagram,
        "/facebook" => Platform::Facebook,
        _ => return Err("unknown sign-in"),
    };
    parse_callback(platform, link.query().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATE: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn link(text: &str) -> Result<OAuthCallback, &'static str> {
        parse_sign_in_link(&url::Url::parse(text).unwrap())
    }

    #[test]
    fn reads_a_code_and_strips_metas_suffix() {
        let cb = link(&format!(
            "herald://oauth/instagram?code=AQBx-y_z%23_&state={STATE}"
        ))
        .unwrap();
        assert_eq!(cb.platform, Platform::Instagram);
        assert_eq!(cb.result, CallbackResult::Code(Secret::new("AQBx-y_z")));
        let tiktok = parse_callback(
            Platform::TikTok,
            &format!("code=abc%2A0%216410&scopes=user.info.basic%2Cvideo.publish&state={STATE}"),
        )
        .unwrap();
        assert_eq!(
            tiktok.result,
            CallbackResult::Code(Secret::new("abc*0!6410"))
        );
    }

    #[test]
    fn a_cancelled_sign_in_reads_as_a_sentence() {
        let cb = link(&format!(
            "herald://oauth/facebook?error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied&state={STATE}"
        ))
        .unwrap();
        let sentence = cb.result.denial_sentence(Platform::Facebook).unwrap();
        assert!(
            sentence.starts_with("You cancelled the Facebook sign-in"),
            "{sentence}"
        );
    }

    #[test]
    fn refuses_anything_else() {
        for bad in [
            format!("herald://oauth/tiktok?code=a&state={STATE}"),
            format!("herald://oauth/instagram?code=a&state={STATE}&access_token=x"),
            format!("herald://oauth/instagram?code=a&code=b&state={STATE}"),
            format!("herald://oauth/instagram?code=a&error=x&state={STATE}"),
            format!("herald://oauth/instagram?state={STATE}"),
            "herald://oauth/instagram?code=a&state=short".to_owned(),
            format!("herald://oauth/instagram?code=a%20b&state={STATE}"),
            format!(
                "herald://oauth/instagram?code={}&state={STATE}",
                "a".repeat(2049)
            ),
            format!("herald://oauth/instagram?error=%3Cscript%3E&state={STATE}"),
            format!("herald://oauth/instagram/x?code=a&state={STATE}"),
            format!("herald://evil/instagram?code=a&state={STATE}"),
            format!("herald://oauth/instagram?code=a&state={STATE}#x"),
        ] {
            assert!(link(&bad).is_err(), "{bad}");
        }
    }
}
