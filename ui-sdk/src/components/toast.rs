//! `Toast`: a short message at the bottom of the screen that goes away by itself.

use std::cell::Cell;
use std::time::Duration;

use crate::components::text::{Text, TextProps};
use crate::prelude::*;
use crate::task::{TaskHandle, sleep};
use crate::theme::use_theme;

/// How long `transition` takes to finish, to hide a toast once it has faded out.
fn settle_time(transition: Transition) -> Duration {
    match transition {
        Transition::Tween { duration_us, delay_us, .. } => {
            Duration::from_micros(duration_us.saturating_add(delay_us))
        }
        // Springs take as long as they take; the theme's settle well within this.
        Transition::Spring(_) => Duration::from_millis(600),
    }
}

/// A toast: while `message` holds some text, it shows in a raised, rounded card at the bottom
/// centre of its parent, sliding up and fading in with the theme's enter motion; after
/// `duration_ms` of frame time it hides itself by setting `message` back to `None`. A new
/// message (even the same text again) restarts the timer. It never takes focus.
///
/// Put it last in the page's root (a positioned box filling the screen), so it draws over the
/// page:
///
/// ```ignore
/// let toast = signal(None::<String>);
/// view! {
///     <column width={Length::Percent(1.0)} height={Length::Percent(1.0)}>
///         <Button label="Save" on_select={move || toast.set(Some("Saved".into()))} />
///         <Toast message=toast />
///     </column>
/// }
/// ```
#[component]
pub fn Toast(
    /// The message shown; `None` hides the toast. The toast sets it to `None` when its time is up.
    message: Signal<Option<String>>,
    /// How long a message stays, in milliseconds of frame time.
    #[prop(default = 3000)]
    duration_ms: u64,
) -> View {
    let theme = use_theme();
    // The text shown, kept while the card fades out after the message is gone.
    let text = signal(String::new());
    // Whether the card is laid out at all: from a message until it has faded out.
    let present = signal(false);
    let timer = Cell::new(None::<TaskHandle>);
    let enter = theme.with_untracked(|t| t.motion.enter);
    let fade_out = settle_time(enter);
    effect(move || {
        if let Some(old) = timer.take() {
            old.cancel();
        }
        let task = match message.get() {
            Some(new) => {
                text.set(new);
                present.set(true);
                spawn_local(async move {
                    sleep(Duration::from_millis(duration_ms)).await;
                    message.set(None);
                })
            }
            None if present.get_untracked() => spawn_local(async move {
                sleep(fade_out).await;
                present.set(false);
            }),
            None => return,
        };
        timer.set(Some(task));
    });
    let shown = move || message.with(Option::is_some);
    let (bottom, pad_x, pad_y, radius) =
        theme.with_untracked(|t| (t.spacing.xl, t.spacing.lg, t.spacing.md, t.radius.lg));
    let shadow = Shadow { color: Color::rgba(0, 0, 0, 140), offset: [0.0, 12.0], blur: 40.0, spread: 0.0 };
    view! {
        <row absolute left=0 right=0 bottom=bottom justify=Align::Center visible={move || present.get()}>
            <row padding_x=pad_x padding_y=pad_y radius=radius max_width=1280 transition=enter shadow=shadow
                 background={move || theme.with(|t| t.colors.surface_raised)}
                 opacity={move || if shown() { 1.0 } else { 0.0 }}
                 translate={move || if shown() { [0.0, 0.0] } else { [0.0, 48.0] }}>
                <Text max_lines=2>{move || text.get()}</Text>
            </row>
        </row>
    }
}
