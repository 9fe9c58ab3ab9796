//! With no Secret Service reachable, the vault answers with a clear error instead of hanging or
//! panicking. (Its own test binary: it changes the process's environment.)

use herald_core::vault::{KeyringVault, SecretKey, Vault, VaultError};

#[test]
fn no_secret_service_is_a_clear_error() {
    // A bus address where nothing listens.
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/herald-test-bus",
    );
    let result = KeyringVault::new("herald-test-no-bus").load(&SecretKey::RelaySecretKey);
    match result {
        Err(err @ VaultError::Unavailable { .. }) => {
            assert!(
                err.to_string().contains("no OS keyring is available"),
                "{err}"
            );
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
}
