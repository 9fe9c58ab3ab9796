//! Named points in the publish path where tests stop the process dead: with
//! `HERALD_PAUSE_AT=<name>` the process announces `herald: paused at <name>` on stderr and waits,
//! so a test can SIGKILL it exactly there. Costs one environment lookup when unset.

/// The environment variable naming the point to pause at.
pub const PAUSE_AT_ENV: &str = "HERALD_PAUSE_AT";

/// Pauses forever if the environment names this point (for crash tests); otherwise returns.
pub fn pause_point(name: &str) {
    if std::env::var(PAUSE_AT_ENV).is_ok_and(|wanted| wanted == name) {
        eprintln!("herald: paused at {name}");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}
