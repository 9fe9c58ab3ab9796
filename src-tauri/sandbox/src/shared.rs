//! State shared by the server, its handles and the request handlers.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::facebook::World;
use crate::faults::FaultRule;
use crate::record::JournalEntry;
use crate::seed::Seed;

pub(crate) struct Shared {
    pub seed: Seed,
    pub base_url: String,
    /// Sandbox time minus real time, in nanoseconds.
    clock_offset_ns: AtomicI64,
    pub world: Mutex<World>,
    /// Instagram's world (never locked while `world` is held, nor the other way round).
    pub instagram: Mutex<crate::instagram::World>,
    /// TikTok's world (locked on its own too: never while `world` or `instagram` is held).
    pub tiktok: Mutex<crate::tiktok::World>,
    pub faults: Mutex<Vec<FaultRule>>,
    pub journal: Mutex<Vec<JournalEntry>>,
    pub journal_seq: AtomicU64,
    pub http: reqwest::Client,
}

/// Lock a mutex, carrying on after a panic elsewhere (the state stays usable).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    pub fn new(seed: Seed, base_url: String) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        let world = World::new(&seed, Timestamp::now());
        let instagram = crate::instagram::World::new(&seed, Timestamp::now());
        let tiktok = crate::tiktok::World::new(&seed, Timestamp::now());
        Shared {
            seed,
            base_url,
            clock_offset_ns: AtomicI64::new(0),
            world: Mutex::new(world),
            instagram: Mutex::new(instagram),
            tiktok: Mutex::new(tiktok),
            faults: Mutex::new(Vec::new()),
            journal: Mutex::new(Vec::new()),
            journal_seq: AtomicU64::new(0),
            http,
        }
    }

    /// The sandbox clock.
    pub fn now(&self) -> Timestamp {
        let offset = SignedDuration::from_nanos(self.clock_offset_ns.load(Ordering::SeqCst));
        Timestamp::now()
            .saturating_add(offset)
            .unwrap_or(Timestamp::MAX)
    }

    pub fn set_now(&self, t: Timestamp) {
        let offset = t.duration_since(Timestamp::now());
        let ns = i64::try_from(offset.as_nanos()).unwrap_or(if offset.is_negative() {
            i64::MIN
        } else {
            i64::MAX
        });
        self.clock_offset_ns.store(ns, Ordering::SeqCst);
        self.sweep();
    }

    pub fn advance(&self, by: Duration) {
        let ns = i64::try_from(by.as_nanos()).unwrap_or(i64::MAX);
        let _ = self
            .clock_offset_ns
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |cur| {
                Some(cur.saturating_add(ns))
            });
        self.sweep();
    }

    /// Let time do its work: scheduled posts go live, videos finish processing, TikTok
    /// posts finish processing (and go live).
    pub fn sweep(&self) {
        let now = self.now();
        lock(&self.world).sweep(now, &self.seed);
        lock(&self.tiktok).sweep(now, &self.seed);
    }

    /// Back to the seed: accounts, objects, faults, journal and clock.
    pub fn reset(&self) {
        self.clock_offset_ns.store(0, Ordering::SeqCst);
        *lock(&self.world) = World::new(&self.seed, Timestamp::now());
        *lock(&self.instagram) = crate::instagram::World::new(&self.seed, Timestamp::now());
        *lock(&self.tiktok) = crate::tiktok::World::new(&self.seed, Timestamp::now());
        lock(&self.faults).clear();
        lock(&self.journal).clear();
        self.journal_seq.store(0, Ordering::SeqCst);
    }

    pub fn next_journal_seq(&self) -> u64 {
        self.journal_seq.fetch_add(1, Ordering::SeqCst) + 1
    }
}

/// The sandbox's clock. It starts at the real time and runs with it; `set` and `advance`
/// move it (and make due scheduled posts go live at once).
#[derive(Clone)]
pub struct SandboxClock {
    pub(crate) shared: Arc<Shared>,
}

impl SandboxClock {
    pub fn now(&self) -> Timestamp {
        self.shared.now()
    }

    pub fn set(&self, t: Timestamp) {
        self.shared.set_now(t);
    }

    pub fn advance(&self, by: Duration) {
        self.shared.advance(by);
    }
}

static RANDOM_SEQ: AtomicU64 = AtomicU64::new(0x2545_F491_4F6C_DD1D);

/// `n` random-looking characters from `alphabet` (tokens, codes, log ids).
pub(crate) fn random_chars(n: usize, alphabet: &[u8]) -> String {
    let nanos = Timestamp::now().as_nanosecond() as u64;
    let mut x = RANDOM_SEQ.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed) ^ nanos;
    let mut out = String::with_capacity(n);
    for _ in 0..n {
        // xorshift64*
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        let v = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let i = ((v >> 32) as usize) % alphabet.len().max(1);
        out.push(alphabet.get(i).copied().unwrap_or(b'0') as char);
    }
    out
}

/// Letters and digits.
pub(crate) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Letters, digits, `-` and `_`: the alphabet of Meta's codes and tokens.
pub(crate) const URL_SAFE: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
