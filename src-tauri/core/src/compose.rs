//! The window's composer: posts written (and edited) as a whole, with a caption per network,
//! saved as a draft, scheduled or published now; duplicated; and drafts dropped on a day of the
//! calendar. The publish state machine's rules hold as everywhere else: a post that is live (or
//! going live) cannot change, a post Facebook holds for later is cancelled there before it can
//! go out again, and a post that breaks a network's rule is only ever kept as a draft.

use std::collections::HashMap;
use std::path::PathBuf;

use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::domain::{AccountId, AccountStatus, Platform, PostId, PostKind, PostView, TargetStatus};
use crate::error::{CoreError, CoreResult};
use crate::media;
use crate::options::PostOptions;
use crate::posts::{
    attach, content_of, insert_media, refuse_past, refuse_violations, NewMedia, NewPost,
};
use crate::rules::{self, MediaItem, NetworkCheck, PostContent};
use crate::store::Store;
use crate::time::{self, DueTime};
use crate::violation::Violation;

/// What saving the composer means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PostIntent {
    /// Keep it (rules may be broken; a date is optional).
    Draft,
    /// Publish it at its date and time (every rule must hold).
    Schedule,
    /// Publish it now (every rule must hold).
    PublishNow,
}

/// A caption per network, overriding the post's shared one where set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Captions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instagram: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facebook: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiktok: Option<String>,
}

impl Captions {
    /// The caption a network gets instead of the shared one, if any.
    pub fn get(&self, platform: Platform) -> Option<&str> {
        match platform {
            Platform::Instagram => self.instagram.as_deref(),
            Platform::Facebook => self.facebook.as_deref(),
            Platform::TikTok => self.tiktok.as_deref(),
        }
    }

    /// Sets (or clears) a network's own caption.
    pub fn set(&mut self, platform: Platform, caption: Option<String>) {
        let slot = match platform {
            Platform::Instagram => &mut self.instagram,
            Platform::Facebook => &mut self.facebook,
            Platform::TikTok => &mut self.tiktok,
        };
        *slot = caption;
    }

    /// The captions a stored post's targets carry (one per network).
    pub fn of_post(post: &PostView) -> Captions {
        let mut captions = Captions::default();
        for target in &post.targets {
            if captions.get(target.platform).is_none() {
                captions.set(target.platform, target.caption.clone());
            }
        }
        captions
    }
}

/// A file in the composer, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DraftMedia {
    /// An absolute path on this machine.
    pub path: String,
    /// Alternative text for screen readers (photos).
    pub alt_text: Option<String>,
}

/// What the composer edits. `at` is a wall-clock time (`YYYY-MM-DDTHH:MM`) read in `timezone`,
/// or `None` for an undated draft.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostDraft {
    /// The caption every network gets unless `captions` overrides it.
    pub caption: String,
    /// Per-network captions; absent or null means `caption`.
    pub captions: Captions,
    pub kind: PostKind,
    pub accounts: Vec<AccountId>,
    pub media: Vec<DraftMedia>,
    pub options: PostOptions,
    pub at: Option<String>,
    /// The IANA zone `at` is read in and the post is planned in.
    pub timezone: String,
}

/// A draft read against the clock and the intent: what is written.
struct Planned {
    new: NewPost,
    zone: String,
}

impl PostDraft {
    fn plan(&self, intent: PostIntent, now: Timestamp) -> CoreResult<Planned> {
        time::zone(&self.timezone)?;
        let at = self.at.as_deref().map(str::trim).filter(|a| !a.is_empty());
        let due = match (intent, at) {
            (PostIntent::PublishNow, _) => Some(DueTime {
                at: now,
                zone: self.timezone.clone(),
            }),
            (_, Some(at)) => Some(time::parse_due_time(at, Some(&self.timezone))?),
            (PostIntent::Schedule, None) => {
                return Err(CoreError::invalid(
                    "a scheduled post needs a date and time; only drafts may have none",
                ))
            }
            (PostIntent::Draft, None) => None,
        };
        if intent != PostIntent::Draft && self.accounts.is_empty() {
            return Err(CoreError::invalid(
                "choose at least one account to post to (or save it as a draft)",
            ));
        }
        Ok(Planned {
            new: NewPost {
                caption: self.caption.clone(),
                kind: self.kind,
                due,
                draft: intent == PostIntent::Draft,
                accounts: self.accounts.clone(),
                media: self
                    .media
                    .iter()
                    .map(|m| NewMedia {
                        path: PathBuf::from(&m.path),
                        alt_text: m.alt_text.clone(),
                    })
                    .collect(),
                options: self.options.clone(),
            },
            zone: self.timezone.clone(),
        })
    }
}

