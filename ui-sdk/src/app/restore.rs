//! Saving what the user would lose in a restart, and putting it back (ABI 1.4).
//!
//! After every frame in which the page stack or the focused node changed, the app hands the
//! host an [`AppState`] (`SaveState`): the router's stack and, for each page, where focus is
//! (a [`FocusPath`] from the page's root, which a page rebuilt from the same data reproduces).
//! When an instance traps, the host starts a new one and gives it the last state as the
//! first event of its first frame (`RestoreState`): the stack is rebuilt before any key
//! reaches a page, and focus goes back to its node, on the page on screen as soon as that
//! node exists (content still loading gets it when it arrives, unless a key comes first),
//! on the pages below when the user goes back to them.

use bevy_ecs::hierarchy::ChildOf;
use serde::{Deserialize, Serialize};
use touchline_engine::{Entity, Focusable};

use super::App;
use crate::node_ref::NodeRef;
use crate::router::{FocusPath, RouterState};

/// The [`AppState::version`] this SDK writes and reads.
pub const APP_STATE_VERSION: u32 = 1;

/// How long focus waits for its node after a restore (µs of frame time) before giving up.
const OWED_FOCUS_US: u64 = 10_000_000;

/// What the app hands the host to restore after a restart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppState {
    /// Format version: a bundle refuses another.
    pub version: u32,
    /// The page stack and focus, when the app has a router.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub router: Option<RouterState>,
}

/// What restoring did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RestoreStats {
    /// A saved state was applied.
    pub restored: bool,
    /// A saved state was refused (unreadable, another version, an unknown page).
    pub refused: bool,
    /// Focus went back to the saved node on the page on screen.
    pub focus_restored: bool,
}

/// Where focus should go once its node exists.
struct OwedFocus {
    root: NodeRef,
    path: FocusPath,
    /// Key presses when it was owed: any key since cancels it.
    presses: u64,
    until_us: u64,
}

/// The app's saving state.
#[derive(Default)]
pub(super) struct Saving {
    /// The router's generation and the focused node when the app last saved.
    last_key: Option<(u64, Option<Entity>)>,
    last_text: String,
    owed: Option<OwedFocus>,
}

impl App {
    /// Applies a state saved by an earlier instance (the first event of a restarted one).
    pub(super) fn restore(&mut self, bytes: &[u8]) {
        match self.try_restore(bytes) {
            Ok(()) => self.stats.restore.restored = true,
            Err(reason) => {
                self.stats.restore.refused = true;
                crate::bus::log(1, &format!("restore: the saved state was not applied: {reason}"));
            }
        }
    }

    fn try_restore(&mut self, bytes: &[u8]) -> Result<(), String> {
        let state: AppState = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if state.version != APP_STATE_VERSION {
            return Err(format!("it is version {}, this app reads {APP_STATE_VERSION}", state.version));
        }
        let Some(saved) = state.router else { return Ok(()) };
        let router = self.context.router.borrow().get().ok_or("the app has no router")?;
        let saved = crate::router::check_state(saved).map_err(|e| e.to_string())?;
        router.restore_state(saved).map_err(|e| e.to_string())?;
        // Mount the restored pages now, so the frame's keys reach them.
        self.apply_ops();
        if let Some((root, path)) = router.top_saved_focus() {
            let now = self.context.now_us.get();
            let presses = self.context.key_presses.get();
            self.saving.owed = Some(OwedFocus { root, path, presses, until_us: now + OWED_FOCUS_US });
            self.settle_owed_focus();
        }
        Ok(())
    }

    /// Moves focus to the node at `path` under `root`, or owes it until that node exists.
    pub(super) fn focus_path_or_owe(&mut self, root: Entity, path: FocusPath) {
        if let Some(node) = self.resolve_focus_path(root, &path) {
            self.engine.focus(node);
            return;
        }
        let root_ref = NodeRef::new();
        root_ref.attach(Some(root));
        let (now, presses) = (self.context.now_us.get(), self.context.key_presses.get());
        self.saving.owed = Some(OwedFocus { root: root_ref, path, presses, until_us: now + OWED_FOCUS_US });
    }

    /// Gives focus owed since a restore to its node once it exists; a key press or ten
    /// seconds cancel the debt.
    pub(super) fn settle_owed_focus(&mut self) {
        let Some(owed) = &self.saving.owed else { return };
        if owed.presses != self.context.key_presses.get() || self.context.now_us.get() > owed.until_us {
            self.saving.owed = None;
            return;
        }
        let Some(root) = owed.root.node() else { return };
        if let Some(node) = self.resolve_focus_path(root, &owed.path) {
            self.engine.focus(node);
            self.context.focused.set(Some(node));
            self.saving.owed = None;
            self.stats.restore.focus_restored = true;
        }
    }

    /// The focusable node at `path` under `root`, if there is one.
    fn resolve_focus_path(&self, root: Entity, path: &[u32]) -> Option<Entity> {
        let mut node = root;
        for &index in path {
            node = *self.engine.children(node).get(index as usize)?;
        }
        self.engine.world().get::<Focusable>(node).map(|_| node)
    }

    /// Where `node` is under `root`, if it is under it.
    fn focus_path(&self, root: Entity, node: Entity) -> Option<FocusPath> {
        let mut path = Vec::new();
        let mut current = node;
        while current != root {
            let parent = self.engine.world().get::<ChildOf>(current)?.parent();
            let index = self.engine.children(parent).iter().position(|&c| c == current)?;
            path.push(index as u32);
            current = parent;
        }
        path.reverse();
        Some(path)
    }

    /// Hands the host the app's state when the stack or the focused node changed since the
    /// last time (and the encoded state differs).
    pub(super) fn save_state_if_changed(&mut self) {
        let Some(router) = self.context.router.borrow().get() else { return };
        let focused = self.engine.focused();
        let key = (router.generation(), focused);
        if self.saving.last_key == Some(key) {
            return;
        }
        self.saving.last_key = Some(key);
        let pages = router.snapshot(focused);
        let focus = pages
            .iter()
            .map(|page| match (page.root, page.focus) {
                (Some(root), Some(node)) => self.focus_path(root, node).or_else(|| page.saved_focus.clone()),
                _ => page.saved_focus.clone(),
            })
            .collect();
        let stack = pages.into_iter().map(|page| page.route).collect();
        let state = AppState {
            version: APP_STATE_VERSION,
            router: Some(RouterState { version: crate::router::ROUTER_STATE_VERSION, stack, focus }),
        };
        let Ok(text) = serde_json::to_string(&state) else { return };
        if text == self.saving.last_text {
            return;
        }
        match self.engine.request_writer().save_state(text.as_bytes()) {
            Ok(()) => {
                self.stats.state_saves += 1;
                self.saving.last_text = text;
            }
            Err(e) => crate::bundle::log(1, &format!("restore: the state is not saved: {e}")),
        }
    }
}
