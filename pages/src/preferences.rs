//! What the viewer chose and where they stopped, kept in the app's storage area: the reel
//! filter, the clip length, whether scores are shown, and a resume position per match.
//!
//! Each value is read through [`storage::get`], so pages that show it follow it as it changes
//! (Settings on top of Home changes the tiles under it) and as the stored area arrives with the
//! first frame. A stored value the app does not know reads as the default.

use touchline_catalog::{Clip, Highlight, MatchSummary};
use touchline_ui::{storage, untrack};

/// Which highlights the reel plays.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReelFilter {
    /// Goals (own goals included).
    #[default]
    Goals,
    /// Every highlight: goals, shots, saves, cards, substitutions.
    All,
}

impl ReelFilter {
    const KEY: &'static str = "reel_filter";

    /// The stored choice, not tracked (for handlers).
    pub fn get_untracked() -> Self {
        untrack(Self::get)
    }

    /// The stored choice (tracked).
    pub fn get() -> Self {
        match storage::get(Self::KEY).as_deref() {
            Some("all") => Self::All,
            _ => Self::Goals,
        }
    }

    /// Keeps `self` as the choice.
    pub fn set(self) {
        storage::set(Self::KEY, if self == Self::All { "all" } else { "goals" });
    }

    /// How the setting reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Goals => "Goals only",
            Self::All => "All highlights",
        }
    }

    /// Whether the reel plays `highlight`.
    pub fn keeps(self, highlight: &Highlight) -> bool {
        self == Self::All || highlight.kind.is_goal()
    }

    /// The other filter.
    pub fn toggled(self) -> Self {
        match self {
            Self::Goals => Self::All,
            Self::All => Self::Goals,
        }
    }
}

/// How long a highlight's clip runs, around its event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClipLength {
    /// Just the moment.
    Short,
    /// The catalog's windows (20 s for a goal).
    #[default]
    Standard,
    /// More build-up and aftermath.
    Long,
}

impl ClipLength {
    const KEY: &'static str = "clip_length";
    /// Every length, in the order Settings cycles them.
    pub const ALL: [Self; 3] = [Self::Short, Self::Standard, Self::Long];

    /// The stored choice, not tracked (for handlers).
    pub fn get_untracked() -> Self {
        untrack(Self::get)
    }

    /// The stored choice (tracked).
    pub fn get() -> Self {
        match storage::get(Self::KEY).as_deref() {
            Some("short") => Self::Short,
            Some("long") => Self::Long,
            _ => Self::Standard,
        }
    }

    /// Keeps `self` as the choice.
    pub fn set(self) {
        storage::set(Self::KEY, self.name());
    }

    fn name(self) -> &'static str {
        match self {
            Self::Short => "short",
            Self::Standard => "standard",
            Self::Long => "long",
        }
    }

    /// How the setting reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Short => "Short",
            Self::Standard => "Standard",
            Self::Long => "Long",
        }
    }

    /// The catalog window is scaled around its event by this.
    pub fn factor(self) -> f64 {
        match self {
            Self::Short => 0.6,
            Self::Standard => 1.0,
            Self::Long => 1.5,
        }
    }

    /// The next length (Long wraps to Short).
    pub fn next(self) -> Self {
        let at = Self::ALL.iter().position(|&length| length == self).unwrap_or(0);
        Self::ALL[(at + 1) % Self::ALL.len()]
    }

    /// `highlight`'s clip at this length, inside a video `video_len_s` long.
    pub fn clip(self, highlight: &Highlight, video_len_s: f64) -> Clip {
        highlight.clip.scaled(highlight.video_s, self.factor(), video_len_s)
    }
}

/// Whether scores are shown or hidden, so a match can be watched without knowing the result.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Spoilers {
    /// Scores everywhere.
    #[default]
    Shown,
    /// No final scores on tiles and details; the playback overlay shows the score at the
    /// current moment only.
    Hidden,
}

impl Spoilers {
    const KEY: &'static str = "spoilers";

    /// The stored choice, not tracked (for handlers).
    pub fn get_untracked() -> Self {
        untrack(Self::get)
    }

