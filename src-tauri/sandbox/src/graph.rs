//! Graph API conventions: the error envelope, replies, times, `fields=` and paging.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderName, HeaderValue, StatusCode};
use jiff::Timestamp;
use serde_json::{json, Map, Value};

/// A reply before it becomes an HTTP response.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: StatusCode, value: &Value) -> Reply {
        Reply {
            status,
            headers: vec![(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=UTF-8"),
            )],
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    pub fn ok(value: Value) -> Reply {
        Reply::json(StatusCode::OK, &value)
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Reply {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((HeaderName::from_static(name), v));
        }
        self
    }
}

/// A Graph API error: `{"error":{"message","type","code","error_subcode","fbtrace_id",…}}`.
#[derive(Debug, Clone)]
pub(crate) struct GraphError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub code: i64,
    pub subcode: Option<i64>,
    pub message: String,
    pub is_transient: Option<bool>,
    /// `error_user_title`, `error_user_msg`, `error_data` (boxed: errors travel by value).
    pub extra: Option<Box<ErrorExtra>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ErrorExtra {
    pub user_title: Option<String>,
    pub user_msg: Option<String>,
    pub error_data: Option<Value>,
}

pub(crate) type GraphResult<T> = Result<T, GraphError>;

impl GraphError {
    pub fn new(code: i64, message: impl Into<String>) -> GraphError {
        GraphError {
            status: StatusCode::BAD_REQUEST,
            kind: "OAuthException",
            code,
            subcode: None,
            message: message.into(),
            is_transient: None,
            extra: None,
        }
    }

    pub fn sub(mut self, subcode: i64) -> Self {
        self.subcode = Some(subcode);
        self
    }

    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn transient(mut self, t: bool) -> Self {
        self.is_transient = Some(t);
        self
    }

    pub fn user(mut self, title: &str, msg: &str) -> Self {
        let extra = self.extra.get_or_insert_with(Default::default);
        extra.user_title = Some(title.to_string());
        extra.user_msg = Some(msg.to_string());
        self
    }

    pub fn data(mut self, data: Value) -> Self {
        self.extra.get_or_insert_with(Default::default).error_data = Some(data);
        self
    }

    /// `(#100) <message>`: an invalid parameter.
    pub fn param(message: impl AsRef<str>) -> GraphError {
        GraphError::new(100, format!("(#100) {}", message.as_ref()))
    }

    /// An object that does not exist or cannot be seen with this token (100/33).
    pub fn no_object(method: &str, id: &str) -> GraphError {
        GraphError::new(
            100,
            format!(
                "Unsupported {} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
                method.to_ascii_lowercase()
            ),
        )
        .sub(33)
        .kind("GraphMethodException")
    }

    pub fn unknown_path(component: &str) -> GraphError {
        GraphError::new(2500, format!("Unknown path components: /{component}"))
    }

    pub fn nonexisting_field(field: &str, node: &str) -> GraphError {
        GraphError::new(
            100,
            format!("(#100) Tried accessing nonexisting field ({field}) on node type ({node})"),
        )
    }

    pub fn body(&self) -> Value {
        let mut err = Map::new();
        err.insert("message".into(), json!(self.message));
        err.insert("type".into(), json!(self.kind));
        err.insert("code".into(), json!(self.code));
        if let Some(s) = self.subcode {
            err.insert("error_subcode".into(), json!(s));
        }
        if let Some(t) = self.is_transient {
            err.insert("is_transient".into(), json!(t));
        }
        if let Some(extra) = &self.extra {
            if let Some(t) = &extra.user_title {
                err.insert("error_user_title".into(), json!(t));
            }
            if let Some(m) = &extra.user_msg {
                err.insert("error_user_msg".into(), json!(m));
            }
            if let Some(d) = &extra.error_data {
                err.insert("error_data".into(), d.clone());
            }
        }
        err.insert("fbtrace_id".into(), json!(fbtrace_id()));
        json!({ "error": Value::Object(err) })
    }

    pub fn reply(&self) -> Reply {
        Reply::json(self.status, &self.body())
    }
}

/// The `{"debug_info":…}` envelope of rupload.facebook.com.
pub(crate) fn rupload_error(status: StatusCode, kind: &str, message: &str) -> Reply {
    let inner = json!({"success": false, "error": {"message": message}}).to_string();
    Reply::json(
        status,
        &json!({"debug_info": {"retriable": false, "type": kind, "message": inner}}),
    )
}

static TRACE: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);

/// A random-looking trace id like `ALRlpRLSwaI4ndtlU9LeWVv`.
pub(crate) fn fbtrace_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    let nanos = Timestamp::now().as_nanosecond() as u64;
    let mut x = TRACE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ nanos;
    let mut out = String::with_capacity(23);
    out.push('A');
    for _ in 0..22 {
        // xorshift64*
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        let v = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        out.push(ALPHABET[(v >> 58) as usize] as char);
    }
    out
}

/// Graph's time format: `2026-01-01T10:00:00+0000`.
pub(crate) fn fb_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S+0000").to_string()
}

