//! `herald relay`: the S3-compatible bucket Instagram fetches media from (DESIGN.md §6).

use std::sync::Arc;
use std::time::Duration;

use herald_core::relay::{RelayCredentials, RelaySettings};
use herald_core::vault::{KeyringVault, Vault};
use herald_core::{CoreError, CoreResult, Store};
use herald_platforms::publisher::relay_client;
use herald_platforms::relay::Relay;
use jiff::Timestamp;

use crate::args::RelayCommand;
use crate::commands::read_secret_from_stdin;
use crate::output;

/// Relay objects older than this are left over from an interrupted publish.
const ORPHAN_AGE: Duration = Duration::from_secs(2 * 60 * 60);

/// Runs one `herald relay` command.
pub async fn run(store: &Store, command: RelayCommand, now: Timestamp) -> CoreResult<()> {
    let vault: Arc<dyn Vault> = Arc::new(KeyringVault::from_env());
    match command {
        RelayCommand::Set {
            endpoint,
            region,
            bucket,
            access_key_id,
        } => {
            let secret = read_secret_from_stdin()?;
            let settings = RelaySettings {
                endpoint,
                region,
                bucket,
                access_key_id,
            };
            let saved = store.set_relay(settings, &secret, vault.as_ref()).await?;
            eprintln!(
                "Stored the relay bucket '{}' at {}; its secret access key is in the OS keyring. \
                 `herald relay test` checks it.",
                saved.bucket, saved.endpoint
            );
            Ok(())
        }
        RelayCommand::Show(flag) => {
            let relay = in_effect(store, vault.as_ref()).await?;
            let settings = relay.map(|r| r.settings);
            if flag.json {
                return output::json(&settings);
            }
            match settings {
                Some(s) => println!(
                    "endpoint       {}\nregion         {}\nbucket         {}\naccess key id  {}",
                    s.endpoint, s.region, s.bucket, s.access_key_id
                ),
                None => println!(
                    "No media relay is set. Instagram needs one: `herald relay set --help`."
                ),
            }
            Ok(())
        }
        RelayCommand::Test => {
            let relay = client(store, vault.as_ref()).await?;
            relay
                .check(now)
                .await
                .map_err(|err| CoreError::Unavailable(err.to_string()))?;
            eprintln!("The relay works: Herald uploaded, fetched through a presigned URL and deleted a test object.");
            Ok(())
        }
        RelayCommand::Sweep => {
            let relay = client(store, vault.as_ref()).await?;
            let removed = relay
                .sweep(ORPHAN_AGE, now)
                .await
                .map_err(|err| CoreError::Unavailable(err.to_string()))?;
            eprintln!("Removed {removed} leftover object(s) from the relay.");
            Ok(())
        }
        RelayCommand::Clear => {
            store.clear_relay(vault.as_ref()).await?;
            eprintln!("Forgot the media relay and deleted its secret from the keyring.");
            Ok(())
        }
    }
}

async fn in_effect(store: &Store, vault: &dyn Vault) -> CoreResult<Option<RelayCredentials>> {
    store
        .relay_in_effect(vault, |name| std::env::var(name).ok())
        .await
}

async fn client(store: &Store, vault: &dyn Vault) -> CoreResult<Relay> {
    let credentials = in_effect(store, vault).await?.ok_or_else(|| {
        CoreError::invalid("no media relay is set; set one with `herald relay set`")
    })?;
    relay_client(credentials).map_err(|err| CoreError::invalid(err.to_string()))
}
