//! Lowercase hex: random identifiers (sign-in `state`, PKCE verifiers, relay keys) and SHA-256
//! digests (TikTok's PKCE challenge, stored `state` hashes, thumbnail cache names).

use sha2::{Digest, Sha256};

use crate::error::{CoreError, CoreResult};

/// `bytes` random bytes from the OS, as lowercase hex.
pub fn random_hex(bytes: usize) -> CoreResult<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|err| CoreError::Unavailable(format!("no random numbers from the OS: {err}")))?;
    Ok(to_hex(&buf))
}

/// SHA-256 of `text` as lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    to_hex(&Sha256::digest(text.as_bytes()))
}

/// Bytes as lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_sha256_matches_tiktoks_test_vector() {
        assert_eq!(
            sha256_hex("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3"
        );
    }

    #[test]
    fn random_hex_has_two_digits_per_byte() {
        let id = random_hex(16).unwrap();
        assert_eq!(id.len(), 32);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }
}