/// A `scheduled_publish_time`: UNIX seconds, or an ISO-8601 / RFC 3339 time
/// (`+0000` offsets included).
pub(crate) fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse::<i64>()
            .ok()
            .and_then(|n| Timestamp::from_second(n).ok());
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    // `+0000` → `+00:00`
    let cut = s.len().checked_sub(5)?;
    let (head, tail) = (s.get(..cut)?, s.get(cut..)?);
    let (sign, digits) = (tail.get(..1)?, tail.get(1..)?);
    if (sign == "+" || sign == "-") && digits.bytes().all(|b| b.is_ascii_digit()) {
        let fixed = format!("{head}{sign}{}:{}", digits.get(..2)?, digits.get(2..)?);
        return fixed.parse::<Timestamp>().ok();
    }
    None
}

/// The field names of a `fields=` list (`a,b.limit(0).summary(true),c{d,e}` → a, b, c).
pub(crate) fn field_names(fields: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    let mut in_name = true;
    for ch in fields.chars() {
        match ch {
            '(' | '{' => {
                depth += 1;
                in_name = false;
            }
            ')' | '}' => depth -= 1,
            ',' if depth == 0 => {
                let n = current.trim().to_string();
                if !n.is_empty() {
                    names.push(n);
                }
                current.clear();
                in_name = true;
            }
            '.' if depth == 0 => in_name = false,
            c if depth == 0 && in_name => current.push(c),
            _ => {}
        }
    }
    let n = current.trim().to_string();
    if !n.is_empty() {
        names.push(n);
    }
    names
}

/// Build a node from a `fields=` list. `lookup` answers `None` for a field the node type
/// does not have (→ `(#100) Tried accessing nonexisting field`) and `Some(None)` for a
/// field it has but that is empty here (left out, as Graph does).
pub(crate) fn select(
    fields: Option<&str>,
    defaults: &[&str],
    node: &str,
    lookup: &dyn Fn(&str) -> Option<Option<Value>>,
) -> GraphResult<Value> {
    let names: Vec<String> = match fields {
        Some(f) if !f.trim().is_empty() => field_names(f),
        _ => defaults.iter().map(|s| s.to_string()).collect(),
    };
    let mut out = Map::new();
    for name in names
        .iter()
        .map(String::as_str)
        .chain(std::iter::once("id"))
    {
        if out.contains_key(name) {
            continue;
        }
        match lookup(name) {
            None => return Err(GraphError::nonexisting_field(name, node)),
            Some(Some(v)) => {
                out.insert(name.to_string(), v);
            }
            Some(None) => {}
        }
    }
    Ok(Value::Object(out))
}

/// A `{"data":[…],"paging":{…}}` page of a list, with `limit` and `after` cursors.
pub(crate) fn paged(
    items: Vec<Value>,
    limit: Option<&str>,
    after: Option<&str>,
    next_base: &str,
) -> GraphResult<Value> {
    let limit = match limit {
        None => 25,
        Some(l) => l
            .parse::<usize>()
            .map_err(|_| GraphError::param("param limit must be a number"))?
            .clamp(1, 100),
    };
    let start = match after {
        None => 0,
        Some(a) => decode_cursor(a).ok_or_else(|| GraphError::param("Invalid cursor"))?,
    };
    let total = items.len();
    let end = (start + limit).min(total);
    let data: Vec<Value> = items.into_iter().skip(start).take(limit).collect();
    let mut paging = Map::new();
    if !data.is_empty() {
        paging.insert(
            "cursors".into(),
            json!({"before": encode_cursor(start), "after": encode_cursor(end)}),
        );
    }
    if end < total {
        let sep = if next_base.contains('?') { '&' } else { '?' };
        paging.insert(
            "next".into(),
            json!(format!("{next_base}{sep}after={}", encode_cursor(end))),
        );
    }
    if paging.is_empty() {
        return Ok(json!({ "data": data }));
    }
    Ok(json!({ "data": data, "paging": Value::Object(paging) }))
}

fn encode_cursor(i: usize) -> String {
    format!("c{i:08x}")
}

fn decode_cursor(s: &str) -> Option<usize> {
    usize::from_str_radix(s.strip_prefix('c')?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_skip_modifiers() {
        assert_eq!(
            field_names(
                "id,shares,reactions.limit(0).summary(total_count),attachments{media,url}, message"
            ),
            vec!["id", "shares", "reactions", "attachments", "message"]
        );
    }

    #[test]
    fn times_parse() {
        let t = parse_time("1767225600").map(|t| t.as_second());
        assert_eq!(t, Some(1_767_225_600));
        let t = parse_time("2026-01-01T00:00:00+0000").map(|t| t.as_second());
        assert_eq!(t, Some(1_767_225_600));
        let t = parse_time("2026-01-01T00:00:00Z").map(|t| t.as_second());
        assert_eq!(t, Some(1_767_225_600));
        assert!(parse_time("tomorrow").is_none());
        assert_eq!(fb_time(Timestamp::UNIX_EPOCH), "1970-01-01T00:00:00+0000");
    }

    #[test]
    fn trace_ids_differ() {
        assert_ne!(fbtrace_id(), fbtrace_id());
        assert_eq!(fbtrace_id().len(), 23);
    }
}
