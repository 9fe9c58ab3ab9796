//! Fault injection: make the next matching requests fail in a chosen way.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::shared::{lock, Shared};

/// A rule: which requests it matches, how many times, and what it does to them.
///
/// JSON form (`POST /_sandbox/faults`):
/// `{"method":"POST","path_contains":"/feed","host":"facebook","count":1,"action":{"kind":"drop"}}`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FaultRule {
    /// HTTP method to match (case-insensitive); `None` = any.
    #[serde(default)]
    pub method: Option<String>,
    /// A substring of the path after the host prefix (e.g. `/feed`); `None` = any.
    #[serde(default)]
    pub path_contains: Option<String>,
    /// Host prefix to match (`facebook`, `facebook-video`, `rupload`, …); `None` = any.
    #[serde(default)]
    pub host: Option<String>,
    /// How many matching requests it applies to; absent = 1.
    #[serde(default = "one")]
    pub count: u32,
    pub action: FaultAction,
}

fn one() -> u32 {
    1
}

/// What a fault does to a matching request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultAction {
    /// Answer with this status and body without applying the request. Without a body,
    /// a Graph "unexpected error" envelope (code 2, transient) is sent.
    Status {
        status: u16,
        #[serde(default)]
        body: Option<serde_json::Value>,
    },
    /// Wait this long, then handle the request normally.
    Delay { ms: u64 },
    /// Close the connection without a response, before applying the request.
    Drop,
    /// Apply the request (e.g. create the post), then close the connection without a
    /// response: the "did it go through?" case.
    DropAfterApply,
    /// Read the first `after_bytes` bytes of the request body (all of it when shorter),
    /// then close the connection without applying the request or answering: a
    /// connection lost in the middle of an upload. JSON:
    /// `{"kind":"drop_mid_body","after_bytes":1000000}`.
    DropMidBody { after_bytes: u64 },
}

impl FaultAction {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            FaultAction::Status { .. } => "status",
            FaultAction::Delay { .. } => "delay",
            FaultAction::Drop => "drop",
            FaultAction::DropAfterApply => "drop_after_apply",
            FaultAction::DropMidBody { .. } => "drop_mid_body",
        }
    }
}

impl FaultRule {
    /// A rule matching any request, applied once.
    pub fn new(action: FaultAction) -> Self {
        FaultRule {
            method: None,
            path_contains: None,
            host: None,
            count: 1,
            action,
        }
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_string());
        self
    }

    pub fn path_contains(mut self, fragment: &str) -> Self {
        self.path_contains = Some(fragment.to_string());
        self
    }

    pub fn host(mut self, host: &str) -> Self {
        self.host = Some(host.to_string());
        self
    }

    pub fn count(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    pub(crate) fn matches(&self, method: &str, host: &str, path: &str) -> bool {
        self.count > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.host.as_deref().is_none_or(|h| h == host)
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| path.contains(p))
    }
}

/// Handle on the sandbox's fault rules.
#[derive(Clone)]
pub struct Faults {
    pub(crate) shared: Arc<Shared>,
}

impl Faults {
    /// Add a rule; rules are tried in the order they were added, the first match wins.
    pub fn add(&self, rule: FaultRule) {
        lock(&self.shared.faults).push(rule);
    }

    /// Remove every rule.
    pub fn clear(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The rules that still have uses left.
    pub fn list(&self) -> Vec<FaultRule> {
        lock(&self.shared.faults).clone()
    }
}

/// Take one use of the first rule matching this request.
pub(crate) fn take(shared: &Shared, method: &str, host: &str, path: &str) -> Option<FaultAction> {
    let mut rules = lock(&shared.faults);
    let index = rules.iter().position(|r| r.matches(method, host, path))?;
    let rule = &mut rules[index];
    rule.count -= 1;
    let action = rule.action.clone();
    if rule.count == 0 {
        rules.remove(index);
    }
    Some(action)
}
