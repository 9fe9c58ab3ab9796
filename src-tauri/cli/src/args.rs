//! The command-line grammar. The names here are a contract other tools rely on.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use herald_core::domain::{Platform, PostKind};
use herald_core::options::{InstagramOptions, TikTokOptions};

/// Herald schedules and publishes posts to Instagram, Facebook Pages and TikTok from this machine.
#[derive(Debug, Parser)]
#[command(name = "herald", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Connected accounts.
    #[command(subcommand)]
    Accounts(AccountsCommand),
    /// Scheduled posts and drafts.
    #[command(subcommand)]
    Posts(PostsCommand),
    /// Run the scheduler in the foreground, without a tray icon.
    Run {
        /// Publish everything due now, wait for it to settle, then exit.
        #[arg(long)]
        until_idle: bool,
    },
    /// The resident process: scheduler, tray icon and notifications.
    Tray,
    /// Open the calendar window.
    Open,
    /// Pause publishing (every Herald process sees it).
    Pause,
    /// Resume publishing.
    Resume,
    /// Settings every Herald process shares.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Start the resident process at login, or stop doing so.
    Autostart {
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Try Herald with sandbox accounts: simulated Facebook Pages that publish to a local
    /// simulation (hosted by `herald tray` or `herald run`), removed again with `off`.
    Sandbox {
        #[arg(value_parser = ["on", "off"])]
        state: String,
        /// The port on 127.0.0.1 (default 47831).
        #[arg(long)]
        port: Option<u16>,
    },
    /// Your own developer apps ("bring your own app").
    #[command(subcommand)]
    Apps(AppsCommand),
    /// The media relay: your S3-compatible bucket that Instagram fetches media from.
    #[command(subcommand)]
    Relay(RelayCommand),
}

