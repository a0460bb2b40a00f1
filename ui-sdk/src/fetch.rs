//! `fetch`: ask the host for a URL and await its answer (ABI 1.3 `Fetch` requests, answered
//! by `FetchDone`/`FetchFailed` events in a later frame). Errors are typed: a timeout, an
//! HTTP status, a body that does not decode, a network failure.
//!
//! ```ignore
//! let catalog: Catalog = fetch_json("data/catalog.json").await?;
//! ```

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::context;

/// How long a fetch may take when the caller does not say (the host enforces it; the bundle
/// gives up a second later if the host never answers).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a fetch failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// No answer in time.
    #[error("the request timed out")]
    Timeout,
    /// The server answered with a status that is not a success.
    #[error("the server answered {0}")]
    Status(u16),
    /// The body is not what was expected.
    #[error("the answer could not be read: {0}")]
    Decode(String),
    /// The host could not reach the server.
    #[error("the network is unreachable")]
    Network,
    /// The host refused the URL.
    #[error("the address is not valid")]
    BadUrl,
    /// The answer is larger than the host accepts.
    #[error("the answer is too large")]
    TooLarge,
    /// Any other failure the host reported, or no app is running.
    #[error("the request failed: {0}")]
    Other(String),
}

/// A host's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// HTTP status (200 for a file that was read, 404 for one that is missing).
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as UTF-8 text.
    pub fn text(&self) -> Result<String, FetchError> {
        String::from_utf8(self.body.clone()).map_err(|e| FetchError::Decode(e.to_string()))
    }

    /// The body parsed as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, FetchError> {
        serde_json::from_slice(&self.body).map_err(|e| FetchError::Decode(e.to_string()))
    }
}

/// A fetch the host was asked for (or will be, with the frame's requests).
pub(crate) struct PendingRequest {
    pub id: u32,
    pub url: String,
    pub timeout_ms: u32,
}

struct Slot {
    waker: Option<Waker>,
    result: Option<Result<Response, FetchError>>,
    /// Frame time after which the bundle stops waiting for the host.
    give_up_at_us: u64,
}

/// Fetches in flight, and requests and cancellations for the host.
#[derive(Default)]
pub(crate) struct Fetches {
    slots: HashMap<u32, Slot>,
    next_id: u32,
    pub to_send: Vec<PendingRequest>,
    pub to_cancel: Vec<u32>,
}

impl Fetches {
    fn start(&mut self, url: String, timeout: Duration, now_us: u64) -> u32 {
        self.next_id = self.next_id.wrapping_add(1).max(1);
        while self.slots.contains_key(&self.next_id) {
            self.next_id = self.next_id.wrapping_add(1).max(1);
        }
        let id = self.next_id;
        let timeout_ms = timeout.as_millis().clamp(1, u32::MAX as u128) as u32;
        let give_up_at_us = now_us.saturating_add(u64::from(timeout_ms) * 1000 + 1_000_000);
        self.slots.insert(id, Slot { waker: None, result: None, give_up_at_us });
        self.to_send.push(PendingRequest { id, url, timeout_ms });
        id
    }

    /// Settles a fetch with the host's answer (unknown ids — cancelled fetches — are ignored).
    pub(crate) fn settle(&mut self, id: u32, result: Result<Response, FetchError>) {
        if let Some(slot) = self.slots.get_mut(&id)
            && slot.result.is_none()
        {
            slot.result = Some(result);
            if let Some(waker) = slot.waker.take() {
                waker.wake();
            }
        }
    }

    /// Times out fetches the host has not answered well past their timeout.
    pub(crate) fn expire(&mut self, now_us: u64) {
        for slot in self.slots.values_mut() {
            if slot.result.is_none() && now_us >= slot.give_up_at_us {
                slot.result = Some(Err(FetchError::Timeout));
                if let Some(waker) = slot.waker.take() {
                    waker.wake();
                }
            }
        }
    }

    fn poll(&mut self, id: u32, waker: &Waker) -> Poll<Result<Response, FetchError>> {
        let Some(slot) = self.slots.get_mut(&id) else {
            return Poll::Ready(Err(FetchError::Other("the fetch was lost".into())));
        };
        match slot.result.take() {
            Some(result) => {
                self.slots.remove(&id);
                Poll::Ready(result)
            }
            None => {
                slot.waker = Some(waker.clone());
                Poll::Pending
            }
        }
    }

    fn drop_fetch(&mut self, id: u32) {
        if let Some(slot) = self.slots.remove(&id)
            && slot.result.is_none()
        {
            if let Some(at) = self.to_send.iter().position(|r| r.id == id) {
                // Never sent: nothing to cancel.
                self.to_send.remove(at);
            } else {
                self.to_cancel.push(id);
            }
        }
    }

    /// Fetches waiting for an answer.
    pub(crate) fn in_flight(&self) -> usize {
        self.slots.len()
    }
}

/// The future [`fetch`] returns. Dropping it (its task cancelled, its component gone) tells
/// the host to stop.
#[must_use = "a fetch does nothing unless awaited"]
pub struct Fetch {
    url: Option<String>,
    timeout: Duration,
    id: Option<u32>,
}

impl Future for Fetch {
    type Output = Result<Response, FetchError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let polled = context::with(|ui| {
            let mut fetches = ui.fetches.borrow_mut();
            let id = match this.id {
                Some(id) => id,
                None => {
                    let url = this.url.take().unwrap_or_default();
                    let id = fetches.start(url, this.timeout, ui.now_us.get());
                    this.id = Some(id);
                    id
                }
            };
            let poll = fetches.poll(id, cx.waker());
            if poll.is_ready() {
                this.id = None;
            }
            poll
        });
        polled.unwrap_or_else(|| Poll::Ready(Err(FetchError::Other("no app is running".into()))))
    }
}

impl Drop for Fetch {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            context::with(|ui| ui.fetches.borrow_mut().drop_fetch(id));
        }
    }
}

/// Fetches `url` (a path under the host's asset root, `file://`, or `http(s)://`) with the
/// default timeout. Any status is an answer; see [`fetch_json`] for the checked form.
pub fn fetch(url: impl Into<String>) -> Fetch {
    fetch_with_timeout(url, DEFAULT_TIMEOUT)
}

/// Fetches `url`, failing with [`FetchError::Timeout`] after `timeout`.
pub fn fetch_with_timeout(url: impl Into<String>, timeout: Duration) -> Fetch {
    Fetch { url: Some(url.into()), timeout, id: None }
}

/// Fetches `url` and parses a 2xx body as JSON; other statuses are [`FetchError::Status`].
pub async fn fetch_json<T: DeserializeOwned>(url: impl Into<String>) -> Result<T, FetchError> {
    let response = fetch(url).await?;
    if !response.ok() {
        return Err(FetchError::Status(response.status));
    }
    response.json()
}