impl Store {
    /// What a draft would be on each selected account (one check each, in the order given):
    /// the network's rules against its own caption, files that cannot be used, and accounts
    /// that are disconnected. Saves nothing.
    pub async fn validate_draft(&self, draft: &PostDraft) -> CoreResult<Vec<NetworkCheck>> {
        let mut accounts = draft.accounts.clone();
        dedup_in_order(&mut accounts);
        let targets = self.account_targets(&accounts, &draft.captions).await?;
        // Files that cannot be used are violations on every network, and left out of the rest.
        let mut unusable = Vec::new();
        let mut items = Vec::new();
        for file in &draft.media {
            match media::inspect(&PathBuf::from(&file.path)) {
                Ok(inspected) => items.push(MediaItem {
                    path: inspected.path,
                    kind: inspected.kind,
                    alt_text: file.alt_text.clone(),
                }),
                Err(err) => unusable.push(Violation::new("media_unreadable", err.to_string())),
            }
        }
        let content = PostContent {
            caption: draft.caption.clone(),
            kind: draft.kind,
            media: items,
            options: draft.options.clone(),
        };
        let mut by_network: HashMap<Platform, NetworkCheck> = HashMap::new();
        let mut checks = Vec::new();
        for (target, status) in targets {
            let mut check = if target.platform == Platform::TikTok {
                let creator = self.tiktok_creator(target.account).await?;
                let content = content.with_caption(target.caption.as_deref());
                rules::check(target.platform, &content, creator.as_ref())
            } else {
                by_network
                    .entry(target.platform)
                    .or_insert_with(|| {
                        let content = content.with_caption(target.caption.as_deref());
                        rules::check(target.platform, &content, None)
                    })
                    .clone()
            };
            check.account = Some(target.name.clone());
            check.violations.splice(0..0, unusable.iter().cloned());
            if status == AccountStatus::Disconnected {
                check.violations.insert(
                    0,
                    Violation::new(
                        "account_disconnected",
                        format!(
                            "{} is disconnected; connect it again (Settings → Accounts) before posting to it.",
                            target.name
                        ),
                    ),
                );
            }
            checks.push(check);
        }
        Ok(checks)
    }

    /// Saves a new post from the composer: a draft (rules may be broken, the date is optional),
    /// scheduled at its date and time, or due now. A scheduled post that breaks a rule is
    /// refused naming every rule; on any error nothing is written.
    pub async fn create_from_draft(
        &self,
        draft: &PostDraft,
        intent: PostIntent,
        now: Timestamp,
    ) -> CoreResult<PostView> {
        let planned = draft.plan(intent, now)?;
        self.create_post_with(planned.new, &draft.captions, Some(&planned.zone), now)
            .await
    }

