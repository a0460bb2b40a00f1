//! The video player from the bundle's side (ABI 1.6): requests go out at the end of the
//! frame, in order; the host's state and position events drive the player's signals; a
//! player closes its video when its component goes.

use std::cell::Cell;
use std::rc::Rc;

use touchline_abi::{
    Event, HostInput, Request, VideoError as HostVideoError, VideoOp, VideoState, read_requests,
};
use touchline_ui::prelude::*;
use touchline_ui::{App, VideoError, VideoPlayer, VideoStatus, video_player};

const FRAME: u64 = 16_667;

struct Rig {
    app: App,
    frame: u64,
    player: Rc<Cell<Option<VideoPlayer>>>,
    show: Rc<Cell<Option<Signal<bool>>>>,
}

/// What the player shows: its status and position, and a request per frame list.
fn player_view(slot: Rc<Cell<Option<VideoPlayer>>>) -> View {
    let player = video_player();
    slot.set(Some(player));
    player.open("matches/m/video.webm");
    // The page starts playing as soon as the video is ready.
    effect(move || {
        if player.status() == VideoStatus::Ready {
            player.play();
        }
    });
    view! { <text>{move || format!("{:?} {:.1}", player.status(), player.position_s())}</text> }
}

impl Rig {
    fn new() -> Self {
        let player = Rc::new(Cell::new(None));
        let show = Rc::new(Cell::new(None));
        let (slot, show_slot) = (player.clone(), show.clone());
        let app = App::new(640, 360, move || {
            let show = signal(true);
            show_slot.set(Some(show));
            view! {
                <column>
                    {move || if show.get() { player_view(slot.clone()) } else { view! { <text>"gone"</text> } }}
                </column>
            }
        })
        .expect("app starts");
        Rig { app, frame: 0, player, show }
    }

    fn player(&self) -> VideoPlayer {
        self.player.get().expect("the player exists")
    }

    /// Runs a frame over `events`; returns its video requests.
    fn step(&mut self, events: &[Event]) -> Vec<String> {
        self.frame += 1;
        let mut input = HostInput::new();
        for event in events {
            input.push(*event);
        }
        self.app.frame(self.frame * FRAME, &input.events, &input.payload);
        read_requests(self.app.engine().requests())
            .filter_map(|r| match r.expect("valid requests") {
                Request::OpenVideo { player, url } => Some(format!("open {player} {url}")),
                Request::ControlVideo { player, op, value } => Some(format!("{op:?} {player} {value}")),
                _ => None,
            })
            .collect()
    }

    fn text(&self) -> Vec<String> {
        self.app.engine().texts()
    }
}

#[test]
fn opens_plays_when_ready_and_follows_the_hosts_position() {
    let mut rig = Rig::new();
    assert_eq!(rig.step(&[]), ["open 1 matches/m/video.webm"]);
    assert_eq!(rig.text(), ["Opening 0.0"]);

    let ready = [Event::video_state(1, VideoState::Ready, 60_000), Event::video_position(1, 0, 0)];
    assert_eq!(rig.step(&ready), ["Play 1 0"], "the page's effect plays the ready video");
    assert_eq!(rig.player().duration_s(), 60.0);

    let playing = [Event::video_state(1, VideoState::Playing, 60_000), Event::video_position(1, 1_500, 1000)];
    assert!(rig.step(&playing).is_empty());
    assert_eq!(rig.text(), ["Playing 1.5"]);

    // Events for another player change nothing.
    assert!(rig.step(&[Event::video_position(9, 30_000, 1000)]).is_empty());
    assert_eq!(rig.text(), ["Playing 1.5"]);
}

#[test]
fn seeks_are_clamped_to_the_video_and_show_at_once() {
    let mut rig = Rig::new();
    rig.step(&[]);
    rig.step(&[Event::video_state(1, VideoState::Ready, 60_000)]);
    rig.player().seek(100.0);
    rig.player().seek(-5.0);
    rig.player().seek(12.25);
    rig.player().set_rate(99.0);
    rig.player().pause();
    assert_eq!(rig.step(&[]), ["Seek 1 60000", "Seek 1 0", "Seek 1 12250", "SetRate 1 16000", "Pause 1 0"]);
    assert_eq!(rig.player().position_s_untracked(), 12.25, "the position shows the seek before the host");
}

#[test]
fn a_failed_video_says_why() {
    let mut rig = Rig::new();
    rig.step(&[]);
    rig.step(&[Event::video_failed(1, HostVideoError::NotFound)]);
    assert_eq!(rig.player().status(), VideoStatus::Failed(VideoError::NotFound));
    assert_eq!(rig.text(), ["Failed(NotFound) 0.0"]);
}

#[test]
fn the_video_closes_with_its_component() {
    let mut rig = Rig::new();
    rig.step(&[]);
    rig.step(&[Event::video_state(1, VideoState::Ready, 60_000)]);
    rig.show.get().expect("the switch exists").set(false);
    assert_eq!(rig.step(&[]), [format!("{:?} 1 0", VideoOp::Close)]);
    assert_eq!(rig.text(), ["gone"]);
    // A late event for the closed player reaches nobody.
    assert!(rig.step(&[Event::video_position(1, 5_000, 1000)]).is_empty());
}

/// A seek a key makes shows in the frame of the key, although the host's position report in
/// that frame (where its player was when the frame began) predates it.
#[test]
fn a_seek_by_key_shows_in_the_key_frame() {
    let slot = Rc::new(Cell::new(None));
    let page_slot = slot.clone();
    let mut app = App::new(640, 360, move || {
        let player = video_player();
        page_slot.set(Some(player));
        player.open("matches/m/video.webm");
        let seek = move |press: KeyPress| {
            let forward = press.key == Key::Right && press.phase == KeyPhase::Down;
            if forward {
                player.seek(player.position_s_untracked() + 10.0);
            }
            forward
        };
        view! {
            <text focusable on_key=seek>{move || format!("{:.1}", player.position_s())}</text>
        }
    })
    .expect("app starts");
    let mut frame = 0;
    let mut step = |events: &[Event]| {
        frame += 1;
        app.frame(frame * FRAME, events, &[]);
        app.engine().texts()
    };
    step(&[]);
    step(&[Event::video_state(1, VideoState::Playing, 60_000), Event::video_position(1, 5_000, 1000)]);
    // As hosts order a frame's events: the key first, the player's position last.
    let texts = step(&[
        Event::key_down(Key::Right),
        Event::key_up(Key::Right),
        Event::video_position(1, 5_016, 1000),
    ]);
    assert_eq!(texts, ["15.0"], "the key frame shows the seek, not the host's earlier position");
    let player: VideoPlayer = slot.get().expect("the player");
    assert_eq!(player.position_s_untracked(), 15.016);
}
