//! Instagram's publishing errors (`../shared/platforms/meta-api.md` §1.13, §3.3) in plain words,
//! each with what Herald does next. Codes Instagram shares with Facebook (tokens, permissions,
//! rate limits) fall through to [`crate::graph`].

use std::time::Duration;

use herald_core::publish::{PublishFailure, Retry};

use crate::graph::GraphFailure;

/// The platform's name in sentences.
pub(crate) const NETWORK: &str = "Instagram";

/// A retry soon, for Instagram's transient failures.
const SOON: Duration = Duration::from_secs(60);

/// What to do with the containers after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Containers {
    /// Keep them: the next attempt continues with them.
    Keep,
    /// They are spent (expired, failed, unknown): the next attempt creates new ones.
    Recreate,
}

/// A failure classified for Instagram, with what becomes of the containers.
#[derive(Debug, Clone)]
pub(crate) struct InstagramFailure {
    pub failure: PublishFailure,
    pub containers: Containers,
}

/// Classifies a failed Graph call.
pub(crate) fn classify(failure: &GraphFailure) -> InstagramFailure {
    match failure {
        GraphFailure::Api { error, .. } => {
            if let Some(known) = error
                .error_subcode
                .and_then(|sub| by_subcode(sub, error.code_text()))
            {
                return known;
            }
            if error.message.contains("not an Instagram Business") {
                return keep(never(
                    &error.code_text(),
                    "This Instagram account is not a professional account. Switch it to a Business or Creator account in the Instagram app, then reconnect it in Herald.",
                ));
            }
            keep(failure.to_publish_failure(NETWORK))
        }
        other => keep(other.to_publish_failure(NETWORK)),
    }
}

/// Classifies a container that ended in `ERROR`, from its `status` text (which carries the
/// subcode, e.g. "Error: Media upload has failed with error code 2207052").
pub(crate) fn container_error(status: &str) -> InstagramFailure {
    let mut classified = subcode_in(status)
        .and_then(|sub| by_subcode(sub, sub.to_string()))
        .unwrap_or_else(|| InstagramFailure {
            failure: PublishFailure {
                code: "container_error".to_owned(),
                message: format!(
                    "Instagram could not process the media ({}). Herald will try again with a fresh upload.",
                    status.trim()
                ),
                retry: Retry::After(SOON),
            },
            containers: Containers::Recreate,
        });
    // A container in ERROR can never be published: whatever the cause, start over.
    classified.containers = Containers::Recreate;
    classified
}

/// The first `2207…` number in a text.
fn subcode_in(text: &str) -> Option<i64> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 7 && word.starts_with("2207"))
        .and_then(|word| word.parse().ok())
}

