//! Posts and their targets: creating, listing by date range, moving and deleting, with the
//! rules that keep the publish state machine sound (a post that is live cannot be moved).

use std::collections::HashMap;
use std::path::PathBuf;

use jiff::civil::Date;
use jiff::Timestamp;

use crate::compose::Captions;
use crate::domain::{
    AccountId, AccountStatus, FirstCommentView, MediaKind, MediaView, Platform, PostId, PostKind,
    PostView, TargetError, TargetStatus, TargetView, UploadProgress,
};
use crate::error::{CoreError, CoreResult};
use crate::media;
use crate::options::PostOptions;
use crate::rules::{self, MediaItem, NetworkCheck, PostContent};
use crate::store::Store;
use crate::time::{self, DueTime};

/// How far in the past a new due time may be before it is refused (clock skew, slow typing).
const PAST_TOLERANCE_SECONDS: i64 = 60;

/// One account a post is checked for, with the caption its network gets.
#[derive(Debug, Clone)]
pub(crate) struct CheckTarget {
    pub(crate) account: AccountId,
    pub(crate) platform: Platform,
    pub(crate) name: String,
    /// The network's own caption, when it overrides the post's.
    pub(crate) caption: Option<String>,
}

/// What the user asked for when creating a post.
#[derive(Debug, Clone)]
pub struct NewPost {
    pub caption: String,
    pub kind: PostKind,
    /// `None` only for a draft without a date.
    pub due: Option<DueTime>,
    /// Drafts are kept but never published until scheduled.
    pub draft: bool,
    pub accounts: Vec<AccountId>,
    pub media: Vec<NewMedia>,
    pub options: PostOptions,
}

/// A media file to attach, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMedia {
    pub path: PathBuf,
    /// Alternative text for screen readers (photos).
    pub alt_text: Option<String>,
}

impl From<PathBuf> for NewMedia {
    fn from(path: PathBuf) -> Self {
        NewMedia {
            path,
            alt_text: None,
        }
    }
}

struct PostRow {
    id: i64,
    caption: String,
    kind: String,
    due_at: Option<i64>,
    timezone: String,
    draft: bool,
    options: String,
}

impl Store {
    /// Creates a post with one target per account, after checking every input; on any error
    /// nothing is written.
    pub async fn create_post(&self, new: NewPost, now: Timestamp) -> CoreResult<PostView> {
        self.create_post_with(new, &Captions::default(), None, now)
            .await
    }

