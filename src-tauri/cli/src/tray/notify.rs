//! Desktop notifications from the resident process: published (with the link), failed (with
//! the reason and what to do), missed. Sent over D-Bus (`notify-rust`), no webview needed.

use herald_core::scheduler::SchedulerEvent;
use notify_rust::Notification;

use crate::launch;
use tokio::sync::mpsc::UnboundedReceiver;

/// Sends a notification for each scheduler event until the scheduler stops.
pub async fn deliver(mut events: UnboundedReceiver<SchedulerEvent>) {
    while let Some(event) = events.recv().await {
        let (summary, body) = describe(&event);
        let post = match &event {
            SchedulerEvent::Published { target, .. } | SchedulerEvent::Failed { target, .. } => {
                Some(target.post_id)
            }
            SchedulerEvent::NeedsReconnect { .. } => None,
            SchedulerEvent::Missed { .. } => None,
        };
        show(&summary, &body, post).await;
    }
}

/// Tells the user about a problem of the resident process itself.
pub async fn problem(summary: &str, body: &str) {
    show(summary, body, None).await;
}

fn describe(event: &SchedulerEvent) -> (String, String) {
    match event {
        SchedulerEvent::Published { target, permalink } => (
            format!("Published on {}", target.platform.display_name()),
            permalink
                .clone()
                .unwrap_or_else(|| format!("Post {} is live.", target.post_id)),
        ),
        SchedulerEvent::Failed {
            target,
            code,
            message,
        } => (
            format!("Could not publish to {}", target.platform.display_name()),
            format!("{message} (code {code}, post {})", target.post_id),
        ),
        SchedulerEvent::NeedsReconnect { target, message } => (
            format!("Reconnect your {} account", target.platform.display_name()),
            format!(
                "{message} Its scheduled posts wait until you reconnect it in Herald (Settings → Accounts)."
            ),
        ),
        SchedulerEvent::Missed { count } => (
            format!("{count} post(s) missed their time"),
            "Herald could not publish them in time (was the computer off or asleep?). \
             Open Herald to publish them now or pick a new time."
                .to_owned(),
        ),
    }
}

/// Shows a notification; clicking it (where the daemon supports actions) opens the window at
/// `open_post`, or the window itself.
async fn show(summary: &str, body: &str, open_post: Option<i64>) {
    let mut notification = Notification::new();
    notification
        .appname("Herald")
        .summary(summary)
        .body(body)
        .icon("herald")
        .action("default", "Open in Herald");
    match notification.show_async().await {
        Ok(handle) => {
            // Waits (on a blocking thread) until the notification is clicked or closed.
            tokio::task::spawn_blocking(move || {
                handle.wait_for_action(|action| {
                    if action == "default" {
                        let opened = match open_post {
                            Some(id) => launch::open_post(id),
                            None => launch::open_window(),
                        };
                        if let Err(err) = opened {
                            tracing::warn!(%err, "cannot open the window from a notification");
                        }
                    }
                });
            });
        }
        Err(err) => tracing::warn!(%err, "cannot show a notification"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use herald_core::domain::Platform;
    use herald_core::scheduler::TargetRef;

    #[test]
    fn failures_say_what_happened_and_the_code() {
        let target = TargetRef {
            target_id: 1,
            post_id: 9,
            account_id: 2,
            platform: Platform::Instagram,
        };
        let (summary, body) = describe(&SchedulerEvent::Failed {
            target,
            code: "190".into(),
            message: "Reconnect the account.".into(),
        });
        assert_eq!(summary, "Could not publish to Instagram");
        assert!(body.contains("Reconnect the account.") && body.contains("190"));
    }

    #[test]
    fn a_refused_token_asks_for_a_reconnect_and_says_posts_wait() {
        let target = TargetRef {
            target_id: 1,
            post_id: 9,
            account_id: 2,
            platform: Platform::TikTok,
        };
        let (summary, body) = describe(&SchedulerEvent::NeedsReconnect {
            target,
            message: "TikTok no longer accepts Herald's access to this account.".into(),
        });
        assert_eq!(summary, "Reconnect your TikTok account");
        assert!(body.contains("scheduled posts wait"), "{body}");
    }
}
