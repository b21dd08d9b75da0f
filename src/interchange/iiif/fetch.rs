//! Fetching manifests, `info.json` files and images: over HTTP(S) with `ureq` (rustls, no
//! system libraries), bounded in size and time, following at most five redirects and only
//! to `http` or `https` addresses; or, for a manifest given as a file, through the store's
//! guarded reader.

use std::time::Duration;

/// Where a manifest comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Web(String),
    File(std::path::PathBuf),
}

impl Location {
    /// A web address (`http://`, `https://`) or a file path.
    pub fn parse(s: &str) -> Self {
        let lower = s.trim().to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            Self::Web(s.trim().to_owned())
        } else {
            Self::File(std::path::PathBuf::from(s))
        }
    }
}

/// The largest manifest or `info.json` fetched.
pub const MAX_JSON_BYTES: u64 = 32 << 20;
/// The largest image fetched.
pub const MAX_IMAGE_BYTES: u64 = 64 << 20;
/// How long one request may take, in all.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// A reusable HTTP client.
pub struct Client {
    agent: ureq::Agent,
}

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

impl Client {
    pub fn new() -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .max_redirects(5)
            .user_agent(concat!("Marginalia/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Self { agent }
    }

    /// The body of `url` (`http` or `https` only), at most `limit` bytes.
    pub fn get(&self, url: &str, limit: u64) -> Result<Vec<u8>, String> {
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(format!(
                "\"{url}\" is not an http or https address; only those are fetched"
            ));
        }
        let mut resp = self.agent.get(url).call().map_err(|e| match e {
            ureq::Error::StatusCode(code) => format!("the server answered {code} for {url}"),
            ureq::Error::TooManyRedirects => format!("too many redirects from {url}"),
            other => format!("cannot fetch {url}: {other}"),
        })?;
        resp.body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => {
                    format!("{url} is larger than the {limit} bytes Marginalia accepts")
                }
                other => format!("cannot read {url}: {other}"),
            })
    }

    /// `url` read as JSON.
    pub fn json(&self, url: &str) -> Result<serde_json::Value, String> {
        let bytes = self.get(url, MAX_JSON_BYTES)?;
        serde_json::from_slice(&bytes).map_err(|e| format!("{url} is not JSON: {e}"))
    }
}
