//! Carrying out each command on the core.

use std::io::Read;
use std::sync::Arc;

use herald_core::options::PostOptions;
use herald_core::posts::{NewMedia, NewPost};
use herald_core::rules::NetworkCheck;
use herald_core::scheduler::Scheduler;
use herald_core::time::{self, Clock, SystemClock};
use herald_core::vault::{KeyringVault, Secret, Vault};
use herald_core::Store;
use herald_core::{logging, CoreError, CoreResult};
use herald_platforms::{demo, Endpoints, PlatformPublisher};
use jiff::Timestamp;

use crate::args::{AccountsCommand, Cli, Command, PostsCommand, SettingsCommand};
use crate::context::Context;
use crate::sandbox_host::SandboxHost;
use crate::{autostart, connect, launch, output, relay, tray};

/// Runs one command line.
pub async fn run(cli: Cli) -> CoreResult<()> {
    match cli.command {
        Command::Tray => tray::run().await,
        Command::Open => launch::open_window(),
        command => {
            let ctx = Context::open().await?;
            let _logs = logging::init(&ctx.data_dir, "cli", false)?;
            let result = run_on(&ctx, command).await;
            ctx.store.close().await;
            result
        }
    }
}

async fn run_on(ctx: &Context, command: Command) -> CoreResult<()> {
    let now = SystemClock.now();
    match command {
        Command::Accounts(command) => accounts(ctx, command).await,
        Command::Posts(command) => posts(ctx, command, now).await,
        Command::Run { until_idle } => run_scheduler(ctx, until_idle).await,
        Command::Pause => ctx.store.set_publishing_paused(true).await,
        Command::Resume => ctx.store.set_publishing_paused(false).await,
        Command::Autostart { state } => autostart::set(&ctx.store, state == "on").await,
        Command::Settings(SettingsCommand::GraceMinutes { minutes }) => {
            ctx.store.set_grace_minutes(i64::from(minutes)).await
        }
        Command::Settings(SettingsCommand::Show(flag)) => {
            let settings = serde_json::json!({
                "publishing_paused": ctx.store.publishing_paused().await?,
                "grace_minutes": ctx.store.grace_minutes().await?,
                "autostart": ctx.store.autostart().await?,
                "sandbox_port": ctx.store.sandbox_port().await?,
                "data_dir": ctx.data_dir.display().to_string(),
            });
            if flag.json {
                output::json(&settings)
            } else {
                for (key, value) in settings.as_object().into_iter().flatten() {
                    println!("{key:<18} {value}");
                }
                Ok(())
            }
        }
        Command::Sandbox { state, port } => {
            let vault: Arc<dyn Vault> = Arc::new(KeyringVault::from_env());
            if state == "on" {
                let port = port.unwrap_or(demo::DEFAULT_SANDBOX_PORT);
                let accounts = demo::enable_sandbox(&ctx.store, vault, port, now).await?;
                output::accounts(&accounts);
                eprintln!(
                    "Sandbox on (127.0.0.1:{port}): these simulated accounts publish only to the local \
                     sandbox, hosted by `herald tray` or `herald run`. `herald sandbox off` removes them."
                );
            } else {
                let removed = demo::disable_sandbox(&ctx.store, vault).await?;
                eprintln!("Sandbox off: removed {removed} simulated account(s) and their posts.");
            }
            Ok(())
        }
        Command::Relay(command) => relay::run(&ctx.store, command, now).await,
        Command::Apps(command) => connect::apps(&ctx.store, command, now).await,
        Command::Tray | Command::Open => unreachable!("handled before opening the database"),
    }
}

