//! Reading a request: query string, form, JSON or multipart bodies, raw upload bodies.

use std::convert::Infallible;

use axum::body::Body;
use axum::http::{header, HeaderMap};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use serde_json::Value;

/// Bodies other than raw uploads are read into memory up to this size.
pub(crate) const MAX_PARSED_BODY: usize = 64 * 1024 * 1024;
/// How many leading bytes of a raw upload are kept (to recognise the file type).
const HEAD_BYTES: usize = 32;

/// Request parameters from the query string and the body, in arrival order (query first).
#[derive(Debug, Default, Clone)]
pub(crate) struct Params {
    pairs: Vec<(String, Value)>,
}

/// A file sent in a multipart body.
#[derive(Debug, Clone)]
pub(crate) struct FilePart {
    pub name: String,
    pub bytes: Bytes,
}

/// A raw body that was counted, not kept.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawBody {
    pub len: u64,
    pub head: Vec<u8>,
}

impl RawBody {
    pub fn push(&mut self, chunk: &[u8]) {
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.len += chunk.len() as u64;
    }
}

#[derive(Debug)]
pub(crate) enum BodyError {
    TooLarge,
    Read(String),
    Malformed(String),
}

impl BodyError {
    pub fn message(&self) -> String {
        match self {
            BodyError::TooLarge => format!("request body larger than {MAX_PARSED_BODY} bytes"),
            BodyError::Read(e) => format!("could not read the request body: {e}"),
            BodyError::Malformed(e) => format!("malformed request body: {e}"),
        }
    }
}

/// A parameter value that is not a valid boolean.
#[derive(Debug)]
pub(crate) struct NotBool(pub String);

impl Params {
    pub fn from_query(query: &str) -> Params {
        let mut p = Params::default();
        p.push_urlencoded(query.as_bytes());
        p
    }

    fn push_urlencoded(&mut self, bytes: &[u8]) {
        for (k, v) in form_urlencoded::parse(bytes) {
            self.pairs
                .push((k.into_owned(), Value::String(v.into_owned())));
        }
    }

    pub fn push(&mut self, key: &str, value: Value) {
        self.pairs.push((key.to_string(), value));
    }

    /// The last value sent under `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The value as text (numbers and booleans are rendered; objects as JSON). Empty
    /// strings count as absent.
    pub fn str(&self, name: &str) -> Option<String> {
        let s = match self.get(name)? {
            Value::String(s) => s.clone(),
            Value::Null => return None,
            other => other.to_string(),
        };
        if s.is_empty() {
            None
        } else {
            Some(s)
        }
    }

    /// `true`/`false`/`1`/`0` (strings or JSON); absent → `Ok(None)`.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, NotBool> {
        match self.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(0) => Ok(Some(false)),
                Some(1) => Ok(Some(true)),
                _ => Err(NotBool(name.to_string())),
            },
            Some(Value::String(s)) => match s.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(Some(true)),
                "false" | "0" => Ok(Some(false)),
                "" => Ok(None),
                _ => Err(NotBool(name.to_string())),
            },
            Some(_) => Err(NotBool(name.to_string())),
        }
    }

    /// A structured value: JSON sent as JSON, or URL-encoded JSON text in a query/form.
    /// Also gathers the `name[0]`, `name[1]`, … form into an array.
    pub fn json(&self, name: &str) -> Result<Option<Value>, String> {
        if let Some(v) = self.get(name) {
            return match v {
                Value::String(s) if s.is_empty() => Ok(None),
                Value::String(s) => serde_json::from_str(s)
                    .map(Some)
                    .map_err(|e| format!("param {name} must be JSON: {e}")),
                other => Ok(Some(other.clone())),
            };
        }
        let prefix = format!("{name}[");
        let mut indexed: Vec<(usize, Value)> = Vec::new();
        for (k, v) in &self.pairs {
            let Some(rest) = k.strip_prefix(&prefix) else {
                continue;
            };
            let Some(idx) = rest.strip_suffix(']').and_then(|i| i.parse::<usize>().ok()) else {
                return Err(format!("param {k} is not of the form {name}[N]"));
            };
            let value = match v {
                Value::String(s) => {
                    serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))
                }
                other => other.clone(),
            };
            indexed.push((idx, value));
        }
        if indexed.is_empty() {
            return Ok(None);
        }
        indexed.sort_by_key(|(i, _)| *i);
        Ok(Some(Value::Array(
            indexed.into_iter().map(|(_, v)| v).collect(),
        )))
    }

    /// Every pair except these names (used to rebuild paging links).
    pub fn pairs_without(&self, names: &[&str]) -> Vec<(String, String)> {
        self.pairs
            .iter()
            .filter(|(k, _)| !names.contains(&k.as_str()))
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), v)
            })
            .collect()
    }
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

async fn collect(body: Body, cap: usize) -> Result<Bytes, BodyError> {
    let mut stream = body.into_data_stream();
    let mut buf = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| BodyError::Read(e.to_string()))?;
        if buf.len() + chunk.len() > cap {
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// Count a raw upload body without keeping it (only its first bytes).
pub(crate) async fn read_raw(body: Body) -> Result<RawBody, BodyError> {
    let mut stream = body.into_data_stream();
    let mut raw = RawBody::default();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| BodyError::Read(e.to_string()))?;
        raw.push(&chunk);
    }
    Ok(raw)
}

/// Parameters from the query and a form, JSON or multipart body, plus multipart files.
pub(crate) async fn read_params(
    headers: &HeaderMap,
    query: &str,
    body: Body,
) -> Result<(Params, Vec<FilePart>), BodyError> {
    let mut params = Params::from_query(query);
    let mut files = Vec::new();
    let ctype = content_type(headers);
    let bytes = collect(body, MAX_PARSED_BODY).await?;
    if bytes.is_empty() {
        return Ok((params, files));
    }
    let lower = ctype.to_ascii_lowercase();
    if lower.starts_with("multipart/form-data") {
        let boundary =
            multer::parse_boundary(&ctype).map_err(|e| BodyError::Malformed(e.to_string()))?;
        let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(bytes) });
        let mut multipart = multer::Multipart::new(stream, boundary);
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(BodyError::Malformed(e.to_string())),
            };
            let name = field.name().unwrap_or("").to_string();
            let is_file = field.file_name().is_some()
                || matches!(name.as_str(), "source" | "video_file_chunk");
            let data = field
                .bytes()
                .await
                .map_err(|e| BodyError::Malformed(e.to_string()))?;
            if is_file {
                files.push(FilePart { name, bytes: data });
            } else {
                let text = String::from_utf8_lossy(&data).into_owned();
                params.push(&name, Value::String(text));
            }
        }
    } else if lower.starts_with("application/json")
        || (!lower.starts_with("application/x-www-form-urlencoded") && bytes.first() == Some(&b'{'))
    {
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|e| BodyError::Malformed(e.to_string()))?;
        let Value::Object(map) = value else {
            return Err(BodyError::Malformed(
                "the JSON body must be an object".into(),
            ));
        };
        for (k, v) in map {
            params.push(&k, v);
        }
    } else {
        params.push_urlencoded(&bytes);
    }
    Ok((params, files))
}