    /// Replaces a post with what the composer holds: caption and per-network captions, kind,
    /// media, options and due time; targets are added and removed to match the accounts. Refused
    /// once a target is publishing or published (duplicate the post instead). A post Facebook
    /// holds for later is cancelled there (as when it is moved) before it can go out again.
    pub async fn update_post(
        &self,
        id: PostId,
        draft: &PostDraft,
        intent: PostIntent,
        now: Timestamp,
    ) -> CoreResult<PostView> {
        let post = self.post(id).await?;
        if let Some(live) = post.targets.iter().find(|t| !t.status.can_reschedule()) {
            return Err(CoreError::conflict(format!(
                "post {id} is already {} on {} and cannot be changed; duplicate it to post it again",
                live.status, live.account_name
            )));
        }
        let Planned { new, zone } = draft.plan(intent, now)?;
        if let Some(due) = &new.due {
            if !new.draft {
                refuse_past(due.at, now)?;
            }
        }
        let zone = new.due.as_ref().map_or(zone, |due| due.zone.clone());
        let media = attach(&new.media)?;
        let mut accounts = new.accounts.clone();
        accounts.sort_unstable();
        accounts.dedup();
        let targets = self.check_targets(&accounts, &draft.captions).await?;
        if !new.draft {
            let content = content_of(&new.caption, new.kind, &media, &new.options);
            refuse_violations(&self.checks_for(&targets, &content).await?)?;
        }

        let now_s = time::to_epoch(now);
        let due_at = new.due.as_ref().map(|due| time::to_epoch(due.at));
        let kind = new.kind.as_str();
        let options = new.options.to_json();
        let status = if new.draft {
            TargetStatus::Draft
        } else {
            TargetStatus::Scheduled
        }
        .as_str();
        let kept =
            serde_json::to_string(&accounts).map_err(|err| CoreError::invalid(err.to_string()))?;

        let mut tx = self.pool().begin().await?;
        sqlx::query!(
            "UPDATE posts SET caption = ?, kind = ?, due_at = ?, timezone = ?, draft = ?,
                    options = ?, updated_at = ?
             WHERE id = ?",
            new.caption,
            kind,
            due_at,
            zone,
            new.draft,
            options,
            now_s,
            id
        )
        .execute(&mut *tx)
        .await?;
        // Checked again now that this transaction holds the write lock: a scheduler may have
        // claimed a target since the check above, and its attempt must not be disturbed.
        let live = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!: i64" FROM targets
               WHERE post_id = ? AND status IN ('publishing', 'published')"#,
            id
        )
        .fetch_one(&mut *tx)
        .await?;
        if live > 0 {
            tx.rollback().await?;
            return Err(CoreError::conflict(format!(
                "post {id} started publishing while you edited it; it cannot be changed now — duplicate it to post it again"
            )));
        }
        // What Facebook holds for later no longer matches the post: cancelled there first (by
        // the scheduler, which retries); until then those targets cannot be published again.
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
            "DELETE FROM targets
             WHERE post_id = ? AND account_id NOT IN (SELECT value FROM json_each(?))",
            id,
            kept
        )
        .execute(&mut *tx)
        .await?;
        // The content changed: earlier attempts' progress (uploaded photos…) no longer applies.
        for target in &targets {
            let caption = draft.captions.get(target.platform);
            sqlx::query!(
                "INSERT INTO targets (post_id, account_id, status, caption, updated_at)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (post_id, account_id) DO UPDATE SET
                    status = excluded.status, caption = excluded.caption,
                    handed_off = 0, remote_id = NULL, progress = NULL,
                    error_code = NULL, error_message = NULL, attempts = 0, next_attempt_at = NULL,
                    first_comment_id = NULL, first_comment_error = NULL,
                    updated_at = excluded.updated_at",
                id,
                target.account,
                status,
                caption,
                now_s
            )
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query!("DELETE FROM media WHERE post_id = ?", id)
            .execute(&mut *tx)
            .await?;
        insert_media(&mut tx, id, &media).await?;
        tx.commit().await?;
        self.post(id).await
    }

    /// A copy of a post (caption, per-network captions, kind, media, options, accounts) as a new
    /// post: an undated draft when `at` is `None`; else at `at` in the original's zone, scheduled
    /// unless the original is a draft (then a dated draft). Any post may be duplicated,
    /// published ones included.
    pub async fn duplicate_post(
        &self,
        id: PostId,
        at: Option<Timestamp>,
        now: Timestamp,
    ) -> CoreResult<PostView> {
        let source = self.post(id).await?;
        let captions = Captions::of_post(&source);
        let new = NewPost {
            caption: source.caption.clone(),
            kind: source.kind,
            due: at.map(|at| DueTime {
                at,
                zone: source.timezone.clone(),
            }),
            draft: at.is_none() || source.draft,
            accounts: source.targets.iter().map(|t| t.account_id).collect(),
            media: source
                .media
                .iter()
                .map(|m| NewMedia {
                    path: PathBuf::from(&m.path),
                    alt_text: m.alt_text.clone(),
                })
                .collect(),
            options: source.options.clone(),
        };
        self.create_post_with(new, &captions, Some(&source.timezone), now)
            .await
    }

    /// Schedules a draft dropped on a day of the calendar: an undated draft at the default time
    /// of day ([`Store::default_post_time`]) in its own zone, a dated one at its own time of day.
    /// Refused — the draft staying as it was — when that time has passed or does not exist
    /// (a DST gap), when it has no account, or when it breaks a rule (every rule named).
    pub async fn schedule_draft_on_day(
        &self,
        id: PostId,
        day: Date,
        now: Timestamp,
    ) -> CoreResult<PostView> {
        let post = self.post(id).await?;
        let is_draft = post.draft || post.targets.iter().all(|t| t.status == TargetStatus::Draft);
        if !is_draft {
            return Err(CoreError::conflict(format!(
                "post {id} is not a draft; move it to another day instead"
            )));
        }
        if post.targets.is_empty() {
            return Err(CoreError::invalid(format!(
                "post {id} has no account to post to; open it and choose at least one"
            )));
        }
        let at = match &post.due_at {
            Some(text) => {
                let current = text.parse::<Timestamp>().map_err(|err| {
                    CoreError::invalid(format!("post {id} has a bad stored time: {err}"))
                })?;
                time::same_time_on_day(current, &post.timezone, day)?
            }
            None => {
                let tz = time::zone(&post.timezone)?;
                let time_of_day = self.default_post_time().await?;
                time::resolve_wall_time(day.to_datetime(time_of_day), &tz, &post.timezone)?
            }
        };
        refuse_past(at, now)?;
        let accounts = post
            .targets
            .iter()
            .map(|t| t.account_id)
            .collect::<Vec<_>>();
        let captions = Captions::of_post(&post);
        let targets = self.check_targets(&accounts, &captions).await?;
        let content = PostContent::from(&post);
        refuse_violations(&self.checks_for(&targets, &content).await?)?;

        let due_at = time::to_epoch(at);
        let now_s = time::to_epoch(now);
        let mut tx = self.pool().begin().await?;
        sqlx::query!(
            "UPDATE posts SET due_at = ?, draft = 0, updated_at = ? WHERE id = ?",
            due_at,
            now_s,
            id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE targets SET status = 'scheduled', error_code = NULL, error_message = NULL,
                    attempts = 0, next_attempt_at = NULL, updated_at = ?
             WHERE post_id = ? AND status IN ('draft', 'failed', 'missed')",
            now_s,
            id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.post(id).await
    }
}

/// Removes repeated values, keeping the first of each.
fn dedup_in_order(values: &mut Vec<AccountId>) {
    let mut seen = std::collections::HashSet::new();
    values.retain(|v| seen.insert(*v));
}
