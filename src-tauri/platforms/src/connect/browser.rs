//! Opening the system browser at a sign-in page (RFC 8252: never an embedded webview, so the
//! user types their password only into the browser they trust).

use herald_core::{CoreError, CoreResult};

/// The environment variable naming a program to open sign-in pages with instead of the
/// system's default browser (it receives the URL as its only argument).
pub const BROWSER_ENV: &str = "HERALD_BROWSER";

/// Opens `url` in the browser: `HERALD_BROWSER` if set, else the system default. Returns
/// without waiting for the browser. The URL is never logged (it carries the sign-in's state).
pub fn open_in_browser(url: &str) -> CoreResult<()> {
    if let Some(program) = std::env::var_os(BROWSER_ENV).filter(|p| !p.is_empty()) {
        return std::process::Command::new(&program)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .spawn()
            .map(drop)
            .map_err(|err| {
                CoreError::Unavailable(format!(
                    "cannot start the browser named by {BROWSER_ENV} ({err}); open the sign-in link yourself"
                ))
            });
    }
    open::that_detached(url).map_err(|err| {
        CoreError::Unavailable(format!(
            "cannot open the system browser ({err}); copy the sign-in link into your browser instead"
        ))
    })
}