async fn accounts(ctx: &Context, command: AccountsCommand) -> CoreResult<()> {
    match command {
        AccountsCommand::List(flag) => {
            let accounts = ctx.store.list_accounts().await?;
            if flag.json {
                output::json(&accounts)
            } else {
                output::accounts(&accounts);
                Ok(())
            }
        }
        AccountsCommand::Import {
            platform,
            token_file,
            json,
        } => {
            let vault: Arc<dyn Vault> = Arc::new(KeyringVault::from_env());
            let accounts = herald_platforms::import::import_accounts(
                &ctx.store,
                vault,
                &Endpoints::from_env(),
                platform,
                &token_file,
                SystemClock.now(),
            )
            .await?;
            if json.json {
                output::json(&accounts)
            } else {
                output::accounts(&accounts);
                Ok(())
            }
        }
        AccountsCommand::Connect {
            platform,
            no_browser,
            timeout_secs,
            json,
        } => connect::connect(ctx, platform, no_browser, timeout_secs, json.json).await,
        AccountsCommand::Complete { link, json } => connect::complete(ctx, &link, json.json).await,
        AccountsCommand::Disconnect {
            account_id,
            delete_posts,
            json,
        } => {
            let vault: Arc<dyn Vault> = Arc::new(KeyringVault::from_env());
            let publisher = platform_publisher(&ctx.store, &ctx.data_dir);
            publisher.set_sandbox_port(ctx.store.sandbox_port().await?);
            let report = herald_platforms::disconnect::disconnect_account(
                &ctx.store,
                vault,
                &publisher,
                &Endpoints::from_env(),
                account_id,
                delete_posts,
                SystemClock.now(),
            )
            .await?;
            if json.json {
                return output::json(&report);
            }
            let revoked = match report.revoked {
                Some(true) => " Access revoked at the platform.",
                _ => "",
            };
            eprintln!(
                "Disconnected account {account_id}: its tokens are gone from the keyring.{revoked} {} pending target(s) stopped, {} post(s) cancelled at the platform, {} post(s) deleted.",
                report.stopped_targets, report.cancelled_at_platform, report.deleted_posts
            );
            for note in &report.notes {
                eprintln!("{note}");
            }
            Ok(())
        }
    }
}

async fn posts(ctx: &Context, command: PostsCommand, now: Timestamp) -> CoreResult<()> {
    match command {
        PostsCommand::Create {
            accounts,
            at,
            timezone,
            caption,
            media,
            kind,
            draft,
            instagram,
            tiktok,
            json,
        } => {
            let due = at
                .map(|at| time::parse_due_time(&at, timezone.as_deref()))
                .transpose()?;
            if instagram.alt_text.len() > media.len() {
                return Err(CoreError::invalid(format!(
                    "{} --alt-text given for {} --media file(s); give one per photo, in order",
                    instagram.alt_text.len(),
                    media.len()
                )));
            }
            let mut alt_texts = instagram.alt_text.clone().into_iter();
            let media = media
                .into_iter()
                .map(|path| NewMedia {
                    path,
                    alt_text: alt_texts.next().filter(|a| !a.is_empty()),
                })
                .collect();
            let options = PostOptions {
                instagram: instagram.into_options()?,
                tiktok: tiktok.into_options()?,
            };
            let post = ctx
                .store
                .create_post(
                    NewPost {
                        caption,
                        kind,
                        due,
                        draft,
                        accounts,
                        media,
                        options,
                    },
                    now,
                )
                .await?;
            print_post(&post, json.json)?;
            if !json.json {
                print_checks(&ctx.store.check_post(post.id).await?, post.draft);
            }
            Ok(())
        }
        PostsCommand::Check { post_id, json } => {
            let checks = ctx.store.check_post(post_id).await?;
            if json.json {
                output::json(&checks)
            } else {
                print_checks(&checks, true);
                if checks.iter().all(|c| c.is_ok()) {
                    eprintln!("Post {post_id} can be published on every network it targets.");
                }
                Ok(())
            }
        }
        PostsCommand::List {
            attention,
            from,
            to,
            json,
        } => {
            let posts = match (from, to) {
                _ if attention => ctx.store.list_needing_attention().await?,
                (None, None) => ctx.store.list_all_posts().await?,
                (from, to) => {
                    let from = instant_or(from, Timestamp::MIN)?;
                    let to = instant_or(to, Timestamp::MAX)?;
                    ctx.store.list_posts(from, to).await?
                }
            };
            if json.json {
                output::json(&posts)
            } else {
                output::posts(&posts);
                Ok(())
            }
        }
        PostsCommand::Show { post_id, json } => {
            let post = ctx.store.post(post_id).await?;
            print_post(&post, json.json)
        }
        PostsCommand::Reschedule {
            post_id,
            at,
            timezone,
        } => {
            let current = ctx.store.post(post_id).await?;
            let zone = timezone.unwrap_or(current.timezone);
            let due = time::parse_due_time(&at, Some(&zone))?;
            let post = ctx.store.reschedule_post(post_id, due, now).await?;
            eprintln!(
                "Post {} now due at {}.",
                post.id,
                post.due_at.as_deref().unwrap_or("")
            );
            Ok(())
        }
        PostsCommand::Delete { post_id } => ctx.store.delete_post(post_id).await,
        PostsCommand::Retry { post_id, account } => {
            ctx.store.retry_post(post_id, account, now).await?;
            eprintln!(
                "Post {post_id} will be tried again by the scheduler (herald tray or herald run)."
            );
            Ok(())
        }
        PostsCommand::PublishNow { post_id } => {
            ctx.store.publish_post_now(post_id, now).await?;
            eprintln!("Post {post_id} is due now; the scheduler publishes it within seconds.");
            Ok(())
        }
        PostsCommand::Cancel { post_id, account } => {
            ctx.store.cancel_post(post_id, account, now).await?;
            eprintln!("Post {post_id} will not be published; it is kept as a draft.");
            Ok(())
        }
    }
}

