//! Hosting the built-in sandbox while "Try Herald with sandbox accounts" is on: the resident
//! process (or `herald run`) serves it on 127.0.0.1 and points sandbox accounts at it.

use herald_core::Store;
use herald_platforms::PlatformPublisher;
use herald_sandbox::{RunningS3, RunningSandbox, S3Config, SandboxConfig};

/// The sandbox this process serves, if any, with its S3 media relay on the next port.
#[derive(Default)]
pub struct SandboxHost {
    running: Option<(u16, RunningSandbox, Option<RunningS3>)>,
}

impl SandboxHost {
    /// Starts or stops the sandbox to match the setting, and tells the publisher where it is.
    /// If another Herald process already serves the port, that one is used.
    pub async fn sync(&mut self, store: &Store, publisher: &PlatformPublisher) {
        let wanted = match store.sandbox_port().await {
            Ok(port) => port,
            Err(err) => {
                tracing::warn!(%err, "cannot read the sandbox setting");
                return;
            }
        };
        if self.running.as_ref().map(|(port, _, _)| *port) != wanted {
            self.stop().await;
            if let Some(port) = wanted {
                match herald_sandbox::start(SandboxConfig {
                    port,
                    ..SandboxConfig::default()
                })
                .await
                {
                    Ok(sandbox) => {
                        tracing::info!(port, "serving the built-in sandbox");
                        let relay = start_relay(port).await;
                        self.running = Some((port, sandbox, relay));
                    }
                    Err(err) => {
                        tracing::info!(port, %err, "the sandbox port is taken; using the sandbox already there")
                    }
                }
            }
        }
        publisher.set_sandbox_port(wanted);
    }

    /// Stops the sandbox this process serves.
    pub async fn stop(&mut self) {
        if let Some((port, sandbox, relay)) = self.running.take() {
            sandbox.shutdown().await;
            if let Some(relay) = relay {
                relay.shutdown().await;
            }
            tracing::info!(port, "stopped the built-in sandbox");
        }
    }
}

/// The sandbox's media relay (an S3-compatible server) on `port + 1`, for sandbox Instagram
/// accounts.
async fn start_relay(port: u16) -> Option<RunningS3> {
    let s3_port = port.checked_add(1)?;
    match herald_sandbox::start_s3(S3Config {
        port: s3_port,
        ..S3Config::default()
    })
    .await
    {
        Ok(relay) => Some(relay),
        Err(err) => {
            tracing::warn!(port = s3_port, %err, "the sandbox relay port is taken; sandbox Instagram posts use what serves it");
            None
        }
    }
}
