//! Herald's core: the domain, the SQLite store, the secrets vault, the change signal between
//! processes and the scheduler. It has no Tauri dependency; the window, the resident process and
//! the command line are thin layers over it.

pub mod accounts;
pub mod apps;
pub mod change;
pub mod compose;
pub mod creator;
pub mod domain;
pub mod error;
pub mod failpoint;
pub mod hex;
pub mod history;
pub mod logging;
pub mod media;
pub mod options;
pub mod paths;
pub mod posts;
pub mod publish;
pub mod quota;
pub mod relay;
pub mod resident;
pub mod rules;
pub mod scheduler;
pub mod settings;
pub mod sign_in;
pub mod store;
pub mod time;
pub mod vault;
pub mod violation;

pub use error::{CoreError, CoreResult};
pub use store::Store;
