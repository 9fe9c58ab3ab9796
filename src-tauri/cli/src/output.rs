//! Printing results: one JSON document with `--json`, readable lines otherwise.

use herald_core::domain::{AccountView, PostView};
use herald_core::{CoreError, CoreResult};
use serde::Serialize;

/// Prints one JSON document.
pub fn json<T: Serialize + ?Sized>(value: &T) -> CoreResult<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|err| CoreError::invalid(format!("cannot print JSON: {err}")))?;
    println!("{text}");
    Ok(())
}

/// One line per account.
pub fn accounts(accounts: &[AccountView]) {
    if accounts.is_empty() {
        println!("No accounts yet. Import one with `herald accounts import`.");
    }
    for a in accounts {
        let quota = a
            .quota
            .as_ref()
            .map(|q| format!("  ({}/{} posts in {} h)", q.used, q.total, q.window_hours))
            .unwrap_or_default();
        println!(
            "{:>4}  {:<9}  {:<15}  {}{quota}",
            a.id, a.platform, a.status, a.name
        );
    }
}

/// One line per post.
pub fn posts(posts: &[PostView]) {
    if posts.is_empty() {
        println!("No posts.");
    }
    for post in posts {
        println!(
            "{:>4}  {:<20}  {:<10}  {}",
            post.id,
            post.due_at.as_deref().unwrap_or("(no date)"),
            summary_status(post),
            first_line(&post.caption)
        );
    }
}

/// A post in detail.
pub fn post(post: &PostView) {
    println!(
        "Post {}{}",
        post.id,
        if post.draft { " (draft)" } else { "" }
    );
    println!(
        "  due:      {} ({})",
        post.due_at.as_deref().unwrap_or("no date"),
        post.timezone
    );
    println!("  kind:     {}", post.kind);
    println!("  caption:  {}", first_line(&post.caption));
    for m in &post.media {
        println!(
            "  media:    {} ({}, {} bytes)",
            m.path, m.mime, m.size_bytes
        );
        if let Some(alt) = &m.alt_text {
            println!("            alt: {}", first_line(alt));
        }
    }
    for t in &post.targets {
        let mut line = format!(
            "  {} {} ({}): {}",
            t.platform, t.account_name, t.account_id, t.status
        );
        if let Some(link) = &t.permalink {
            line.push_str(&format!(" {link}"));
        }
        if let Some(err) = &t.error {
            line.push_str(&format!(" [{}] {}", err.code, err.message));
        }
        println!("{line}");
        if let Some(warning) = &t.warning {
            println!("      warning: {warning}");
        }
        if let Some(comment) = &t.first_comment {
            match (&comment.id, &comment.error) {
                (Some(id), _) => println!("      first comment posted ({id})"),
                (None, Some(err)) => println!("      first comment: {err}"),
                (None, None) => {}
            }
        }
    }
}

fn summary_status(post: &PostView) -> String {
    if post.draft {
        return "draft".to_owned();
    }
    let mut statuses: Vec<&str> = post.targets.iter().map(|t| t.status.as_str()).collect();
    statuses.dedup();
    match statuses.as_slice() {
        [] => "no accounts".to_owned(),
        [one] => (*one).to_owned(),
        _ => "mixed".to_owned(),
    }
}

fn first_line(caption: &str) -> String {
    let line = caption.lines().next().unwrap_or("");
    let mut short: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        short.push('…');
    }
    short
}