/// The known subcodes; `code` is how the failure's code is shown ("36003/2207009").
fn by_subcode(subcode: i64, code: String) -> Option<InstagramFailure> {
    let retry_soon = |message: &str| PublishFailure {
        code: code.clone(),
        message: message.to_owned(),
        retry: Retry::After(SOON),
    };
    let classified = match subcode {
        2207003 => recreate(retry_soon("Instagram took too long to download the media. Herald will try again with a fresh upload.")),
        2207020 => recreate(retry_soon("The upload Instagram was holding expired before it was published. Herald will upload the media again.")),
        2207001 => keep(retry_soon("Instagram had a server problem. Herald will try again shortly.")),
        2207032 | 2207053 | 2207082 => recreate(retry_soon("Instagram could not take the upload. Herald will try again with a fresh upload.")),
        2207006 | 2207008 => recreate(retry_soon("Instagram no longer has the prepared upload (it expired or was not found). Herald will upload the media again.")),
        2207077 => recreate(retry_soon("Instagram could not download the video. Herald will try again; if it keeps failing, check that the media relay is reachable from the internet (Settings → Media relay → Test).")),
        2207052 => recreate(retry_soon("Instagram could not fetch the media from the media relay (2207052). Herald will try again; if it keeps failing, check that the relay bucket is reachable from the internet (Settings → Media relay → Test).")),
        2207027 => keep(retry_soon("Instagram is still processing the media. Herald will publish it as soon as it is ready.")),
        2207051 => keep(PublishFailure {
            code: code.clone(),
            message: "Instagram is restricting activity on this account to protect its community (suspected automated posting). Herald will wait an hour before trying again; post less often if this repeats.".to_owned(),
            retry: Retry::RateLimited(Duration::from_secs(60 * 60)),
        }),
        2207042 => keep(PublishFailure {
            code: code.clone(),
            message: "Instagram's daily limit of API posts for this account is reached. Herald will publish when a slot frees up.".to_owned(),
            retry: Retry::RateLimited(Duration::from_secs(60 * 60)),
        }),
        2207050 => keep(never(&code, "The Instagram account is restricted. Open the Instagram app to resolve it, then retry the post in Herald.")),
        2207057 => keep(never(&code, "The reel's cover frame is outside the video. Pick a cover time within the video and retry.")),
        2207023 => keep(never(&code, "Instagram does not know this kind of media. Choose Post, Carousel, Reel or Story and retry.")),
        2207028 => keep(never(&code, "Instagram carousels take 2 to 10 photos or videos. Change the number of items and retry.")),
        2207040 => keep(never(&code, "Instagram allows at most 20 @mentions or tags in a post. Remove some and retry.")),
        2207026 | 2207085 => recreate(never(&code, "Instagram cannot process this video. Export it as MP4 (H.264 video, AAC audio, 'fast start') and retry.")),
        2207004 => keep(never(&code, "The photo is larger than Instagram's 8 MB. Use a smaller photo and retry.")),
        2207005 => keep(never(&code, "Instagram accepts JPEG photos only and this one is not. Replace it and retry.")),
        2207009 => keep(never(&code, "Instagram does not accept this photo's shape: feed photos must be between 4:5 and 1.91:1. Choose Fit or Crop in the post and retry.")),
        2207010 => keep(never(&code, "The caption is over Instagram's limits (2,200 characters, 30 hashtags, 20 @mentions). Shorten it and retry.")),
        2207081 => keep(never(&code, "This account cannot publish trial reels. Turn off the trial option and retry.")),
        _ => return None,
    };
    Some(classified)
}

fn never(code: &str, message: &str) -> PublishFailure {
    PublishFailure {
        code: code.to_owned(),
        message: message.to_owned(),
        retry: Retry::Never,
    }
}

fn keep(failure: PublishFailure) -> InstagramFailure {
    InstagramFailure {
        failure,
        containers: Containers::Keep,
    }
}

fn recreate(failure: PublishFailure) -> InstagramFailure {
    InstagramFailure {
        failure,
        containers: Containers::Recreate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::GraphError;

    fn api(code: i64, subcode: Option<i64>, message: &str) -> GraphFailure {
        GraphFailure::Api {
            status: 400,
            error: GraphError {
                message: message.to_owned(),
                code,
                error_subcode: subcode,
                ..GraphError::default()
            },
            retry_after: None,
        }
    }

    #[test]
    fn the_documented_codes_become_sentences_with_a_next_step() {
        let aspect = classify(&api(36003, Some(2207009), "aspect ratio"));
        assert_eq!(aspect.failure.code, "36003/2207009");
        assert_eq!(aspect.failure.retry, Retry::Never);
        assert!(aspect.failure.message.contains("Fit or Crop"));

        let fetch = classify(&api(9004, Some(2207052), "could not be fetched"));
        assert!(matches!(fetch.failure.retry, Retry::After(_)));
        assert_eq!(fetch.containers, Containers::Recreate);

        let quota = classify(&api(9, Some(2207042), "max posts"));
        assert!(matches!(quota.failure.retry, Retry::RateLimited(_)));

        let token = classify(&api(190, Some(463), "Session has expired"));
        assert_eq!(token.failure.retry, Retry::Reconnect);
        assert!(token.failure.message.contains("Instagram"));

        let throttled = classify(&api(80002, None, "too many calls"));
        assert!(matches!(throttled.failure.retry, Retry::RateLimited(_)));
    }

    #[test]
    fn a_failed_container_is_read_from_its_status_text() {
        let failed = container_error("Error: Media upload has failed with error code 2207052");
        assert_eq!(failed.failure.code, "2207052");
        assert_eq!(failed.containers, Containers::Recreate);
        let unknown = container_error("Error: something new");
        assert_eq!(unknown.failure.code, "container_error");
        assert!(matches!(unknown.failure.retry, Retry::After(_)));
    }
}