async fn run_scheduler(ctx: &Context, until_idle: bool) -> CoreResult<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let owner = format!("herald-run-{}", std::process::id());
    let publisher = platform_publisher(&ctx.store, &ctx.data_dir);
    let mut sandbox = SandboxHost::default();
    sandbox.sync(&ctx.store, &publisher).await;
    let scheduler = Scheduler::new(ctx.store.clone(), publisher, clock, owner);
    if until_idle {
        let handled = scheduler.run_until_idle().await;
        sandbox.stop().await;
        eprintln!("Handled {} due target(s).", handled?);
        return Ok(());
    }
    let changes =
        herald_core::change::watch_changes(&ctx.store, herald_core::change::DEFAULT_POLL).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        let _ = stop.send(true);
    });
    eprintln!("Herald is publishing; press Ctrl+C to stop.");
    let result = scheduler.run(changes, stopped).await;
    sandbox.stop().await;
    result
}

/// The publisher for every platform, with tokens from the OS keyring and base URLs from the
/// environment.
pub fn platform_publisher(store: &Store, data_dir: &std::path::Path) -> PlatformPublisher {
    let endpoints = Endpoints::from_env();
    PlatformPublisher::new(&endpoints, Arc::new(KeyringVault::from_env())).with_store(
        store.clone(),
        data_dir.join("publishing"),
        &endpoints,
    )
}

/// Prints what each network would change or refuse (violations only for drafts: a scheduled
/// post with one could not have been created).
fn print_checks(checks: &[NetworkCheck], with_violations: bool) {
    for check in checks {
        let platform = check.platform.map(|p| p.display_name()).unwrap_or("?");
        let network = match &check.account {
            Some(account) => format!("{platform} ({account})"),
            None => platform.to_owned(),
        };
        if with_violations {
            for violation in &check.violations {
                eprintln!("{network}: cannot publish: {}", violation.message);
            }
        }
        for change in &check.changes {
            eprintln!("{network}: {change}");
        }
        for notice in &check.notices {
            eprintln!("{network}: note: {notice}");
        }
    }
}

fn print_post(post: &herald_core::domain::PostView, json: bool) -> CoreResult<()> {
    if json {
        output::json(post)
    } else {
        output::post(post);
        Ok(())
    }
}

fn instant_or(text: Option<String>, default: Timestamp) -> CoreResult<Timestamp> {
    text.map(|t| time::parse_due_time(&t, None).map(|due| due.at))
        .transpose()
        .map(|at| at.unwrap_or(default))
}

/// Reads a secret piped on standard input (one line; surrounding whitespace dropped).
pub(crate) fn read_secret_from_stdin() -> CoreResult<Secret> {
    let mut text = String::new();
    std::io::stdin()
        .take(16 * 1024)
        .read_to_string(&mut text)
        .map_err(|err| CoreError::io("cannot read the secret from standard input", err))?;
    Ok(Secret::new(text.trim()))
}
