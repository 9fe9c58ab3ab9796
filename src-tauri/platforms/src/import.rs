//! `herald accounts import`: turning a token file into connected accounts, tokens into the
//! keyring (each written before the account is marked usable).

use std::path::Path;
use std::sync::Arc;

use herald_core::accounts::NewAccount;
use herald_core::domain::{AccountStatus, AccountView, Platform};
use herald_core::vault::{Secret, SecretKey, Vault};
use herald_core::{CoreError, CoreResult, Store};
use jiff::Timestamp;

use crate::facebook::Facebook;
use crate::{Endpoints, TokenFile};

/// Imports the accounts a token file gives access to: for Facebook, every Page the user token
/// manages (with its own Page token).
pub async fn import_accounts(
    store: &Store,
    vault: Arc<dyn Vault>,
    endpoints: &Endpoints,
    platform: Platform,
    token_file: &Path,
    now: Timestamp,
) -> CoreResult<Vec<AccountView>> {
    let tokens = TokenFile::read(token_file)?;
    match platform {
        Platform::Facebook => {
            let pages = Facebook::new(endpoints)
                .pages(&tokens.access_token)
                .await
                .map_err(|failure| {
                    CoreError::Unavailable(failure.to_publish_failure("Facebook").message)
                })?;
            if pages.is_empty() {
                return Err(CoreError::invalid(
                    "this Facebook token manages no Page; Herald publishes to Pages, so connect a user who manages one",
                ));
            }
            let mut imported = Vec::with_capacity(pages.len());
            for page in pages {
                let account = store
                    .upsert_account(
                        &NewAccount {
                            platform,
                            platform_account_id: page.id,
                            name: page.name,
                            simulated: false,
                        },
                        now,
                    )
                    .await?;
                if let Err(err) =
                    store_token(&vault, SecretKey::AccessToken(account.id), page.token).await
                {
                    store
                        .set_account_status(account.id, AccountStatus::NeedsReconnect)
                        .await?;
                    return Err(err);
                }
                imported.push(store.account(account.id).await?);
            }
            Ok(imported)
        }
        Platform::Instagram | Platform::TikTok => Err(CoreError::Unavailable(format!(
            "importing {platform} accounts is not available in this version of Herald yet; \
             the token file is valid and nothing was changed"
        ))),
    }
}

async fn store_token(vault: &Arc<dyn Vault>, key: SecretKey, token: Secret) -> CoreResult<()> {
    let vault = vault.clone();
    tokio::task::spawn_blocking(move || vault.store(&key, &token))
        .await
        .map_err(|err| CoreError::Unavailable(format!("the keyring task failed: {err}")))??;
    Ok(())
}
