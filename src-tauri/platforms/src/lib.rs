//! Everything that talks to Instagram, Facebook and TikTok. For now: where each platform's API
//! lives (every base URL can be pointed at the sandbox) and the token files users import.
//! The clients arrive with the platform issues.

pub mod endpoints;
pub mod token_file;

pub use endpoints::Endpoints;
pub use token_file::TokenFile;
