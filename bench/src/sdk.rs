//! The UI SDK's scenarios: pages written with `view!` and signals, run by `touchline_ui::App`
//! (what a bundle runs), so the figures include the reactive layer.

use std::cell::Cell;
use std::rc::Rc;

use touchline_ui::App;
use touchline_ui::prelude::*;

use crate::{
    BenchError, FRAME_US, HEIGHT, PAGE_PADDING, RAIL_GAP, TILE_GAP, TILE_HEIGHT, TILE_WIDTH, TILES_PER_RAIL,
    WIDTH,
};

/// Rails of the SDK's 1,000-node page (as the engine's: 40 × (row + 12 × (tile + label))).
pub const SDK_PAGE_RAILS: usize = 40;
/// Rails of the 200-node page: 8 × (row + 12 × (tile + label)) = 200 nodes.
pub const MOUNT_PAGE_RAILS: usize = 8;

/// A rail of tiles with labels, as `view!` writes it.
fn rail(r: usize) -> View {
    let tiles: Vec<View> = (0..TILES_PER_RAIL)
        .map(|t| {
            let index = r * TILES_PER_RAIL + t;
            view! {
                <column width=TILE_WIDTH height=TILE_HEIGHT shrink=0 radius=12 padding=12 justify=Align::End
                        background={Color::hex(0x1d2939)} focusable>
                    <text size=22>{format!("Tile {index}")}</text>
                </column>
            }
        })
        .collect();
    view! { <row width={Length::Percent(1.0)} height=TILE_HEIGHT shrink=0 gap=TILE_GAP overflow=Overflow::Scroll>{tiles}</row> }
}

/// The 1,000-node page with one label bound to `count` (it replaces the first tile's label
/// text: the page keeps 1,001 nodes).
fn page_with_label(count: Signal<u64>) -> View {
    let mut rails: Vec<View> = Vec::new();
    rails.push(view! {
        <row width={Length::Percent(1.0)} height=TILE_HEIGHT shrink=0 gap=TILE_GAP>
            <column width=TILE_WIDTH height=TILE_HEIGHT shrink=0 radius=12 padding=12 justify=Align::End
                    background={Color::hex(0x1d2939)}>
                <text size=22>{move || format!("Score {}", count.get())}</text>
            </column>
        </row>
    });
    rails.extend((1..SDK_PAGE_RAILS).map(rail));
    view! {
        <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=PAGE_PADDING gap=RAIL_GAP
                overflow=Overflow::Scroll background={Color::hex(0x0c111d)}>
            {rails}
        </column>
    }
}

/// A scenario's app and the signals its steps change.
pub struct SdkBench {
    app: App,
    /// The label's signal (`signal_label_1000`) or whether the page is shown (`mount_200`).
    count: Signal<u64>,
    time_us: u64,
}

impl SdkBench {
    /// `signal_label_1000`: the 1,000-node page, settled.
    pub fn label_page() -> Result<Self, BenchError> {
        Self::new(page_with_label)
    }

    /// `mount_200`: an empty page with a region that shows the 200-node page while `count`
    /// is odd.
    pub fn mount_page() -> Result<Self, BenchError> {
        Self::new(|shown| {
            view! {
                <column width={Length::Percent(1.0)} height={Length::Percent(1.0)} padding=PAGE_PADDING
                        gap=RAIL_GAP background={Color::hex(0x0c111d)}>
                    {move || (!shown.get().is_multiple_of(2)).then(|| (0..MOUNT_PAGE_RAILS).map(rail).collect::<Vec<_>>())}
                </column>
            }
        })
    }

    fn new(page: impl FnOnce(Signal<u64>) -> View + 'static) -> Result<Self, BenchError> {
        let out = Rc::new(Cell::new(None));
        let slot = out.clone();
        let app = App::new(WIDTH, HEIGHT, move || {
            let count = signal(0u64);
            slot.set(Some(count));
            page(count)
        })
        .map_err(|e| BenchError::Check(format!("the app did not start: {e}")))?;
        let count = out.get().ok_or_else(|| BenchError::Check("the page made no signal".into()))?;
        let mut bench = Self { app, count, time_us: 0 };
        for _ in 0..8 {
            bench.frame();
            if bench.app.engine().stats().idle {
                return Ok(bench);
            }
        }
        Err(BenchError::Check("the page did not settle into idle frames within 8 frames".into()))
    }

    /// One frame, 60 Hz after the last; the display list's length.
    pub fn frame(&mut self) -> usize {
        self.time_us += FRAME_US;
        self.app.frame(self.time_us, &[], &[]).len()
    }

    /// The timed step: the signal changes and the frame that shows it runs.
    pub fn step(&mut self) -> usize {
        self.count.update(|c| *c += 1);
        self.frame()
    }

    /// The app.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// The app, mutably.
    pub fn app_mut(&mut self) -> &mut App {
        &mut self.app
    }

    /// After a `signal_label_1000` step: the label shows the new value, and only it repainted.
    pub fn check_label(&mut self) -> Result<(), BenchError> {
        let stats = self.app.engine().stats();
        let want = format!("Score {}", self.count.get_untracked());
        let texts = self.app.engine().texts();
        if stats.unchanged
            || stats.render.encoded == 0
            || stats.render.encoded > 2
            || texts.first() != Some(&want)
        {
            return Err(BenchError::Check(format!(
                "the step should repaint the label only and show {want:?}, got {stats:?} and {:?}",
                texts.first()
            )));
        }
        Ok(())
    }

    /// After a `mount_200` step: the page is there; then it is unmounted, untimed.
    pub fn check_mounted_then_unmount(&mut self) -> Result<(), BenchError> {
        let texts = self.app.engine().texts().len();
        let expected = MOUNT_PAGE_RAILS * TILES_PER_RAIL;
        if texts != expected {
            return Err(BenchError::Check(format!(
                "the mounted page should show {expected} labels, it shows {texts}"
            )));
        }
        self.step();
        if !self.app.engine().texts().is_empty() {
            return Err(BenchError::Check("the page did not unmount".into()));
        }
        Ok(())
    }
}