#[derive(Debug, Subcommand)]
pub enum RelayCommand {
    /// Store the relay bucket; its secret access key is read from standard input into the
    /// keyring. The HERALD_RELAY_* variables override these settings.
    Set {
        /// The S3 endpoint, e.g. https://s3.eu-west-1.amazonaws.com or an R2/B2/MinIO URL.
        #[arg(long)]
        endpoint: String,
        #[arg(long)]
        region: String,
        #[arg(long)]
        bucket: String,
        #[arg(long)]
        access_key_id: String,
    },
    /// Show the relay in effect (never its secret).
    Show(JsonFlag),
    /// Upload a tiny object, fetch it back through a presigned URL, delete it.
    Test,
    /// Delete objects left in the relay by an interrupted publish (older than two hours).
    Sweep,
    /// Forget the relay settings and delete its secret from the keyring.
    Clear,
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// List accounts.
    List(JsonFlag),
    /// Import an account from a token file.
    Import {
        #[arg(long, value_parser = parse_platform)]
        platform: Platform,
        /// JSON: {"access_token", "refresh_token"?, "expires_in"?, "refresh_expires_in"?, "scope"?}
        #[arg(long)]
        token_file: PathBuf,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Connect accounts by signing in at the platform in your browser (with your developer app,
    /// see `herald apps set`). Instagram and Facebook come back through your redirect page: the
    /// window finishes the sign-in, or paste the link it offers here. TikTok comes back to a
    /// listener on 127.0.0.1 by itself.
    Connect {
        #[arg(value_parser = parse_platform)]
        platform: Platform,
        /// Print the sign-in address instead of opening the browser.
        #[arg(long)]
        no_browser: bool,
        /// How long to wait for the sign-in, in seconds (at most 600).
        #[arg(long, default_value_t = 600)]
        timeout_secs: u64,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Finish an Instagram or Facebook sign-in with the herald://oauth/… link the redirect page
    /// offers (or the redirect page's own address).
    Complete {
        link: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Disconnect an account: posts the platform holds for later are cancelled there, its token
    /// is revoked where the platform allows (TikTok), its keyring entries are deleted, and its
    /// pending posts are stopped and kept as drafts (or deleted with --delete-posts).
    Disconnect {
        account_id: i64,
        /// Delete the account's posts instead of keeping them.
        #[arg(long)]
        delete_posts: bool,
        #[command(flatten)]
        json: JsonFlag,
    },
}

#[derive(Debug, Subcommand)]
pub enum PostsCommand {
    /// Create a post (or a draft) for one or more accounts.
    Create {
        /// An account to publish to; repeat for several.
        #[arg(long = "account")]
        accounts: Vec<i64>,
        /// When to publish: RFC 3339 (2026-12-01T09:00:00+01:00) or a local time
        /// (2026-12-01T09:00) read in --timezone. Optional for drafts.
        #[arg(long)]
        at: Option<String>,
        /// The IANA zone the post is planned in (default: this machine's zone).
        #[arg(long)]
        timezone: Option<String>,
        #[arg(long, default_value = "")]
        caption: String,
        /// A photo or video; repeat for several.
        #[arg(long = "media")]
        media: Vec<PathBuf>,
        #[arg(long, default_value = "post", value_parser = parse_kind)]
        kind: PostKind,
        /// Keep it as a draft: never published until scheduled.
        #[arg(long)]
        draft: bool,
        #[command(flatten)]
        instagram: Box<InstagramFlags>,
        #[command(flatten)]
        tiktok: Box<TikTokFlags>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Check a post against the rules of each network it targets: what would be refused,
    /// and what Herald would change (conversions, scaling).
    Check {
        post_id: i64,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// List posts, optionally within [--from, --to).
    List {
        /// Only posts with a failed or missed target (what needs your attention).
        #[arg(long, conflicts_with_all = ["from", "to"])]
        attention: bool,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Show one post and its targets.
    Show {
        post_id: i64,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Move a post to another time.
    Reschedule {
        post_id: i64,
        #[arg(long)]
        at: String,
        #[arg(long)]
        timezone: Option<String>,
    },
    /// Delete a post from Herald.
    Delete { post_id: i64 },
    /// Try failed or missed targets again, now.
    Retry {
        post_id: i64,
        /// Only this account's target.
        #[arg(long)]
        account: Option<i64>,
    },
    /// Publish a scheduled post now instead of at its time.
    PublishNow { post_id: i64 },
    /// Stop a post (or one account's target) from being published; it becomes a draft.
    Cancel {
        post_id: i64,
        /// Only this account's target.
        #[arg(long)]
        account: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Show the settings.
    Show(JsonFlag),
    /// How late (in minutes) an overdue post may still be published; later it is missed.
    GraceMinutes {
        #[arg(value_parser = clap::value_parser!(u16).range(0..=1440))]
        minutes: u16,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppsCommand {
    /// Store your developer app: its id (and for Instagram and Facebook the address of your
    /// hosted redirect page); its secret is read from standard input into the keyring (pipe
    /// nothing to keep the stored one).
    Set {
        #[arg(long, value_parser = parse_platform)]
        platform: Platform,
        /// The Instagram app id, Meta app id or TikTok client key.
        #[arg(long)]
        client_id: String,
        /// Instagram and Facebook: your hosted redirect page, exactly as registered in the
        /// app, e.g. https://you.github.io/herald/oauth/instagram/ (see docs/oauth).
        #[arg(long)]
        redirect_uri: Option<String>,
    },
    /// Show your developer apps (never their secrets).
    List(JsonFlag),
    /// Forget a developer app and delete its secret from the keyring.
    Remove {
        #[arg(long, value_parser = parse_platform)]
        platform: Platform,
    },
}

/// Instagram's options for `posts create`.
#[derive(Debug, Args, Clone, Default)]
pub struct InstagramFlags {
    /// Alternative text of a photo, for screen readers; repeat in --media order.
    #[arg(long = "alt-text")]
    pub alt_text: Vec<String>,
    /// A comment posted right after the post goes live (e.g. to hold the hashtags).
    #[arg(long)]
    pub first_comment: Option<String>,
    /// Photos outside Instagram's 4:5 to 1.91:1: pad them (fit) or crop them (crop).
    #[arg(long, value_parser = ["fit", "crop"])]
    pub aspect: Option<String>,
    /// Reels: a JPEG used as the cover.
    #[arg(long)]
    pub cover: Option<PathBuf>,
    /// Reels: the frame used as the cover, in milliseconds from the start.
    #[arg(long)]
    pub thumb_offset: Option<u32>,
    /// Reels: also show the reel in the main feed (default true).
    #[arg(long)]
    pub share_to_feed: Option<bool>,
}

impl InstagramFlags {
    /// The flags as stored options.
    pub fn into_options(self) -> Result<InstagramOptions, herald_core::CoreError> {
        let cover = self
            .cover
            .map(|path| {
                std::fs::canonicalize(&path)
                    .map(|p| p.to_string_lossy().into_owned())
                    .map_err(|err| {
                        herald_core::CoreError::invalid(format!(
                            "cover '{}' cannot be opened: {err}",
                            path.display()
                        ))
                    })
            })
            .transpose()?;
        Ok(InstagramOptions {
            first_comment: self.first_comment.filter(|c| !c.trim().is_empty()),
            share_to_feed: self.share_to_feed,
            cover,
            thumb_offset_ms: self.thumb_offset,
            aspect_fix: self.aspect.map(|a| a.parse()).transpose()?,
        })
    }
}

/// TikTok's Direct Post choices for `posts create` (TikTok requires each to be the user's own:
/// no privacy default, interactions off unless turned on).
#[derive(Debug, Args, Clone, Default)]
pub struct TikTokFlags {
    /// Who can see the post: everyone, friends, followers or only-me (required for TikTok).
    #[arg(long)]
    pub tiktok_privacy: Option<String>,
    /// Allow comments on the TikTok post.
    #[arg(long)]
    pub tiktok_allow_comment: bool,
    /// Allow duets (videos).
    #[arg(long)]
    pub tiktok_allow_duet: bool,
    /// Allow stitches (videos).
    #[arg(long)]
    pub tiktok_allow_stitch: bool,
    /// The post promotes your own business ("Your brand": labelled "Promotional content").
    #[arg(long)]
    pub tiktok_your_brand: bool,
    /// A paid partnership ("Branded content": labelled "Paid partnership"; never private).
    #[arg(long)]
    pub tiktok_branded_content: bool,
    /// Label the post as AI-generated.
    #[arg(long)]
    pub tiktok_ai_generated: bool,
    /// Send the video to the creator's TikTok inbox as a draft, to finish in the app.
    #[arg(long)]
    pub tiktok_draft: bool,
    /// Videos: the cover frame, in milliseconds from the start.
    #[arg(long)]
    pub tiktok_cover_ms: Option<u32>,
    /// Photo posts: the title (up to 90 characters; the caption is the description).
    #[arg(long)]
    pub tiktok_photo_title: Option<String>,
}

impl TikTokFlags {
    /// The flags as stored options.
    pub fn into_options(self) -> Result<TikTokOptions, herald_core::CoreError> {
        Ok(TikTokOptions {
            privacy_level: self.tiktok_privacy.map(|p| p.parse()).transpose()?,
            allow_comment: self.tiktok_allow_comment,
            allow_duet: self.tiktok_allow_duet,
            allow_stitch: self.tiktok_allow_stitch,
            your_brand: self.tiktok_your_brand,
            branded_content: self.tiktok_branded_content,
            ai_generated: self.tiktok_ai_generated,
            draft_in_app: self.tiktok_draft,
            cover_timestamp_ms: self.tiktok_cover_ms,
            photo_title: self.tiktok_photo_title.filter(|t| !t.trim().is_empty()),
        })
    }
}

#[derive(Debug, Args, Clone, Copy)]
pub struct JsonFlag {
    /// Print one JSON document.
    #[arg(long)]
    pub json: bool,
}

fn parse_platform(text: &str) -> Result<Platform, herald_core::CoreError> {
    text.parse()
}

fn parse_kind(text: &str) -> Result<PostKind, herald_core::CoreError> {
    text.parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }
}
