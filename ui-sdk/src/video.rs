//! `video`: the host's video player as signals (ABI 1.6). A page makes a [`VideoPlayer`],
//! opens a URL and draws a `<video_surface>` where the picture goes; the host decodes the
//! video under the UI and reports its state and position every frame, which the player's
//! signals follow.
//!
//! ```ignore
//! let player = video_player();
//! player.open("matches/france-croatia-2018/video.webm");
//! effect(move || if player.status() == VideoStatus::Ready { player.play() });
//! view! { <text>{move || format_clock(player.position_s())}</text> }
//! ```
//!
//! One video plays at a time: opening one closes any other. A player closes its video when
//! the scope that made it is disposed (the page is left).

use std::collections::HashMap;

use touchline_abi::{Event, EventKind, VideoError as HostVideoError, VideoOp, VideoState};

use crate::context;
use crate::reactive::{Signal, on_cleanup, signal};

/// Where a player is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VideoStatus {
    /// Nothing opened.
    Idle,
    /// Opening: the host has been asked.
    Opening,
    /// Opened, paused at the start; the duration is known.
    Ready,
    /// Playing.
    Playing,
    /// Paused.
    Paused,
    /// Played to the end.
    Ended,
    /// Closed (by [`VideoPlayer::close`], or another video opened).
    Closed,
    /// It could not be opened or played on.
    Failed(VideoError),
}

/// Why a video failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VideoError {
    /// Nothing at the address.
    #[error("the video was not found")]
    NotFound,
    /// Not a video the device can play.
    #[error("the video cannot be played on this device")]
    Decode,
    /// The address is not valid.
    #[error("the video address is not valid")]
    BadUrl,
    /// The network failed.
    #[error("the network is unreachable")]
    Network,
    /// Anything else, or no app runs.
    #[error("the video failed")]
    Other,
}

impl From<HostVideoError> for VideoError {
    fn from(error: HostVideoError) -> Self {
        match error {
            HostVideoError::NotFound => Self::NotFound,
            HostVideoError::Decode => Self::Decode,
            HostVideoError::BadUrl => Self::BadUrl,
            HostVideoError::Network => Self::Network,
            HostVideoError::Other => Self::Other,
        }
    }
}

/// A handle to a video: cheap to copy into closures.
#[derive(Clone, Copy, Debug)]
pub struct VideoPlayer {
    id: u32,
    status: Signal<VideoStatus>,
    position_s: Signal<f64>,
    duration_s: Signal<f64>,
    rate: Signal<f64>,
}

/// A player's signals, as the registry updates them from the host's events.
#[derive(Clone, Copy)]
struct PlayerSignals {
    status: Signal<VideoStatus>,
    position_s: Signal<f64>,
    duration_s: Signal<f64>,
}

/// A request for the host, in the order the page made them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum VideoCommand {
    Open { player: u32, url: String },
    Control { player: u32, op: VideoOp, value: u32 },
}

/// The app's players and the requests waiting for the frame's end.
#[derive(Default)]
pub(crate) struct Videos {
    next_id: u32,
    players: HashMap<u32, PlayerSignals>,
    pub(crate) outbox: Vec<VideoCommand>,
}

impl Videos {
    /// Updates players from the host's video events. The registry is not borrowed while
    /// signals change: an effect may control a player in response.
    pub(crate) fn deliver(events: &[Event]) {
        let is_video = |event: &&Event| {
            matches!(
                EventKind::from_u32(event.kind),
                Some(EventKind::VideoState | EventKind::VideoPosition | EventKind::VideoFailed)
            )
        };
        if !events.iter().any(|event| is_video(&event)) {
            return;
        }
        let Some(players) = context::with(|cx| cx.videos.borrow().players.clone()) else { return };
        for event in events.iter().filter(is_video) {
            let Some(player) = players.get(&event.a) else { continue };
            match EventKind::from_u32(event.kind) {
                Some(EventKind::VideoState) => {
                    let status = match VideoState::from_u32(event.b as u32) {
                        Some(VideoState::Ready) => VideoStatus::Ready,
                        Some(VideoState::Playing) => VideoStatus::Playing,
                        Some(VideoState::Paused) => VideoStatus::Paused,
                        Some(VideoState::Ended) => VideoStatus::Ended,
                        Some(VideoState::Closed) => VideoStatus::Closed,
                        None => continue,
                    };
                    set_if_changed(player.duration_s, f64::from(event.c.max(0)) / 1000.0);
                    set_if_changed(player.status, status);
                }
                Some(EventKind::VideoPosition) => {
                    set_if_changed(player.position_s, f64::from(event.b.max(0)) / 1000.0);
                }
                Some(EventKind::VideoFailed) => {
                    let error = HostVideoError::from_u32(event.b as u32).into();
                    set_if_changed(player.status, VideoStatus::Failed(error));
                }
                _ => {}
            }
        }
    }
}

