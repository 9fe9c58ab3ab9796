//! TikTok's error codes and `fail_reason`s (`../shared/platforms/tiktok-api.md` §3.9, §6) as
//! sentences with a next step, and what the engine does with each.

use std::time::Duration;

use herald_core::publish::{PublishFailure, Retry};

use super::api::TikTokFailure;

/// TikTok gives no Retry-After; back off at least a minute (§5).
const RATE_LIMIT_WAIT: Duration = Duration::from_secs(90);
const SOON: Duration = Duration::from_secs(60);

/// A failed call as the engine sees it.
pub(crate) fn classify(failure: &TikTokFailure) -> PublishFailure {
    match failure {
        TikTokFailure::Network(reason) => PublishFailure {
            code: "network".to_owned(),
            message: format!("Could not reach TikTok ({reason}). Herald will try again; check the internet connection if this persists."),
            retry: Retry::After(SOON),
        },
        TikTokFailure::Malformed(reason) => PublishFailure {
            code: "bad_response".to_owned(),
            message: format!("TikTok sent an answer Herald does not understand ({reason}). Herald will try again."),
            retry: Retry::After(SOON),
        },
        TikTokFailure::Api { code, message, .. } => by_code(code, message),
    }
}

/// A known code (an error code or a `fail_reason`), with TikTok's message for the unknown ones.
pub(crate) fn by_code(code: &str, detail: &str) -> PublishFailure {
    let (message, retry) = match code {
        "access_token_invalid" => ("TikTok no longer accepts Herald's access to this account (the token expired or was revoked). Reconnect the account in Herald.".to_owned(), Retry::Reconnect),
        "scope_not_authorized" | "scope_permission_missed" => ("Herald is missing a TikTok permission for this account (video.publish or video.upload). Reconnect the account and grant every permission Herald asks for.".to_owned(), Retry::Reconnect),
        "auth_removed" => ("The creator removed Herald's access in TikTok. Reconnect the account to post again.".to_owned(), Retry::Reconnect),
        "rate_limit_exceeded" => ("TikTok asks Herald to slow down (rate limit). Herald will try again in a minute or two; nothing to do.".to_owned(), Retry::RateLimited(RATE_LIMIT_WAIT)),
        "spam_risk_too_many_posts" => ("This TikTok account reached its daily posting limit (about 15 posts a day, shared by every app). Herald will try again later; post from the TikTok app if it is urgent.".to_owned(), Retry::RateLimited(Duration::from_secs(3 * 60 * 60))),
        "spam_risk_too_many_pending_share" => ("The creator has too many TikTok drafts waiting in the inbox (5 per day). Post or delete them in TikTok, then retry.".to_owned(), Retry::Never),
        "spam_risk_user_banned_from_posting" => ("TikTok has banned this account from posting for now. Check the TikTok app; Herald will not retry.".to_owned(), Retry::Never),
        "reached_active_user_cap" => ("Herald's TikTok app reached its daily number of creators. Try again tomorrow.".to_owned(), Retry::RateLimited(Duration::from_secs(6 * 60 * 60))),
        "unaudited_client_can_only_post_to_private_accounts" => ("Your TikTok app is not audited yet: it can only post to a private account with 'Only me'. Set the account to private and the post to Only me, or send it as a draft to the TikTok inbox.".to_owned(), Retry::Never),
        "privacy_level_option_mismatch" => ("The privacy level chosen for this post is no longer one the creator can use on TikTok. Edit the post, choose again, and retry.".to_owned(), Retry::Never),
        "url_ownership_unverified" => ("TikTok refused to fetch from the media relay: its domain or URL prefix is not verified with your TikTok app (URL properties in the TikTok developer portal). Verify it, then retry.".to_owned(), Retry::Never),
        "invalid_param" | "invalid_params" => (format!("TikTok refused the request: {detail}. Edit the post and retry."), Retry::Never),
        "invalid_file_upload" | "file_format_check_failed" => ("TikTok could not read this video's format. Export it as MP4 (H.264 video, AAC audio) and retry.".to_owned(), Retry::Never),
        "duration_check_failed" => ("TikTok refused the video's length for this creator. Shorten it and retry.".to_owned(), Retry::Never),
        "frame_rate_check_failed" => ("TikTok refused the video's frame rate (it takes 23 to 60 frames per second). Export it again and retry.".to_owned(), Retry::Never),
        "picture_size_check_failed" => ("TikTok refused the picture size (360 to 4096 pixels a side; photos at most 1080p). Resize it and retry.".to_owned(), Retry::Never),
        "video_pull_failed" | "photo_pull_failed" => ("TikTok could not download the media from the relay. Herald will try again; check that the relay is reachable from the internet (Settings → Media relay → Test).".to_owned(), Retry::After(SOON)),
        "publish_cancelled" => ("The post was cancelled at TikTok.".to_owned(), Retry::Never),
        "spam_risk_text" => ("TikTok judged the caption as spam. Edit the caption and retry.".to_owned(), Retry::Never),
        "spam_risk" => ("TikTok refused the post as a spam risk. Herald will not retry.".to_owned(), Retry::Never),
        "app_version_check_failed" => ("The creator's TikTok app is too old for drafts of photo posts (31.8 or later is needed). Update TikTok and retry.".to_owned(), Retry::Never),
        "internal" | "internal_error" => ("TikTok had a temporary problem. Herald will try again.".to_owned(), Retry::After(SOON)),
        other => (
            format!("TikTok refused the post ({other}{}).", if detail.is_empty() { String::new() } else { format!(": {detail}") }),
            Retry::Never,
        ),
    };
    PublishFailure {
        code: code.to_owned(),
        message,
        retry,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: &str) -> PublishFailure {
        classify(&TikTokFailure::Api {
            status: 403,
            code: code.to_owned(),
            message: "m".to_owned(),
            log_id: None,
        })
    }

    #[test]
    fn every_documented_code_has_a_next_step() {
        assert_eq!(api("access_token_invalid").retry, Retry::Reconnect);
        assert!(matches!(
            api("rate_limit_exceeded").retry,
            Retry::RateLimited(_)
        ));
        assert!(matches!(
            api("spam_risk_too_many_posts").retry,
            Retry::RateLimited(_)
        ));
        let unaudited = api("unaudited_client_can_only_post_to_private_accounts");
        assert_eq!(unaudited.retry, Retry::Never);
        assert!(unaudited.message.contains("private"));
        assert!(api("url_ownership_unverified").message.contains("verified"));
        assert!(matches!(api("internal_error").retry, Retry::After(_)));
        assert!(api("something_new").message.contains("something_new"));
    }
}
