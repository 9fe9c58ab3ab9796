//! Fetching media from a URL, as Meta does for `url` / `file_url` parameters.

use bytes::{Bytes, BytesMut};

#[derive(Debug)]
pub(crate) enum FetchError {
    BadUrl(String),
    Network(String),
    Status(u16),
    TooLarge,
}

impl FetchError {
    pub fn message(&self) -> String {
        match self {
            FetchError::BadUrl(u) => format!("not a valid http(s) URL: {u}"),
            FetchError::Network(e) => format!("request failed: {e}"),
            FetchError::Status(s) => format!("the server answered HTTP {s}"),
            FetchError::TooLarge => "the file is too large".to_string(),
        }
    }
}

/// GET `url` (no redirects followed) and read at most `cap` bytes.
pub(crate) async fn fetch(
    client: &reqwest::Client,
    url: &str,
    cap: u64,
) -> Result<Bytes, FetchError> {
    let parsed = reqwest::Url::parse(url).map_err(|_| FetchError::BadUrl(url.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(FetchError::BadUrl(url.to_string()));
    }
    let mut resp = client
        .get(parsed)
        .header("user-agent", "facebookexternalhit/1.1 (herald-sandbox)")
        .send()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(FetchError::Status(resp.status().as_u16()));
    }
    if resp.content_length().is_some_and(|l| l > cap) {
        return Err(FetchError::TooLarge);
    }
    let mut buf = BytesMut::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))?
    {
        if (buf.len() + chunk.len()) as u64 > cap {
            return Err(FetchError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// GET `url` and count its bytes without keeping them (only the first few).
pub(crate) async fn fetch_counted(
    client: &reqwest::Client,
    url: &str,
    cap: u64,
) -> Result<crate::request::RawBody, FetchError> {
    let parsed = reqwest::Url::parse(url).map_err(|_| FetchError::BadUrl(url.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(FetchError::BadUrl(url.to_string()));
    }
    let mut resp = client
        .get(parsed)
        .header("user-agent", "facebookexternalhit/1.1 (herald-sandbox)")
        .send()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(FetchError::Status(resp.status().as_u16()));
    }
    let mut raw = crate::request::RawBody::default();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| FetchError::Network(e.to_string()))?
    {
        raw.push(&chunk);
        if raw.len > cap {
            return Err(FetchError::TooLarge);
        }
    }
    Ok(raw)
}