/// Sets a signal only when the value differs, so effects do not rerun every frame.
fn set_if_changed<T: PartialEq + Clone + 'static>(signal: Signal<T>, value: T) {
    if signal.with_untracked(|current| *current != value) {
        signal.set(value);
    }
}

fn send(command: VideoCommand) {
    context::with(|cx| cx.videos.borrow_mut().outbox.push(command));
}

/// A video player for the current scope; its video is closed when the scope ends.
pub fn video_player() -> VideoPlayer {
    let status = signal(VideoStatus::Idle);
    let position_s = signal(0.0);
    let duration_s = signal(0.0);
    let rate = signal(1.0);
    let id = context::with(|cx| {
        let mut videos = cx.videos.borrow_mut();
        videos.next_id += 1;
        let id = videos.next_id;
        videos.players.insert(id, PlayerSignals { status, position_s, duration_s });
        id
    })
    .unwrap_or(0);
    let player = VideoPlayer { id, status, position_s, duration_s, rate };
    on_cleanup(move || {
        context::with(|cx| {
            let mut videos = cx.videos.borrow_mut();
            if videos.players.remove(&id).is_some() {
                videos.outbox.push(VideoCommand::Control { player: id, op: VideoOp::Close, value: 0 });
            }
        });
    });
    player
}

impl VideoPlayer {
    /// Opens `url` (a path the host resolves like a fetch URL, or `http(s)://`), paused at 0.
    pub fn open(&self, url: impl Into<String>) {
        self.status.set(VideoStatus::Opening);
        self.position_s.set(0.0);
        send(VideoCommand::Open { player: self.id, url: url.into() });
    }

    /// Plays (an ended video from the start).
    pub fn play(&self) {
        self.control(VideoOp::Play, 0);
    }

    /// Pauses.
    pub fn pause(&self) {
        self.control(VideoOp::Pause, 0);
    }

    /// Plays when paused, pauses when playing.
    pub fn toggle(&self) {
        if self.status.get_untracked() == VideoStatus::Playing { self.pause() } else { self.play() }
    }

    /// Goes to `seconds`, clamped to the video (the position shows it at once; the host
    /// confirms it with the next frame).
    pub fn seek(&self, seconds: f64) {
        let duration = self.duration_s.get_untracked();
        let target = if duration > 0.0 { seconds.clamp(0.0, duration) } else { seconds.max(0.0) };
        self.position_s.set(target);
        self.control(VideoOp::Seek, (target * 1000.0).round() as u32);
    }

    /// Plays at `rate` times normal speed (1/1000 to 16).
    pub fn set_rate(&self, rate: f64) {
        let rate = rate.clamp(0.001, 16.0);
        self.rate.set(rate);
        self.control(VideoOp::SetRate, (rate * 1000.0).round() as u32);
    }

    /// Marks the player failed (the request could not be written).
    pub(crate) fn fail_player(id: u32, error: VideoError) {
        let player = context::with(|cx| cx.videos.borrow().players.get(&id).copied()).flatten();
        if let Some(player) = player {
            player.status.set(VideoStatus::Failed(error));
        }
    }

    /// Closes the video.
    pub fn close(&self) {
        self.control(VideoOp::Close, 0);
    }

    /// Where it is (reactive).
    pub fn status(&self) -> VideoStatus {
        self.status.get()
    }

    /// The state without subscribing (for handlers).
    pub fn status_untracked(&self) -> VideoStatus {
        self.status.get_untracked()
    }

    /// The position in seconds (reactive): the host's, every frame.
    pub fn position_s(&self) -> f64 {
        self.position_s.get()
    }

    /// The position without subscribing (for handlers).
    pub fn position_s_untracked(&self) -> f64 {
        self.position_s.get_untracked()
    }

    /// The length in seconds, once ready (reactive).
    pub fn duration_s(&self) -> f64 {
        self.duration_s.get()
    }

    /// The length without subscribing (for handlers).
    pub fn duration_s_untracked(&self) -> f64 {
        self.duration_s.get_untracked()
    }

    /// The rate asked for (reactive).
    pub fn rate(&self) -> f64 {
        self.rate.get()
    }

    fn control(&self, op: VideoOp, value: u32) {
        send(VideoCommand::Control { player: self.id, op, value });
    }
}
