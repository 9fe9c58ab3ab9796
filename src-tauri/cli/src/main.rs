//! `herald`: the command line and the resident process (`herald tray`) over Herald's core.
//! It links no webview, so it runs over SSH, in CI and all day in the tray for a few MB.

mod args;
mod autostart;
mod commands;
mod context;
mod launch;
mod output;
mod tray;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let args = args::Cli::parse();
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
