//! The OS keyring for real: in CI this runs against GNOME Keyring's Secret Service inside a
//! throwaway `dbus-run-session` (see `make test`). Elsewhere it runs only when
//! `HERALD_TEST_REAL_KEYRING=1`, because it writes to the user's keyring.

use herald_core::domain::Platform;
use herald_core::vault::{KeyringVault, Secret, SecretKey, Vault};

fn enabled() -> bool {
    std::env::var("HERALD_TEST_REAL_KEYRING").as_deref() == Ok("1")
}

#[test]
fn stores_reads_and_deletes_in_the_secret_service() {
    if !enabled() {
        eprintln!("skipped: set HERALD_TEST_REAL_KEYRING=1 (make test does) to use the OS keyring");
        return;
    }
    let vault = KeyringVault::new(format!("herald-test-{}", std::process::id()));
    let key = SecretKey::AppSecret(Platform::Instagram);
    let value = Secret::new("real-keyring-secret-ü-✓");
    vault
        .store(&key, &value)
        .expect("store in the Secret Service");
    assert_eq!(vault.load(&key).unwrap().as_ref(), Some(&value));
    vault.store(&key, &Secret::new("replaced")).unwrap();
    assert_eq!(vault.load(&key).unwrap().unwrap().expose(), "replaced");
    vault.delete(&key).unwrap();
    assert!(vault.load(&key).unwrap().is_none());
    vault.delete(&key).expect("deleting twice is fine");
}
