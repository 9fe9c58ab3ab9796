//! Everything that talks to Instagram, Facebook and TikTok. For now: where each platform's API
//! lives (every base URL can be pointed at the sandbox) and the token files users import.
//! Facebook Pages publishing is here; Instagram and TikTok arrive with their own issues.

pub mod demo;
pub mod endpoints;
pub mod facebook;
pub mod facebook_video;
pub mod graph;
mod http;
pub mod import;
pub mod instagram;
pub mod publisher;
pub mod relay;
mod staging;
pub mod tiktok;
pub mod token_file;

pub use endpoints::Endpoints;
pub use publisher::PlatformPublisher;
pub use token_file::TokenFile;
