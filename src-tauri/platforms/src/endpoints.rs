//! Base URLs of the platforms' APIs, each overridable from the environment so that tests,
//! benchmarks and a newcomer's first run can point Herald at the local sandbox.

/// One configurable base URL: the environment variable and the real host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointVar {
    pub env: &'static str,
    pub default: &'static str,
}

/// Instagram Graph API (Instagram Login).
pub const INSTAGRAM_GRAPH: EndpointVar = EndpointVar {
    env: "HERALD_INSTAGRAM_GRAPH_URL",
    default: "https://graph.instagram.com",
};
/// Instagram OAuth code exchange.
pub const INSTAGRAM_API: EndpointVar = EndpointVar {
    env: "HERALD_INSTAGRAM_API_URL",
    default: "https://api.instagram.com",
};
/// Facebook Graph API.
pub const FACEBOOK_GRAPH: EndpointVar = EndpointVar {
    env: "HERALD_FACEBOOK_GRAPH_URL",
    default: "https://graph.facebook.com",
};
/// Facebook video uploads.
pub const FACEBOOK_VIDEO: EndpointVar = EndpointVar {
    env: "HERALD_FACEBOOK_VIDEO_URL",
    default: "https://graph-video.facebook.com",
};
/// Meta resumable uploads.
pub const RUPLOAD: EndpointVar = EndpointVar {
    env: "HERALD_RUPLOAD_URL",
    default: "https://rupload.facebook.com",
};
/// TikTok Content Posting and Login Kit APIs.
pub const TIKTOK_API: EndpointVar = EndpointVar {
    env: "HERALD_TIKTOK_API_URL",
    default: "https://open.tiktokapis.com",
};

/// Instagram's sign-in page (`/oauth/authorize`).
pub const INSTAGRAM_AUTHORIZE: EndpointVar = EndpointVar {
    env: "HERALD_INSTAGRAM_AUTHORIZE_URL",
    default: "https://www.instagram.com",
};
/// Facebook's Login dialog (`/{version}/dialog/oauth`).
pub const FACEBOOK_DIALOG: EndpointVar = EndpointVar {
    env: "HERALD_FACEBOOK_DIALOG_URL",
    default: "https://www.facebook.com",
};
/// TikTok's sign-in page (`/v2/auth/authorize/`).
pub const TIKTOK_AUTHORIZE: EndpointVar = EndpointVar {
    env: "HERALD_TIKTOK_AUTHORIZE_URL",
    default: "https://www.tiktok.com",
};

/// Every configurable base URL.
pub const ALL: [EndpointVar; 9] = [
    INSTAGRAM_GRAPH,
    INSTAGRAM_API,
    FACEBOOK_GRAPH,
    FACEBOOK_VIDEO,
    RUPLOAD,
    TIKTOK_API,
    INSTAGRAM_AUTHORIZE,
    FACEBOOK_DIALOG,
    TIKTOK_AUTHORIZE,
];

/// The base URLs in effect, without trailing slashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub instagram_graph: String,
    pub instagram_api: String,
    pub facebook_graph: String,
    pub facebook_video: String,
    pub rupload: String,
    pub tiktok_api: String,
    pub instagram_authorize: String,
    pub facebook_dialog: String,
    pub tiktok_authorize: String,
}

impl Endpoints {
    /// The base URLs from the environment, defaulting to the real hosts.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The base URLs of Herald's built-in sandbox serving at `base` (e.g.
    /// `http://127.0.0.1:47831`): one server, one path prefix per real host.
    pub fn sandbox(base: &str) -> Self {
        let base = base.trim_end_matches('/');
        Endpoints {
            instagram_graph: format!("{base}/instagram-graph"),
            instagram_api: format!("{base}/instagram-api"),
            facebook_graph: format!("{base}/facebook"),
            facebook_video: format!("{base}/facebook-video"),
            rupload: format!("{base}/rupload"),
            tiktok_api: format!("{base}/tiktok"),
            instagram_authorize: format!("{base}/instagram-www"),
            facebook_dialog: format!("{base}/facebook-www"),
            tiktok_authorize: format!("{base}/tiktok-www"),
        }
    }

    /// The base URLs read through `lookup` (an environment, a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |var: EndpointVar| {
            lookup(var.env)
                .map(|v| v.trim().trim_end_matches('/').to_owned())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| var.default.to_owned())
        };
        Endpoints {
            instagram_graph: get(INSTAGRAM_GRAPH),
            instagram_api: get(INSTAGRAM_API),
            facebook_graph: get(FACEBOOK_GRAPH),
            facebook_video: get(FACEBOOK_VIDEO),
            rupload: get(RUPLOAD),
            tiktok_api: get(TIKTOK_API),
            instagram_authorize: get(INSTAGRAM_AUTHORIZE),
            facebook_dialog: get(FACEBOOK_DIALOG),
            tiktok_authorize: get(TIKTOK_AUTHORIZE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_real_hosts() {
        let endpoints = Endpoints::from_lookup(|_| None);
        assert_eq!(endpoints.facebook_graph, "https://graph.facebook.com");
        assert_eq!(endpoints.tiktok_api, "https://open.tiktokapis.com");
    }

    #[test]
    fn each_variable_overrides_its_url() {
        let endpoints = Endpoints::from_lookup(|name| {
            (name == "HERALD_FACEBOOK_GRAPH_URL").then(|| "http://127.0.0.1:9000/".to_owned())
        });
        assert_eq!(endpoints.facebook_graph, "http://127.0.0.1:9000");
        assert_eq!(endpoints.instagram_graph, "https://graph.instagram.com");
    }
}
