//! TikTok's desktop redirect: a listener on 127.0.0.1 at a port the OS picks, serving only
//! `GET /callback/`. Each arrival is handed to the sign-in flow, which answers it with a page
//! for the browser; the listener closes when the flow is done with it (dropped) or times out.

use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use herald_core::{CoreError, CoreResult};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// The path TikTok sends the browser back to (register `http://127.0.0.1:*/callback/`).
pub const CALLBACK_PATH: &str = "/callback/";

/// A browser that came back to the listener, waiting for its page.
pub struct Arrival {
    /// The query string it carried (without `?`).
    pub query: String,
    page: oneshot::Sender<Page>,
}

impl Arrival {
    /// Answers the browser.
    pub fn respond(self, page: Page) {
        let _ = self.page.send(page);
    }
}

/// The page the browser shows at the end.
#[derive(Debug, Clone)]
pub struct Page {
    pub ok: bool,
    pub title: String,
    pub sentence: String,
}

impl Page {
    fn html(&self) -> String {
        let colour = if self.ok { "#1a7f37" } else { "#b42318" };
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">\
             <title>{title}</title><style>body{{font:16px system-ui,sans-serif;max-width:34rem;margin:15vh auto;padding:0 1rem;color-scheme:light dark}}\
             h1{{font-size:1.4rem;color:{colour}}}</style></head><body><h1>{title}</h1><p>{sentence}</p>\
             <p>You can close this tab and return to Herald.</p></body></html>",
            title = escape(&self.title),
            sentence = escape(&self.sentence),
        )
    }
}

/// The running listener.
pub struct Loopback {
    port: u16,
    arrivals: mpsc::Receiver<Arrival>,
    server: JoinHandle<()>,
}

impl Loopback {
    /// Binds 127.0.0.1 on a free port and starts serving.
    pub async fn bind() -> CoreResult<Loopback> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|err| {
                CoreError::Unavailable(format!(
                    "cannot listen on 127.0.0.1 for TikTok's sign-in ({err})"
                ))
            })?;
        let port = listener
            .local_addr()
            .map_err(|err| CoreError::Unavailable(format!("no local port: {err}")))?
            .port();
        let (send, arrivals) = mpsc::channel(4);
        let app = Router::new()
            .route(CALLBACK_PATH, get(arrive))
            .fallback(|| async { (StatusCode::NOT_FOUND, "Not found") })
            .with_state(send);
        let server = tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                tracing::warn!(%err, "the sign-in listener stopped");
            }
        });
        Ok(Loopback {
            port,
            arrivals,
            server,
        })
    }

    /// The exact redirect URI to send with the authorization request.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// The next browser to come back, or `None` once `timeout` has passed.
    pub async fn next(&mut self, timeout: Duration) -> Option<Arrival> {
        tokio::time::timeout(timeout, self.arrivals.recv())
            .await
            .ok()
            .flatten()
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn arrive(State(send): State<mpsc::Sender<Arrival>>, RawQuery(query): RawQuery) -> Response {
    let (page, answer) = oneshot::channel();
    let arrival = Arrival {
        query: query.unwrap_or_default(),
        page,
    };
    if send.send(arrival).await.is_err() {
        return gone();
    }
    match tokio::time::timeout(Duration::from_secs(120), answer).await {
        Ok(Ok(page)) => {
            let status = if page.ok {
                StatusCode::OK
            } else {
                StatusCode::BAD_REQUEST
            };
            (
                status,
                [(header::CACHE_CONTROL, "no-store")],
                Html(page.html()),
            )
                .into_response()
        }
        _ => gone(),
    }
}

fn gone() -> Response {
    let page = Page {
        ok: false,
        title: "Herald is no longer waiting".into(),
        sentence:
            "This sign-in was cancelled or took too long. Start the connection again from Herald."
                .into(),
    };
    (StatusCode::GONE, Html(page.html())).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn serves_one_path_and_hands_arrivals_over() {
        let mut loopback = Loopback::bind().await.unwrap();
        let uri = loopback.redirect_uri();
        assert!(uri.starts_with("http://127.0.0.1:") && uri.ends_with("/callback/"));
        let client = reqwest::Client::new();
        let other = client
            .get(uri.replace("/callback/", "/other"))
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), 404);
        let browser = tokio::spawn({
            let client = client.clone();
            let uri = uri.clone();
            async move {
                let r = client
                    .get(format!("{uri}?code=a&state=b"))
                    .send()
                    .await
                    .unwrap();
                (r.status(), r.text().await.unwrap())
            }
        });
        let arrival = loopback.next(Duration::from_secs(5)).await.unwrap();
        assert_eq!(arrival.query, "code=a&state=b");
        arrival.respond(Page {
            ok: true,
            title: "Connected <TikTok>".into(),
            sentence: "Done.".into(),
        });
        let (status, body) = browser.await.unwrap();
        assert_eq!(status, 200);
        assert!(body.contains("Connected &lt;TikTok&gt;"), "{body}");
        drop(loopback);
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(client.get(&uri).send().await.is_err(), "closed after use");
    }

    #[tokio::test]
    async fn times_out_when_nobody_comes_back() {
        let mut loopback = Loopback::bind().await.unwrap();
        assert!(loopback.next(Duration::from_millis(50)).await.is_none());
    }
}
