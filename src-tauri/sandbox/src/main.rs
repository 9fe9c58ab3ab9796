//! `herald-sandbox [--port N]`: serve the platform sandbox with the standard accounts until
//! Ctrl+C or SIGTERM.

use std::process::ExitCode;

use herald_sandbox::{start, SandboxConfig, Seed};

const USAGE: &str = "usage: herald-sandbox [--port N]

Serves a local simulation of the Facebook Pages Graph API, of Instagram publishing
(Instagram API with Instagram Login), of TikTok (Login Kit OAuth, user info, Content
Posting API with chunked uploads) and of the three sign-in pages (/instagram-www,
/tiktok-www, /facebook-www) on 127.0.0.1, prints the HERALD_* variables that point
Herald at it and the seeded accounts, and runs until Ctrl+C or SIGTERM.

Control API: <base>/_sandbox/ (journal, live, accounts, faults, clock, reset,
instagram/containers, tiktok/uploads, tiktok/publishes, tiktok/code, …).";

/// A command line the sandbox does not understand.
#[derive(Debug)]
struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn parse_port(args: &[String]) -> Result<u16, UsageError> {
    let mut port = 0u16;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = if let Some(v) = arg.strip_prefix("--port=") {
            v.to_string()
        } else if arg == "--port" || arg == "-p" {
            it.next()
                .cloned()
                .ok_or_else(|| UsageError("--port needs a number".to_owned()))?
        } else {
            return Err(UsageError(format!("unknown argument: {arg}")));
        };
        port = value
            .parse()
            .map_err(|_| UsageError(format!("--port: not a port number: {value}")))?;
    }
    Ok(port)
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

const S3_USAGE: &str = "
Media relay: --s3 also serves an S3-compatible bucket on 127.0.0.1 (path-style,
SigV4 enforced, objects in a temporary directory) and prints the HERALD_RELAY_* variables
that point Herald's media relay at it; --s3-port N picks its port (implies --s3).";

/// Takes `--s3` and `--s3-port N` out of `args`: the other arguments, and the S3 port to
/// serve on (0 = any) if an S3 bucket was asked for.
fn split_s3_args(args: Vec<String>) -> Result<(Vec<String>, Option<u16>), UsageError> {
    let mut rest = Vec::new();
    let mut s3_port = None;
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let value = if arg == "--s3" {
            s3_port = Some(s3_port.unwrap_or(0));
            continue;
        } else if let Some(v) = arg.strip_prefix("--s3-port=") {
            v.to_owned()
        } else if arg == "--s3-port" {
            it.next()
                .ok_or_else(|| UsageError("--s3-port needs a number".to_owned()))?
        } else {
            rest.push(arg);
            continue;
        };
        let port = value
            .parse()
            .map_err(|_| UsageError(format!("--s3-port: not a port number: {value}")))?;
        s3_port = Some(port);
    }
    Ok((rest, s3_port))
}

/// Starts the S3 relay bucket if asked for, and prints its `HERALD_RELAY_*` variables.
async fn start_relay_bucket(
    port: Option<u16>,
) -> Result<Option<herald_sandbox::RunningS3>, ExitCode> {
    let Some(port) = port else {
        return Ok(None);
    };
    let config = herald_sandbox::S3Config {
        port,
        ..herald_sandbox::S3Config::default()
    };
    let s3 = match herald_sandbox::start_s3(config).await {
        Ok(s3) => s3,
        Err(e) => {
            eprintln!("herald-sandbox: cannot serve the S3 bucket on 127.0.0.1:{port}: {e}");
            return Err(ExitCode::FAILURE);
        }
    };
    println!("#");
    println!(
        "# S3 relay bucket \"{}\" at {} (SigV4 enforced)",
        s3.config().bucket,
        s3.endpoint()
    );
    for (name, value) in s3.env() {
        println!("export {name}={value}");
    }
    Ok(Some(s3))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        println!("{S3_USAGE}");
        return ExitCode::SUCCESS;
    }
    let (args, s3_port) = match split_s3_args(args) {
        Ok(split) => split,
        Err(e) => {
            eprintln!("herald-sandbox: {e}\n\n{USAGE}\n{S3_USAGE}");
            return ExitCode::from(2);
        }
    };
    let port = match parse_port(&args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("herald-sandbox: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match start(SandboxConfig {
        port,
        seed: Seed::default(),
    })
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("herald-sandbox: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("# herald-sandbox serving at {}", sandbox.base_url());
    for (name, value) in sandbox.env() {
        println!("export {name}={value}");
    }
    let tokens = sandbox.tokens();
    println!("#");
    println!(
        "# Facebook app: id {} secret {}",
        tokens.facebook_app_id, tokens.facebook_app_secret
    );
    for u in &tokens.facebook_users {
        println!(
            "# Facebook user {} \"{}\": token {}{}",
            u.id,
            u.name,
            u.token,
            if u.expired { " (expired)" } else { "" }
        );
    }
    for p in &tokens.facebook_pages {
        println!(
            "# Facebook Page {} \"{}\": page token {}",
            p.id, p.name, p.token
        );
    }
    // The secret is not printed: it is in `GET /_sandbox/accounts`.
    println!(
        "# Instagram app: id {} (secret: GET /_sandbox/accounts)",
        tokens.instagram_app_id
    );
    for a in &tokens.instagram_accounts {
        println!(
            "# Instagram account {} @{} ({}): token {}{}",
            a.user_id,
            a.username,
            a.account_type,
            a.token,
            if a.expired { " (expired)" } else { "" }
        );
    }
    println!(
        "# TikTok app: client_key {} client_secret {}",
        tokens.tiktok_client_key, tokens.tiktok_client_secret
    );
    for c in &tokens.tiktok_creators {
        println!(
            "# TikTok creator {} @{} ({}): access token {}{} refresh token {}",
            c.open_id,
            c.username,
            if c.private_account {
                "private"
            } else {
                "public"
            },
            c.access_token,
            if c.expired { " (expired)" } else { "" },
            c.refresh_token
        );
    }
    let relay_bucket = match start_relay_bucket(s3_port).await {
        Ok(s3) => s3,
        Err(code) => return code,
    };
    println!(
        "# Control API: {}/_sandbox/ — Ctrl+C to stop",
        sandbox.base_url()
    );
    wait_for_stop().await;
    sandbox.shutdown().await;
    if let Some(s3) = relay_bucket {
        s3.shutdown().await;
    }
    ExitCode::SUCCESS
}
