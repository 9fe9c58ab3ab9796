//! `herald`: the command line and the resident process (`herald tray`) over Herald's core.
//! It links no webview, so it runs over SSH, in CI and all day in the tray for a few MB.

mod args;
mod autostart;
mod commands;
mod connect;
mod context;
mod launch;
mod output;
mod relay;
mod sandbox_host;
mod tray;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = match args::Cli::try_parse() {
        Ok(args) => args,
        // --help and --version print as usual; usage errors get the one-line treatment.
        Err(err) if !err.use_stderr() => err.exit(),
        Err(err) => {
            let text = err.to_string();
            let first = text.lines().next().unwrap_or("invalid arguments");
            eprintln!(
                "herald: {} (see herald --help)",
                first.trim_start_matches("error: ")
            );
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("herald: cannot start: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // One line, whatever the error: scripts read the first line of stderr.
            let message = err.to_string().replace('\n', " ");
            eprintln!("herald: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
