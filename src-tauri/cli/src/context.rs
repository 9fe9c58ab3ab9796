//! What every command needs: the data directory and the opened database.

use std::path::PathBuf;

use herald_core::{paths, CoreResult, Store};

/// The data directory and its database.
pub struct Context {
    pub data_dir: PathBuf,
    pub store: Store,
}

impl Context {
    /// Opens the data directory named by the environment (or the OS default).
    pub async fn open() -> CoreResult<Context> {
        let data_dir = paths::data_dir()?;
        let store = Store::open(&data_dir).await?;
        Ok(Context { data_dir, store })
    }
}
