//! The app's storage area from the bundle's side (ABI 1.5): what the host kept arrives in the
//! first frame and readers update; a change is written back once, at the end of its frame, as
//! the whole area; a kept area that is not JSON is refused and changes nothing.

use touchline_abi::{HostInput, Request, read_requests};
use touchline_ui::prelude::*;
use touchline_ui::{App, storage};

const FRAME: u64 = 16_667;

/// A text showing the stored "team" (or "none").
fn app() -> View {
    let team = memo(|| storage::get("team").unwrap_or_else(|| "none".into()));
    view! { <text>{move || team.get()}</text> }
}

struct Rig {
    app: App,
    frame: u64,
}

impl Rig {
    fn new() -> Self {
        Rig { app: App::new(640, 360, app).expect("app starts"), frame: 0 }
    }

    /// Runs a frame; returns the storage areas the app wrote in it.
    fn step(&mut self, input: &HostInput) -> Vec<String> {
        self.frame += 1;
        self.app.frame(self.frame * FRAME, &input.events, &input.payload);
        read_requests(self.app.engine().requests())
            .filter_map(|r| match r.expect("valid requests") {
                Request::WriteStorage { data } => Some(String::from_utf8(data.to_vec()).expect("utf-8")),
                _ => None,
            })
            .collect()
    }

    fn text(&self) -> Vec<String> {
        self.app.engine().texts()
    }
}

#[test]
fn the_kept_area_arrives_and_changes_are_written_back_once() {
    let mut rig = Rig::new();
    assert!(rig.step(&HostInput::new()).is_empty());
    assert_eq!(rig.text(), ["none"]);

    let mut first = HostInput::new();
    first.push_storage_data(br#"{"team":"France"}"#).expect("fits");
    assert!(rig.step(&first).is_empty(), "loading is not a change");
    assert_eq!(rig.text(), ["France"], "readers see the kept value in the frame it arrives");

    // Two changes in one frame: one write of the whole area, at the end of the frame.
    storage::set("team", "Croatia");
    storage::set("season", "2018");
    assert_eq!(rig.step(&HostInput::new()), [r#"{"season":"2018","team":"Croatia"}"#]);
    assert_eq!(rig.text(), ["Croatia"]);
    assert!(storage::set("team", "Croatia"), "the same value is accepted");
    assert!(rig.step(&HostInput::new()).is_empty(), "and is not a change");

    storage::remove("team");
    assert_eq!(rig.step(&HostInput::new()), [r#"{"season":"2018"}"#]);
    assert_eq!(rig.text(), ["none"]);

    // More than the host keeps is refused, and nothing changes.
    assert!(!storage::set("big", "x".repeat(touchline_abi::MAX_STORAGE_BYTES as usize)));
    assert!(rig.step(&HostInput::new()).is_empty());
    assert_eq!(storage::get("big"), None);
}

#[test]
fn a_kept_area_that_is_not_json_is_refused() {
    let mut rig = Rig::new();
    let mut first = HostInput::new();
    first.push_storage_data(b"not json").expect("fits");
    assert!(rig.step(&first).is_empty());
    assert_eq!(rig.text(), ["none"]);
    assert_eq!(storage::get("team"), None);
    // The app goes on and its own changes are written.
    storage::set("team", "France");
    assert_eq!(rig.step(&HostInput::new()), [r#"{"team":"France"}"#]);
}