    /// The stored choice (tracked).
    pub fn get() -> Self {
        match storage::get(Self::KEY).as_deref() {
            Some("hidden") => Self::Hidden,
            _ => Self::Shown,
        }
    }

    /// Keeps `self` as the choice.
    pub fn set(self) {
        storage::set(Self::KEY, if self == Self::Hidden { "hidden" } else { "shown" });
    }

    /// How the setting reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Shown => "Scores shown",
            Self::Hidden => "Scores hidden",
        }
    }

    /// The other choice.
    pub fn toggled(self) -> Self {
        match self {
            Self::Shown => Self::Hidden,
            Self::Hidden => Self::Shown,
        }
    }

    /// A match as tiles and headlines name it: "France 4–2 Croatia", or "France v Croatia"
    /// with scores hidden.
    pub fn headline(self, summary: &MatchSummary) -> String {
        let (home, away) = (&summary.home.short_name, &summary.away.short_name);
        match self {
            Self::Shown => format!("{home} {} {away}", summary.score),
            Self::Hidden => format!("{home} v {away}"),
        }
    }
}

/// Positions closer than this to the start or the end are not worth resuming.
pub const RESUME_MARGIN_S: f64 = 30.0;

/// Where the viewer left a match's video.
pub struct Resume;

impl Resume {
    fn key(match_id: &str) -> String {
        format!("resume/{match_id}")
    }

    /// The position to resume `match_id` at (tracked); `None` when there is none.
    pub fn get(match_id: &str) -> Option<f64> {
        storage::get(&Self::key(match_id))
            .and_then(|text| text.parse::<f64>().ok())
            .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
    }

    /// How far into `summary`'s video the viewer left it, 0–1 (tracked); `None` when there is
    /// nothing to resume.
    pub fn progress(summary: &MatchSummary) -> Option<f32> {
        Self::get(&summary.id).map(|at| (at / summary.duration_s.max(1.0)) as f32)
    }

    /// Keeps where `match_id` was left, `position_s` into a video `duration_s` long: near the
    /// start or the end there is nothing to resume, so the position is forgotten.
    pub fn store(match_id: &str, position_s: f64, duration_s: f64) {
        let worth = position_s.is_finite()
            && position_s >= RESUME_MARGIN_S
            && (duration_s <= 0.0 || position_s <= duration_s - RESUME_MARGIN_S);
        if worth {
            storage::set(&Self::key(match_id), format!("{position_s:.1}"));
        } else {
            storage::remove(&Self::key(match_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use touchline_catalog::EventKind;

    fn highlight(kind: EventKind, video_s: f64) -> Highlight {
        Highlight {
            id: "h".into(),
            event: 0,
            kind,
            video_s,
            clip: Clip::around(kind, video_s, 6000.0),
            title: String::new(),
            subtitle: String::new(),
            thumbnail: String::new(),
        }
    }

    #[test]
    fn filters_keep_goals_or_everything() {
        let (goal, own_goal, shot) = (
            highlight(EventKind::Goal, 100.0),
            highlight(EventKind::OwnGoal, 200.0),
            highlight(EventKind::Shot, 300.0),
        );
        assert!(ReelFilter::Goals.keeps(&goal) && ReelFilter::Goals.keeps(&own_goal));
        assert!(!ReelFilter::Goals.keeps(&shot));
        assert!(ReelFilter::All.keeps(&shot));
    }

    #[test]
    fn clip_lengths_scale_around_the_event() {
        let goal = highlight(EventKind::Goal, 100.0);
        assert_eq!(ClipLength::Standard.clip(&goal, 6000.0), goal.clip);
        let short = ClipLength::Short.clip(&goal, 6000.0);
        let long = ClipLength::Long.clip(&goal, 6000.0);
        assert!(short.contains(100.0) && long.contains(100.0));
        assert!(short.len_s() < goal.clip.len_s() && goal.clip.len_s() < long.len_s());
        assert_eq!(ClipLength::Long.next(), ClipLength::Short);
    }
}
