//! `herald apps …` (the user's developer apps) and `herald accounts connect|complete` (signing
//! in at a platform). The sign-in address carries a `state`, so it is printed for the user but
//! never logged.

use std::io::{BufRead, Read};
use std::sync::Arc;
use std::time::Duration;

use herald_core::apps::DeveloperAppInput;
use herald_core::domain::Platform;
use herald_core::time::{Clock, SystemClock};
use herald_core::vault::{KeyringVault, Vault};
use herald_core::{CoreError, CoreResult, Store};
use herald_platforms::connect::{browser, Connected, Connector, SignIn};
use herald_platforms::Endpoints;
use jiff::Timestamp;

use crate::args::AppsCommand;
use crate::commands::read_secret_from_stdin;
use crate::context::Context;
use crate::output;

/// `herald apps set|list|remove`.
pub async fn apps(store: &Store, command: AppsCommand, now: Timestamp) -> CoreResult<()> {
    let vault = KeyringVault::from_env();
    match command {
        AppsCommand::Set {
            platform,
            client_id,
            redirect_uri,
        } => {
            let secret = read_secret_from_stdin()?;
            let app = store
                .set_developer_app(
                    &DeveloperAppInput {
                        platform,
                        client_id: &client_id,
                        redirect_uri: redirect_uri.as_deref(),
                        secret: Some(&secret),
                    },
                    &vault,
                    now,
                )
                .await?;
            eprintln!(
                "Stored the {} app {}; its secret is in the OS keyring. Redirect URI to register: {}",
                platform.display_name(),
                app.client_id,
                app.redirect_uri
            );
            Ok(())
        }
        AppsCommand::List(flag) => {
            let apps = store.developer_apps().await?;
            if flag.json {
                return output::json(&apps);
            }
            if apps.is_empty() {
                println!("No developer apps yet. Add one with `herald apps set` (see Settings → Platforms for a guide).");
            }
            for app in apps {
                println!(
                    "{:<9}  {:<24}  {}",
                    app.platform, app.client_id, app.redirect_uri
                );
            }
            Ok(())
        }
        AppsCommand::Remove { platform } => {
            store.remove_developer_app(platform, &vault).await?;
            eprintln!(
                "Removed the {} app and its secret.",
                platform.display_name()
            );
            Ok(())
        }
    }
}

fn connector(ctx: &Context) -> Connector {
    let vault: Arc<dyn Vault> = Arc::new(KeyringVault::from_env());
    Connector::new(ctx.store.clone(), vault, Endpoints::from_env())
}

/// `herald accounts connect <platform>`.
pub async fn connect(
    ctx: &Context,
    platform: Platform,
    no_browser: bool,
    timeout_secs: u64,
    json: bool,
) -> CoreResult<()> {
    let connector = connector(ctx);
    let now = SystemClock.now();
    let timeout = Duration::from_secs(timeout_secs.min(600));
    let connected = if platform == Platform::TikTok {
        let (sign_in, waiting) = connector.start_tiktok(now).await?;
        show(&sign_in, no_browser);
        eprintln!("Waiting for TikTok to send the browser back to Herald…");
        waiting.finish(timeout).await?
    } else {
        let sign_in = connector.start_meta(platform, now).await?;
        show(&sign_in, no_browser);
        eprintln!(
            "When the redirect page opens Herald's window, the window finishes the sign-in. \
             Or paste the link the page offers (herald://oauth/…) here and press Enter:"
        );
        let line = tokio::time::timeout(timeout, read_line())
            .await
            .map_err(|_| {
                CoreError::Conflict("Herald stopped waiting for the sign-in link.".into())
            })??;
        connector.finish_pasted(&line, SystemClock.now()).await?
    };
    report(&connected, json)
}

/// `herald accounts complete <link>`.
pub async fn complete(ctx: &Context, link: &str, json: bool) -> CoreResult<()> {
    let connected = connector(ctx)
        .finish_pasted(link, SystemClock.now())
        .await?;
    report(&connected, json)
}

fn show(sign_in: &SignIn, no_browser: bool) {
    let network = sign_in.platform.display_name();
    if !no_browser {
        match browser::open_in_browser(&sign_in.authorize_url) {
            Ok(()) => {
                eprintln!("Opened {network}'s sign-in page in your browser. If it did not open, use this address:");
            }
            Err(err) => eprintln!("{err}. Open this address to sign in to {network}:"),
        }
    } else {
        eprintln!("Open this address to sign in to {network}:");
    }
    // The address goes to standard output so scripts (and tests) can act as the browser.
    println!("{}", sign_in.authorize_url);
}

async fn read_line() -> CoreResult<String> {
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .take(8 * 1024)
            .read_line(&mut line)
            .map(|_| line)
    })
    .await
    .map_err(|err| CoreError::Unavailable(format!("cannot read standard input: {err}")))?
    .map_err(|err| CoreError::io("cannot read the sign-in link from standard input", err))
}

fn report(connected: &Connected, json: bool) -> CoreResult<()> {
    if json {
        return output::json(&connected.accounts);
    }
    eprintln!("{}", connected.sentence());
    output::accounts(&connected.accounts);
    Ok(())
}
