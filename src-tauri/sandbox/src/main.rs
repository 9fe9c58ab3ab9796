//! `herald-sandbox [--port N]`: serve the platform sandbox with the standard accounts until
//! Ctrl+C or SIGTERM.

use std::process::ExitCode;

use herald_sandbox::{start, SandboxConfig, Seed};

const USAGE: &str = "usage: herald-sandbox [--port N]

Serves a local simulation of the Facebook Pages Graph API (Instagram and TikTok answer
\"not simulated yet\") on 127.0.0.1, prints the HERALD_* variables that point Herald at it
and the seeded accounts, and runs until Ctrl+C or SIGTERM.

Control API: <base>/_sandbox/ (journal, live, accounts, faults, clock, reset).";

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

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
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
    println!(
        "# Control API: {}/_sandbox/ — Ctrl+C to stop",
        sandbox.base_url()
    );
    wait_for_stop().await;
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
