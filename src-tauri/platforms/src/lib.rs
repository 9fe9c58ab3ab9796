//! Everything that talks to Instagram, Facebook and TikTok: where each platform's API lives
//! (every base URL can be pointed at the sandbox), the token files users import, each
//! platform's client, the media relay, and the publisher the scheduler uses.

pub mod connect;
pub mod demo;
pub mod disconnect;
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