    /// [`Store::create_post`] with per-network captions, and the zone an undated draft is
    /// planned in (the system's when `None`).
    pub(crate) async fn create_post_with(
        &self,
        new: NewPost,
        captions: &Captions,
        undated_zone: Option<&str>,
        now: Timestamp,
    ) -> CoreResult<PostView> {
        let zone = match (&new.due, new.draft) {
            (Some(due), _) => {
                if !new.draft {
                    refuse_past(due.at, now)?;
                }
                due.zone.clone()
            }
            (None, true) => undated_zone
                .map(str::to_owned)
                .unwrap_or_else(time::system_zone_name),
            (None, false) => {
                return Err(CoreError::invalid(
                    "a scheduled post needs a time (--at); only drafts may have none",
                ))
            }
        };
        time::zone(&zone)?;
        let media = attach(&new.media)?;
        let options = new.options.to_json();
        let mut accounts = new.accounts.clone();
        accounts.sort_unstable();
        accounts.dedup();

        let now_s = time::to_epoch(now);
        let due_at = new.due.as_ref().map(|due| time::to_epoch(due.at));
        let kind = new.kind.as_str();
        let status = if new.draft {
            TargetStatus::Draft
        } else {
            TargetStatus::Scheduled
        }
        .as_str();

        let targets = self.check_targets(&accounts, captions).await?;
        if !new.draft {
            let content = content_of(&new.caption, new.kind, &media, &new.options);
            let checks = self.checks_for(&targets, &content).await?;
            refuse_violations(&checks)?;
        }

        let mut tx = self.pool().begin().await?;
        let post_id = sqlx::query_scalar!(
            r#"INSERT INTO posts (caption, kind, due_at, timezone, draft, options, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
            new.caption,
            kind,
            due_at,
            zone,
            new.draft,
            options,
            now_s,
            now_s
        )
        .fetch_one(&mut *tx)
        .await?;
        insert_media(&mut tx, post_id, &media).await?;
        for target in &targets {
            let caption = captions.get(target.platform);
            sqlx::query!(
                "INSERT INTO targets (post_id, account_id, status, caption, updated_at) VALUES (?, ?, ?, ?, ?)",
                post_id,
                target.account,
                status,
                caption,
                now_s
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.post(post_id).await
    }

    /// The accounts a post goes to, each with its network's caption; refuses unknown and
    /// disconnected accounts.
    pub(crate) async fn check_targets(
        &self,
        accounts: &[AccountId],
        captions: &Captions,
    ) -> CoreResult<Vec<CheckTarget>> {
        self.account_targets(accounts, captions)
            .await?
            .into_iter()
            .map(|(target, status)| {
                if status == AccountStatus::Disconnected {
                    return Err(CoreError::conflict(format!(
                        "account {} ({}) is disconnected; connect it again before posting to it",
                        target.account, target.name
                    )));
                }
                Ok(target)
            })
            .collect()
    }

    /// The accounts a post goes to, each with its network's caption and its status; refuses
    /// unknown accounts.
    pub(crate) async fn account_targets(
        &self,
        accounts: &[AccountId],
        captions: &Captions,
    ) -> CoreResult<Vec<(CheckTarget, AccountStatus)>> {
        let mut targets = Vec::new();
        for account in accounts {
            let row = sqlx::query!(
                "SELECT status, platform, name FROM accounts WHERE id = ?",
                account
            )
            .fetch_optional(self.pool())
            .await?
            .ok_or(CoreError::NotFound {
                what: "account",
                id: *account,
            })?;
            let platform = row.platform.parse::<Platform>()?;
            let target = CheckTarget {
                account: *account,
                platform,
                name: row.name,
                caption: captions.get(platform).map(str::to_owned),
            };
            targets.push((target, row.status.parse::<AccountStatus>()?));
        }
        Ok(targets)
    }

    /// One post with its media and targets.
    pub async fn post(&self, id: PostId) -> CoreResult<PostView> {
        let row = sqlx::query_as!(
            PostRow,
            r#"SELECT id AS "id!", caption, kind, due_at, timezone, draft AS "draft: bool", options
               FROM posts WHERE id = ?"#,
            id
        )
        .fetch_optional(self.pool())
        .await?
        .ok_or(CoreError::NotFound { what: "post", id })?;
        let mut posts = self.with_children(vec![row]).await?;
        posts.pop().ok_or(CoreError::NotFound { what: "post", id })
    }

    /// What a post would be on each of its networks: broken rules, changes Herald would make
    /// to its media, and notices. Drafts may break rules; scheduled posts cannot be created so.
    pub async fn check_post(&self, id: PostId) -> CoreResult<Vec<NetworkCheck>> {
        let post = self.post(id).await?;
        let content = PostContent::from(&post);
        self.checks_for(&target_checks(&post), &content).await
    }

    /// The checks of a post for its accounts: once per network, and once per account where the
    /// rules depend on the account (TikTok's creator options). Each network is checked with its
    /// own caption.
    pub(crate) async fn checks_for(
        &self,
        targets: &[CheckTarget],
        content: &PostContent,
    ) -> CoreResult<Vec<NetworkCheck>> {
        let mut checks: Vec<NetworkCheck> = Vec::new();
        let mut sorted = targets.to_vec();
        sorted.sort_by(|a, b| {
            a.platform
                .as_str()
                .cmp(b.platform.as_str())
                .then(a.account.cmp(&b.account))
        });
        for target in sorted {
            let content = content.with_caption(target.caption.as_deref());
            if target.platform == Platform::TikTok {
                let creator = self.tiktok_creator(target.account).await?;
                let mut check = rules::check(target.platform, &content, creator.as_ref());
                check.account = Some(target.name);
                checks.push(check);
            } else if !checks.iter().any(|c| c.platform == Some(target.platform)) {
                checks.push(rules::check(target.platform, &content, None));
            }
        }
        Ok(checks)
    }

    /// Posts due in `[from, to)`, earliest first.
    pub async fn list_posts(&self, from: Timestamp, to: Timestamp) -> CoreResult<Vec<PostView>> {
        if to < from {
            return Err(CoreError::invalid(
                "the end of the range is before its start",
            ));
        }
        let (from, to) = (time::to_epoch(from), time::to_epoch(to));
        let rows = sqlx::query_as!(
            PostRow,
            r#"SELECT id AS "id!", caption, kind, due_at, timezone, draft AS "draft: bool", options
               FROM posts WHERE due_at >= ? AND due_at < ? ORDER BY due_at, id"#,
            from,
            to
        )
        .fetch_all(self.pool())
        .await?;
        self.with_children(rows).await
    }

    /// Every post, earliest first, drafts without a date last.
    pub async fn list_all_posts(&self) -> CoreResult<Vec<PostView>> {
        let rows = sqlx::query_as!(
            PostRow,
            r#"SELECT id AS "id!", caption, kind, due_at, timezone, draft AS "draft: bool", options
               FROM posts ORDER BY due_at IS NULL, due_at, id"#
        )
        .fetch_all(self.pool())
        .await?;
        self.with_children(rows).await
    }

    /// Posts with a target that failed or was missed, most recent first: the *Needs attention*
    /// list, so nothing depends on a notification having been seen.
    pub async fn list_needing_attention(&self) -> CoreResult<Vec<PostView>> {
        let rows = sqlx::query_as!(
            PostRow,
            r#"SELECT id AS "id!", caption, kind, due_at, timezone, draft AS "draft: bool", options
               FROM posts WHERE id IN (SELECT post_id FROM targets WHERE status IN ('failed', 'missed'))
               ORDER BY due_at DESC, id DESC"#
        )
        .fetch_all(self.pool())
        .await?;
        self.with_children(rows).await
    }

    /// Drafts that have no date yet (the calendar's sidebar).
    pub async fn list_undated_drafts(&self) -> CoreResult<Vec<PostView>> {
        let rows = sqlx::query_as!(
            PostRow,
            r#"SELECT id AS "id!", caption, kind, due_at, timezone, draft AS "draft: bool", options
               FROM posts WHERE due_at IS NULL ORDER BY updated_at DESC, id"#
        )
        .fetch_all(self.pool())
        .await?;
        self.with_children(rows).await
    }

    /// Moves a post to a new instant (and optionally a new zone). Targets that had failed or
    /// were missed are scheduled again; a post with a target that is publishing or published
    /// cannot move.
    pub async fn reschedule_post(
        &self,
        id: PostId,
        due: DueTime,
        now: Timestamp,
    ) -> CoreResult<PostView> {
        time::zone(&due.zone)?;
        let post = self.post(id).await?;
        if !post.draft {
            refuse_past(due.at, now)?;
        }
        if let Some(live) = post.targets.iter().find(|t| !t.status.can_reschedule()) {
            return Err(CoreError::conflict(format!(
                "post {id} is already {} on {} and cannot be moved; duplicate it instead",
                live.status, live.account_name
            )));
        }
        let due_at = time::to_epoch(due.at);
        let now_s = time::to_epoch(now);
        let mut tx = self.pool().begin().await?;
        sqlx::query!(
            "UPDATE posts SET due_at = ?, timezone = ?, updated_at = ? WHERE id = ?",
            due_at,
            due.zone,
            now_s,
            id
        )
        .execute(&mut *tx)
        .await?;
        // A post the platform already holds for the old time is cancelled there first (by the
        // scheduler, which retries); until then this target cannot be published again.
        sqlx::query!(
            "INSERT INTO remote_changes (account_id, target_id, remote_id, action, created_at)
             SELECT account_id, id, remote_id, 'delete', ? FROM targets
             WHERE post_id = ? AND handed_off = 1 AND status = 'scheduled' AND remote_id IS NOT NULL",
            now_s,
            id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE targets SET handed_off = 0, remote_id = NULL, progress = NULL
             WHERE post_id = ? AND handed_off = 1 AND status = 'scheduled'",
            id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE targets SET status = 'scheduled', error_code = NULL, error_message = NULL,
                    attempts = 0, next_attempt_at = NULL, updated_at = ?
             WHERE post_id = ? AND status IN ('scheduled', 'failed', 'missed')",
            now_s,
            id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.post(id).await
    }

    /// Moves a post to another day at the same wall-clock time in its own zone.
    pub async fn move_post_to_day(
        &self,
        id: PostId,
        day: Date,
        now: Timestamp,
    ) -> CoreResult<PostView> {
        let post = self.post(id).await?;
        let current = match &post.due_at {
            Some(text) => text.parse::<Timestamp>().map_err(|err| {
                CoreError::invalid(format!("post {id} has a bad stored time: {err}"))
            })?,
            None => {
                return Err(CoreError::invalid(format!(
                    "post {id} has no time yet; give it one with a time, not only a day"
                )))
            }
        };
        let at = time::same_time_on_day(current, &post.timezone, day)?;
        let due = DueTime {
            at,
            zone: post.timezone,
        };
        self.reschedule_post(id, due, now).await
    }

    /// Tries the failed or missed targets of a post again, now (optionally only one account's).
    pub async fn retry_post(
        &self,
        id: PostId,
        account: Option<AccountId>,
        now: Timestamp,
    ) -> CoreResult<PostView> {
        self.post(id).await?;
        let now_s = time::to_epoch(now);
        // `next_attempt_at` set: a retry the user asked for is never marked missed.
        let retried = sqlx::query!(
            "UPDATE targets SET status = 'scheduled', attempts = 0, next_attempt_at = ?,
                    error_code = NULL, error_message = NULL, updated_at = ?
             WHERE post_id = ? AND status IN ('failed', 'missed')
               AND (? IS NULL OR account_id = ?)",
            now_s,
            now_s,
            id,
            account,
            account
        )
        .execute(self.pool())
        .await?
        .rows_affected();
        if retried == 0 {
            return Err(CoreError::conflict(format!(
                "post {id} has nothing to retry: only failed or missed targets can be retried"
            )));
        }
        self.post(id).await
    }

    /// Publishes a post now instead of at its time (what is already live stays as it is).
    pub async fn publish_post_now(&self, id: PostId, now: Timestamp) -> CoreResult<PostView> {
        let post = self.post(id).await?;
        if post.draft {
            return Err(CoreError::conflict(format!(
                "post {id} is a draft; schedule it first"
            )));
        }
        let due = DueTime {
            at: now,
            zone: post.timezone,
        };
        self.reschedule_post(id, due, now).await
    }

    /// Stops a post (or one account's target of it) from being published: its targets become
    /// drafts again, and a post a platform holds for later is cancelled there.
    pub async fn cancel_post(
        &self,
        id: PostId,
        account: Option<AccountId>,
        now: Timestamp,
    ) -> CoreResult<PostView> {
        let post = self.post(id).await?;
        if post.targets.iter().any(|t| {
            t.status == TargetStatus::Publishing && account.is_none_or(|a| a == t.account_id)
        }) {
            return Err(CoreError::conflict(format!(
                "post {id} is being published right now; wait until it finishes"
            )));
        }
        let now_s = time::to_epoch(now);
        let mut tx = self.pool().begin().await?;
        sqlx::query!(
            "INSERT INTO remote_changes (account_id, target_id, remote_id, action, created_at)
             SELECT account_id, id, remote_id, 'delete', ? FROM targets
             WHERE post_id = ? AND handed_off = 1 AND status = 'scheduled' AND remote_id IS NOT NULL
               AND (? IS NULL OR account_id = ?)",
            now_s,
            id,
            account,
            account
        )
        .execute(&mut *tx)
        .await?;
        let cancelled = sqlx::query!(
            "UPDATE targets SET status = 'draft', handed_off = 0, remote_id = NULL, progress = NULL,
                    next_attempt_at = NULL, attempts = 0, updated_at = ?
             WHERE post_id = ? AND status IN ('scheduled', 'failed', 'missed')
               AND (? IS NULL OR account_id = ?)",
            now_s,
            id,
            account,
            account
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if cancelled == 0 {
            return Err(CoreError::conflict(format!(
                "post {id} has nothing to cancel: it is already published or a draft"
            )));
        }
        tx.commit().await?;
        self.post(id).await
    }

    /// Deletes a post from Herald (not from the platforms it was published to). Refused while
    /// one of its targets is being published.
    pub async fn delete_post(&self, id: PostId) -> CoreResult<()> {
        let post = self.post(id).await?;
        if post
            .targets
            .iter()
            .any(|t| t.status == TargetStatus::Publishing)
        {
            return Err(CoreError::conflict(format!(
                "post {id} is being published right now; wait until it finishes"
            )));
        }
        let now_s = time::to_epoch(jiff::Timestamp::now());
        let mut tx = self.pool().begin().await?;
        // Posts the platform holds for later are cancelled there by the scheduler.
        sqlx::query!(
            "INSERT INTO remote_changes (account_id, target_id, remote_id, action, created_at)
             SELECT account_id, id, remote_id, 'delete', ? FROM targets
             WHERE post_id = ? AND handed_off = 1 AND status = 'scheduled' AND remote_id IS NOT NULL",
            now_s,
            id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("DELETE FROM posts WHERE id = ?", id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds media and targets to post rows.
    async fn with_children(&self, rows: Vec<PostRow>) -> CoreResult<Vec<PostView>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids = serde_json::to_string(&rows.iter().map(|r| r.id).collect::<Vec<_>>())
            .map_err(|err| CoreError::invalid(err.to_string()))?;
        let mut media: HashMap<i64, Vec<MediaView>> = HashMap::new();
        for m in sqlx::query!(
            r#"SELECT id AS "id!", post_id, path, kind, mime, size_bytes, alt_text FROM media
               WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY post_id, position"#,
            ids
        )
        .fetch_all(self.pool())
        .await?
        {
            media.entry(m.post_id).or_default().push(MediaView {
                id: m.id,
                path: m.path,
                kind: m.kind.parse::<MediaKind>()?,
                mime: m.mime,
                size_bytes: m.size_bytes,
                alt_text: m.alt_text,
            });
        }
        let mut warnings = self.quota_warnings(&ids).await?;
        let mut targets: HashMap<i64, Vec<TargetView>> = HashMap::new();
        for t in sqlx::query!(
            r#"SELECT t.id AS "id!", t.post_id, t.account_id, a.name AS account_name, a.platform, t.status,
                      t.permalink, t.error_code, t.error_message, t.first_comment_id,
                      t.first_comment_error, a.status AS account_status, t.progress, t.caption
               FROM targets t JOIN accounts a ON a.id = t.account_id
               WHERE t.post_id IN (SELECT value FROM json_each(?)) ORDER BY t.post_id, a.id"#,
            ids
        )
        .fetch_all(self.pool())
        .await?
        {
            let error = match (t.error_code, t.error_message) {
                (None, None) => None,
                (code, message) => Some(TargetError {
                    code: code.unwrap_or_default(),
                    message: message.unwrap_or_default(),
                }),
            };
            let first_comment = match (t.first_comment_id, t.first_comment_error) {
                (None, None) => None,
                (id, error) => Some(FirstCommentView { id, error }),
            };
            let status: TargetStatus = t.status.parse()?;
            // A scheduled target of an account that needs reconnecting waits for it.
            let warning = if status == TargetStatus::Scheduled && t.account_status == "needs_reconnect" {
                Some(format!(
                    "Waiting for you to reconnect {}: it will not publish until then (Settings → Accounts → Reconnect).",
                    t.account_name
                ))
            } else {
                warnings.remove(&t.id)
            };
            let upload = if status == TargetStatus::Publishing {
                let video_size = media.get(&t.post_id).and_then(|items| {
                    items
                        .iter()
                        .find(|m| m.kind == MediaKind::Video)
                        .and_then(|m| u64::try_from(m.size_bytes).ok())
                });
                t.progress
                    .as_deref()
                    .and_then(|p| UploadProgress::from_recorded(p, video_size))
            } else {
                None
            };
            targets.entry(t.post_id).or_default().push(TargetView {
                account_id: t.account_id,
                account_name: t.account_name,
                platform: t.platform.parse()?,
                status,
                caption: t.caption,
                permalink: t.permalink,
                error,
                first_comment,
                warning,
                upload,
            });
        }
        rows.into_iter()
            .map(|row| {
                Ok(PostView {
                    id: row.id,
                    caption: row.caption,
                    due_at: row
                        .due_at
                        .map(|s| time::from_epoch(s).map(|t| t.to_string()))
                        .transpose()?,
                    timezone: row.timezone,
                    kind: row.kind.parse()?,
                    draft: row.draft,
                    media: media.remove(&row.id).unwrap_or_default(),
                    targets: targets.remove(&row.id).unwrap_or_default(),
                    options: PostOptions::from_json(&row.options)?,
                })
            })
            .collect()
    }
}

/// A media file checked for attaching, with its alternative text (trimmed; empty = none).
pub(crate) struct Attached {
    pub(crate) file: media::MediaFile,
    pub(crate) alt_text: Option<String>,
}

/// Checks each file to attach (it exists and is an image or a video), in order.
pub(crate) fn attach(files: &[NewMedia]) -> CoreResult<Vec<Attached>> {
    files
        .iter()
        .map(|file| {
            Ok(Attached {
                file: media::inspect(&file.path)?,
                alt_text: file
                    .alt_text
                    .as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
            })
        })
        .collect()
}

/// What the rules look at for a post with this caption, kind, media and options.
pub(crate) fn content_of(
    caption: &str,
    kind: PostKind,
    media: &[Attached],
    options: &PostOptions,
) -> PostContent {
    PostContent {
        caption: caption.to_owned(),
        kind,
        media: media
            .iter()
            .map(|m| MediaItem {
                path: m.file.path.clone(),
                kind: m.file.kind,
                alt_text: m.alt_text.clone(),
            })
            .collect(),
        options: options.clone(),
    }
}

/// Writes a post's media rows, in order.
pub(crate) async fn insert_media(
    conn: &mut sqlx::SqliteConnection,
    post_id: PostId,
    media: &[Attached],
) -> CoreResult<()> {
    for (position, attached) in media.iter().enumerate() {
        let position = position as i64;
        let file = &attached.file;
        let path = file.path.to_string_lossy();
        let media_kind = file.kind.as_str();
        let size = i64::try_from(file.size_bytes).unwrap_or(i64::MAX);
        sqlx::query!(
            "INSERT INTO media (post_id, position, path, kind, mime, size_bytes, alt_text)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            post_id,
            position,
            path,
            media_kind,
            file.mime,
            size,
            attached.alt_text
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The accounts a stored post is checked for, with their networks' captions.
pub(crate) fn target_checks(post: &PostView) -> Vec<CheckTarget> {
    post.targets
        .iter()
        .map(|t| CheckTarget {
            account: t.account_id,
            platform: t.platform,
            name: t.account_name.clone(),
            caption: t.caption.clone(),
        })
        .collect()
}

/// Refuses a post that breaks a rule of one of its networks, naming every broken rule (once,
/// even when several accounts of a network break it).
pub(crate) fn refuse_violations(checks: &[NetworkCheck]) -> CoreResult<()> {
    let mut problems: Vec<String> = Vec::new();
    for check in checks {
        let network = check.platform.map(Platform::display_name).unwrap_or("?");
        for v in &check.violations {
            let problem = format!("{network}: {}", v.message);
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(CoreError::invalid(format!(
        "the post cannot be scheduled as it is (save it as a draft to keep it): {}",
        problems.join(" ")
    )))
}

/// Refuses a due time that has already passed (beyond a minute's tolerance).
pub(crate) fn refuse_past(at: Timestamp, now: Timestamp) -> CoreResult<()> {
    if time::to_epoch(at) < time::to_epoch(now) - PAST_TOLERANCE_SECONDS {
        return Err(CoreError::invalid(format!(
            "{at} has already passed; pick a time in the future"
        )));
    }
    Ok(())
}
