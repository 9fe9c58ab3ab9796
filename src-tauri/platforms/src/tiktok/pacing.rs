//! TikTok's per-token rate limits (`../shared/platforms/tiktok-api.md` §5): creator info 20, the
//! init calls 6 and status 30 requests per minute per access token. Herald paces its own calls
//! to stay under them (sliding one-minute windows per account), so a busy hour of posts never
//! runs into `rate_limit_exceeded`; if it does anyway, the engine backs off.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The calls TikTok limits separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Call {
    CreatorInfo,
    Init,
    Status,
}

impl Call {
    /// Requests allowed per minute per token.
    pub fn per_minute(self) -> usize {
        match self {
            Call::CreatorInfo => 20,
            Call::Init => 6,
            Call::Status => 30,
        }
    }
}

const WINDOW: Duration = Duration::from_secs(60);

/// The recent calls of one kind for one account, oldest first.
type Windows = HashMap<(i64, Call), VecDeque<Instant>>;

/// Sliding windows of recent calls, per account and kind of call. Cloning shares the windows.
#[derive(Debug, Clone, Default)]
pub struct Pacer {
    windows: Arc<Mutex<Windows>>,
}

impl Pacer {
    /// How long to wait before making `call` for `account` (zero when it may go now); the call
    /// is counted at the time it will be made.
    pub fn reserve(&self, account: i64, call: Call) -> Duration {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        let window = windows.entry((account, call)).or_default();
        while window
            .front()
            .is_some_and(|at| now.duration_since(*at) >= WINDOW)
        {
            window.pop_front();
        }
        let at = if window.len() < call.per_minute() {
            now
        } else {
            // The oldest call of the last `per_minute` leaves the window at `oldest + WINDOW`.
            let oldest = window[window.len() - call.per_minute()];
            (oldest + WINDOW).max(now)
        };
        window.push_back(at);
        at.duration_since(now)
    }

    /// Waits until `call` may be made for `account`.
    pub async fn wait(&self, account: i64, call: Call) {
        let wait = self.reserve(account, call);
        if !wait.is_zero() {
            tracing::info!(
                account,
                ?call,
                wait_ms = wait.as_millis() as u64,
                "pacing TikTok calls under its rate limit"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seventh_init_in_a_minute_waits_and_accounts_are_apart() {
        let pacer = Pacer::default();
        for _ in 0..6 {
            assert!(pacer.reserve(1, Call::Init).is_zero());
        }
        let wait = pacer.reserve(1, Call::Init);
        assert!(wait > Duration::from_secs(59), "{wait:?}");
        // Another account, another kind of call: not affected.
        assert!(pacer.reserve(2, Call::Init).is_zero());
        assert!(pacer.reserve(1, Call::Status).is_zero());
    }
}
