//! The app: mounts views into the engine, runs handlers and tasks, and applies what signals
//! changed, once per frame.
//!
//! A frame: the engine takes the host's events (keys move focus; key handlers run first),
//! fetch answers settle and due timers fire, UI events reach their handlers, tasks are polled
//! within a budget, and the scene edits all of that queued are applied before layout.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::time::Duration;

use bevy_ecs::hierarchy::ChildOf;
use touchline_abi::Event;
use touchline_engine::style::{Display, Position};
use touchline_engine::{
    Engine, Entity, Length, NodeBundle, Property, Style, TextContent, Transition, UiEvent, UiEventKind, Value,
};

use crate::context::{self, UiContext};
use crate::elements::{Element, ElementKind, Handler, Handlers, KeyHandler};
use crate::fetch::{FetchError, Response};
use crate::list::ListView;
use crate::ops::{ListState, RegionState, SceneOp};
use crate::prop::Prop;
use crate::reactive::{Scope, ScopeGuard, child_scope, effect, run_in, untrack};
use crate::task::{PollStats, poll_tasks};
use crate::view::View;

mod restore;

pub use restore::{APP_STATE_VERSION, AppState};

/// How long tasks may run per frame before the rest wait for the next one.
pub const DEFAULT_TASK_BUDGET: Duration = Duration::from_millis(4);

/// Why an app could not start.
#[derive(Debug)]
pub enum AppError {
    /// The engine could not start.
    Engine(touchline_engine::engine::EngineError),
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Engine(e) => write!(f, "the engine could not start: {e}"),
        }
    }
}

impl std::error::Error for AppError {}

/// Figures about the app's side of the last frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AppStats {
    /// What the executor did.
    pub tasks: PollStats,
    /// Tasks alive (waiting or woken).
    pub live_tasks: usize,
    /// Timers waiting.
    pub timers: usize,
    /// Fetches waiting for the host.
    pub fetches: usize,
    /// Scene edits applied.
    pub ops: u32,
    /// What the bus did so far.
    pub bus: crate::bus::BusStats,
    /// Times the app handed the host its state (`SaveState`) so far.
    pub state_saves: u64,
    /// Whether the app restored a saved state, and when focus went back where it was.
    pub restore: restore::RestoreStats,
}

/// Key handlers by node, shared with the engine's key hook.
type KeyHandlers = Rc<RefCell<HashMap<Entity, (KeyHandler, Option<Scope>)>>>;

/// A running UI: an engine, the reactive runtime, and the handlers of mounted elements.
pub struct App {
    engine: Engine,
    /// UI-event handlers by node, with the scope they run in (tasks they spawn belong to the
    /// component that declared them).
    handlers: HashMap<Entity, (Handlers, Option<Scope>)>,
    key_handlers: KeyHandlers,
    /// Elements that take focus whenever they become focusable.
    autofocus: HashSet<Entity>,
    refs: HashMap<Entity, crate::NodeRef>,
    context: Rc<UiContext>,
    runtime: leptos_reactive::RuntimeId,
    root_scope: Option<ScopeGuard>,
    pending: Vec<UiEvent>,
    task_budget: Duration,
    stats: AppStats,
    saving: restore::Saving,
}

impl App {
    /// Starts an app for a viewport and mounts the view `root` builds.
    pub fn new(width: u32, height: u32, root: impl FnOnce() -> View + 'static) -> Result<Self, AppError> {
        let runtime = leptos_reactive::create_runtime();
        let engine = Engine::new(width, height).map_err(AppError::Engine)?;
        let context = Rc::new(UiContext::default());
        context::set_current(Some(context.clone()));
        context.storage.borrow_mut().start();
        let key_handlers = KeyHandlers::default();
        let mut app = Self {
            engine,
            handlers: HashMap::new(),
            key_handlers: key_handlers.clone(),
            autofocus: HashSet::new(),
            refs: HashMap::new(),
            context,
            runtime,
            root_scope: None,
            pending: Vec::new(),
            task_budget: DEFAULT_TASK_BUDGET,
            stats: AppStats::default(),
            saving: restore::Saving::default(),
        };
        app.engine.set_key_hook(move |action, path| {
            // Innermost first; handlers are cloned out so one may add or remove others.
            let handlers: Vec<(KeyHandler, Option<Scope>)> = {
                let map = key_handlers.borrow();
                path.iter().filter_map(|node| map.get(node).cloned()).collect()
            };
            handlers.iter().any(|(handler, scope)| run_in(*scope, || handler(action)).unwrap_or(false))
        });
        let (view, scope) = child_scope(root);
        let parent = app.engine.root();
        let scope_id = scope.scope();
        app.root_scope = Some(scope);
        scope_id.run(|| app.mount(view, parent, &mut Vec::new()));
        app.apply_ops();
        Ok(app)
    }

    /// Lays out and renders the first frame ahead of the host's (see
    /// [`Engine::prepare_first_frame`]); bundles call it at the end of `touchline_init`, so a
    /// start-up snapshot holds the laid-out page. What that layout did (the first focus)
    /// reaches handlers in the first frame, one frame sooner than without it.
    pub fn prepare_first_frame(&mut self) {
        leptos_reactive::set_current_runtime(self.runtime);
        context::set_current(Some(self.context.clone()));
        self.engine.prepare_first_frame();
        self.pending.extend(self.engine.take_events());
    }

    /// The engine underneath (for tests and hosts' diagnostics).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The engine, mutably (tests).
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// Figures about the last frame.
    pub fn stats(&self) -> AppStats {
        self.stats
    }

    /// How long tasks may run per frame.
    pub fn set_task_budget(&mut self, budget: Duration) {
        self.task_budget = budget;
    }

    /// Runs one frame over the host's events and returns the display list. `payload` holds the
    /// bodies some events carry (fetch responses), after the event records, in event order.
    pub fn frame(&mut self, time_us: u64, events: &[Event], payload: &[u8]) -> &[u8] {
        leptos_reactive::set_current_runtime(self.runtime);
        context::set_current(Some(self.context.clone()));
        self.context.now_us.set(time_us);
        // A restarted instance's saved state comes first, before any key reaches a page.
        let mut messages = Vec::new();
        for (event, bytes) in touchline_abi::payloads(events, payload) {
            match touchline_abi::EventKind::from_u32(event.kind) {
                Some(touchline_abi::EventKind::RestoreState) => match bytes {
                    Ok(bytes) => self.restore(bytes),
                    Err(e) => crate::bus::log(1, &format!("restore: the saved state cannot be read: {e}")),
                },
                Some(touchline_abi::EventKind::StorageData) => {
                    let loaded = bytes
                        .map_err(|e| format!("storage: the kept area cannot be read: {e}"))
                        .and_then(|bytes| self.context.storage.borrow_mut().load(bytes));
                    match loaded {
                        Ok(()) => crate::storage::changed(),
                        // The host's log and the JS VM's: the area stays empty, the app goes on.
                        Err(problem) => {
                            crate::bundle::log(1, &problem);
                            crate::bus::log(1, &problem);
                        }
                    }
                }
                Some(touchline_abi::EventKind::BusMessage) => {
                    let source = if event.a == touchline_abi::BusSource::Host as u32 {
                        touchline_abi::BusSource::Host
                    } else {
                        touchline_abi::BusSource::Js
                    };
                    match bytes {
                        Ok(bytes) => messages.push((source, bytes)),
                        Err(e) => {
                            self.context.bus.borrow_mut().stats.malformed += 1;
                            crate::bundle::log(1, &format!("bus: a message cannot be read: {e}"));
                        }
                    }
                }
                _ => {}
            }
        }
        let downs = events.iter().filter(|e| e.kind == touchline_abi::EventKind::KeyDown as u32).count();
        self.context.key_presses.set(self.context.key_presses.get() + downs as u64);
        // The host's video events say where its player was when this frame began: applied
        // before the keys, so a seek a key makes in this frame is what the frame shows.
        crate::video::Videos::deliver(events);
        let mut ui_events = std::mem::take(&mut self.pending);
        ui_events.extend(self.engine.begin_frame(time_us, events));
        self.context.focused.set(self.engine.focused());
        self.settle_fetches(events, payload);
        for (source, bytes) in messages {
            self.deliver_message(source, bytes);
        }
        self.context.fetches.borrow_mut().expire(time_us);
        self.context.timers.borrow_mut().fire(time_us);
        for event in ui_events {
            self.dispatch(event);
        }
        self.stats.ops = 0;
        self.apply_ops();
        self.context.focused.set(self.engine.focused());
        self.stats.tasks = poll_tasks(self.task_budget);
        self.apply_ops();
        self.settle_owed_focus();
        self.send_requests();
        self.save_state_if_changed();
        self.engine.end_frame();
        self.stats.live_tasks = self.context.executor.borrow().live();
        self.stats.timers = self.context.timers.borrow().len();
        self.stats.fetches = self.context.fetches.borrow().in_flight();
        self.stats.bus = self.context.bus.borrow().stats;
        // Focus set during layout (e.g. the first focus) reaches handlers next frame.
        self.pending = self.engine.take_events();
        self.engine.display_list()
    }

    /// Settles fetches the host answered: `FetchDone` bodies follow the event records in the
    /// payload, in event order, each padded to 4 bytes.
    fn settle_fetches(&mut self, events: &[Event], payload: &[u8]) {
        use touchline_abi::{EventKind, FetchError as HostFetchError};
        let mut fetches = self.context.fetches.borrow_mut();
        let mut bodies = touchline_abi::fetch_bodies(events, payload);
        for event in events {
            match EventKind::from_u32(event.kind) {
                Some(EventKind::FetchDone) => {
                    let Some((id, body)) = bodies.next() else { continue };
                    let status = event.b.clamp(0, i32::from(u16::MAX)) as u16;
                    let result = body.map(|body| Response { status, body: body.to_vec() }).map_err(|e| {
                        crate::bundle::log(1, &format!("fetch {id}: {e}"));
                        FetchError::Other(e.to_string())
                    });
                    fetches.settle(id, result);
                }
                Some(EventKind::FetchFailed) => {
                    let error = match HostFetchError::from_u32(event.b as u32) {
                        HostFetchError::Network => FetchError::Network,
                        HostFetchError::Timeout => FetchError::Timeout,
                        HostFetchError::BadUrl => FetchError::BadUrl,
                        HostFetchError::TooLarge => FetchError::TooLarge,
                        HostFetchError::Other => FetchError::Other("the host could not fetch it".into()),
                    };
                    fetches.settle(event.a, Err(error));
                }
                _ => {}
            }
        }
    }

    /// Runs a bus message through the handlers of mounted components.
    fn deliver_message(&mut self, source: touchline_abi::BusSource, bytes: &[u8]) {
        let received = self.context.bus.borrow_mut().receive(source, bytes);
        let (message, handlers) = match received {
            Ok(received) => received,
            // Logged to the host and reported to JS: a sender with a bug should hear of it.
            Err(problem) => return crate::bus::log(1, &problem),
        };
        #[cfg(feature = "fault-injection")]
        crate::bus::inject_fault(&message);
        for (handler, scope) in handlers {
            run_in(scope, || untrack(|| handler(&message)));
        }
    }

    /// Hands the frame's fetches and cancellations, bus messages, storage and video requests
    /// to the host.
    fn send_requests(&mut self) {
        let videos = std::mem::take(&mut self.context.videos.borrow_mut().outbox);
        let mut refused = Vec::new();
        if !videos.is_empty() {
            let mut writer = self.engine.request_writer();
            for command in videos {
                match command {
                    crate::video::VideoCommand::Open { player, url } => {
                        if writer.open_video(player, &url).is_err() {
                            refused.push(player);
                        }
                    }
                    crate::video::VideoCommand::Control { player, op, value } => {
                        writer.control_video(player, op, value);
                    }
                }
            }
        }
        for player in refused {
            crate::video::VideoPlayer::fail_player(player, crate::video::VideoError::BadUrl);
        }
        let storage = self.context.storage.borrow_mut().take_changes();
        if let Some(json) = storage {
            // `storage::set` refused anything over the limit already.
            let _ = self.engine.request_writer().write_storage(json.as_bytes());
        }
        let outbox = std::mem::take(&mut self.context.bus.borrow_mut().outbox);
        if !outbox.is_empty() {
            let mut writer = self.engine.request_writer();
            for text in &outbox {
                // `bus::post` refused anything over the limit already.
                let _ = writer.post_message(text);
            }
            self.context.bus.borrow_mut().stats.posted += outbox.len() as u64;
        }
        let (to_send, to_cancel) = {
            let mut fetches = self.context.fetches.borrow_mut();
            (std::mem::take(&mut fetches.to_send), std::mem::take(&mut fetches.to_cancel))
        };
        if to_send.is_empty() && to_cancel.is_empty() {
            return;
        }
        let mut refused = Vec::new();
        {
            let mut writer = self.engine.request_writer();
            for request in to_send {
                let method = touchline_abi::FetchMethod::Get;
                if writer.fetch(request.id, method, request.timeout_ms, &request.url, &[]).is_err() {
                    refused.push(request.id);
                }
            }
            for id in to_cancel {
                writer.cancel_fetch(id);
            }
        }
        let mut fetches = self.context.fetches.borrow_mut();
        for id in refused {
            fetches.settle(id, Err(FetchError::BadUrl));
        }
    }

    fn dispatch(&mut self, event: UiEvent) {
        // Every event bubbles to the nearest ancestor with a handler for it (focus and blur
        // too, as `focusin`/`focusout` do on the web), and stops there.
        let mut target = Some(event.target);
        while let Some(entity) = target {
            if let Some((handler, scope)) = self.handler(entity, event.kind) {
                run_in(scope, || handler());
                return;
            }
            target = self.engine.world().get::<ChildOf>(entity).map(ChildOf::parent);
        }
    }

    fn handler(&self, entity: Entity, kind: UiEventKind) -> Option<(Handler, Option<Scope>)> {
        let (h, scope) = self.handlers.get(&entity)?;
        let handler = match kind {
            UiEventKind::Select => h.on_select.clone(),
            UiEventKind::Focus => h.on_focus.clone(),
            UiEventKind::Blur => h.on_blur.clone(),
            UiEventKind::Back => h.on_back.clone(),
            // No long-select handler in the SDK yet: a long press falls back to select.
            UiEventKind::LongSelect => h.on_select.clone(),
        };
        Some((handler?, *scope))
    }

    /// Applies queued scene edits until none is left (mounting a region may queue more).
    fn apply_ops(&mut self) {
        loop {
            let ops = std::mem::take(&mut *self.context.ops.borrow_mut());
            if ops.is_empty() {
                return;
            }
            self.stats.ops += ops.len() as u32;
            for op in ops {
                self.apply(op);
            }
        }
    }

    fn apply(&mut self, op: SceneOp) {
        match op {
            SceneOp::Text(e, text) => self.engine.set_text(e, &text),
            SceneOp::TextLabels(on) => self.engine.set_text_labels(on),
            SceneOp::Pick(x, y, reply) => reply(self.engine.pick(x, y)),
            SceneOp::FocusKey(e, item) => self.engine.set_focus_key(e, item),
            SceneOp::Focusable(e, focusable) => {
                self.engine.set_focusable(e, focusable);
                if focusable && self.autofocus.contains(&e) {
                    self.engine.focus(e);
                }
            }
            SceneOp::Set { node, property, value, transition } => {
                self.engine.animate(node, property, value, transition)
            }
            SceneOp::Display(node, display) => {
                let style =
                    self.engine.world().get::<touchline_engine::NodeStyle>(node).map(|s| (**s).clone());
                if let Some(style) = style.filter(|s| s.display != display) {
                    self.engine.set_style(node, Style { display, ..style });
                }
            }
            SceneOp::Focus(node) => {
                if self.engine.world().get_entity(node).is_ok() {
                    self.engine.focus(node);
                }
            }
            SceneOp::FocusPath { root, path } => self.focus_path_or_owe(root, path),
            SceneOp::FocusWithin(node) => {
                let inside = self.engine.focused().is_some_and(|f| self.is_within(f, node));
                if !inside && let Some(first) = self.first_focusable(&[node]) {
                    self.engine.focus(first);
                }
            }
            SceneOp::Then(f) => f(),
            SceneOp::Region(region) => self.update_region(&region),
            SceneOp::List(list) => self.update_list(&list),
        }
    }

    /// Spawns a node into `parent` (appended; the caller places a batch where it belongs).
    fn spawn(&mut self, parent: Entity, node: NodeBundle, out: &mut Vec<Entity>) -> Entity {
        let e = self.engine.spawn(parent, node);
        out.push(e);
        e
    }

    /// An invisible node marking where a region's or list's content starts or ends: out of
    /// the flow (absolute), zero-sized, not drawn.
    fn spawn_marker(&mut self, parent: Entity, out: &mut Vec<Entity>) -> Entity {
        let style = Style {
            position: Position::Absolute,
            width: Length::Px(0.0),
            height: Length::Px(0.0),
            ..Style::default()
        };
        self.spawn(parent, NodeBundle { style, ..NodeBundle::default() }, out)
    }

    /// Mounts `view` as the last children of `parent`; `out` gets its top-level nodes.
    fn mount(&mut self, view: View, parent: Entity, out: &mut Vec<Entity>) {
        match view {
            View::Empty => {}
            View::Fragment(views) => {
                for v in views {
                    self.mount(v, parent, out);
                }
            }
            View::Text(content) => {
                let node = self.spawn(
                    parent,
                    NodeBundle { text: Some(TextContent::default()), ..NodeBundle::default() },
                    out,
                );
                self.bind(content, node, SceneOp::Text);
            }
            View::Element(element) => self.mount_element(*element, parent, out),
            View::Dynamic(f) => self.mount_dynamic(f, parent, out),
            View::List(list) => self.mount_list(*list, parent, out),
        }
    }

    /// Mounts `view` into `parent` just before `before`.
    fn mount_before(&mut self, view: View, parent: Entity, before: Entity) -> Vec<Entity> {
        let mut top = Vec::new();
        self.mount(view, parent, &mut top);
        if !top.is_empty() {
            let index = self.index_of(parent, before).unwrap_or(usize::MAX);
            self.engine.place_children(parent, index, &top);
        }
        top
    }

    fn index_of(&self, parent: Entity, child: Entity) -> Option<usize> {
        self.engine.children(parent).iter().position(|&c| c == child)
    }

    fn mount_dynamic(&mut self, f: Rc<dyn Fn() -> View>, parent: Entity, out: &mut Vec<Entity>) {
        let start = self.spawn_marker(parent, out);
        let end = self.spawn_marker(parent, out);
        let region = Rc::new(RefCell::new(RegionState {
            parent,
            start,
            end,
            pending: None,
            text_node: None,
            owes_focus: None,
        }));
        let state = region.clone();
        // The effect owns what each run builds: a rerun disposes the last content's scope.
        effect(move || {
            let view = f();
            let scope = Scope::current();
            state.borrow_mut().pending = Some((view, scope));
            context::push_op(SceneOp::Region(state.clone()));
        });
    }

    fn update_region(&mut self, region: &Rc<RefCell<RegionState>>) {
        let (view, scope, parent, start, end, text_node, owes_focus) = {
            let mut r = region.borrow_mut();
            let Some((view, scope)) = r.pending.take() else { return };
            (view, scope, r.parent, r.start, r.end, r.text_node, r.owes_focus)
        };
        if self.engine.world().get_entity(end).is_err() {
            return; // the region itself was unmounted
        }
        // Text replacing text keeps its node (and any focus owed stays owed: text takes none).
        if let (Some(node), View::Text(Prop::Static(text))) = (text_node, &view) {
            self.engine.set_text(node, text);
            return;
        }
        region.borrow_mut().owes_focus = None;
        // Focus inside the content being replaced moves into the new content (a spinner
        // replaced by a page's tiles, an error replaced by the retried content).
        let presses = self.context.key_presses.get();
        let had_focus = self.engine.focused().is_some_and(|f| self.is_between(f, parent, start, end))
            || owes_focus == Some(presses);
        self.unmount_between(parent, start, end);
        let is_text = matches!(view, View::Text(_));
        let mounted = run_in(scope, || self.mount_before(view, parent, end)).unwrap_or_default();
        if had_focus {
            match self.first_focusable(&mounted) {
                Some(first) => self.engine.focus(first),
                None => region.borrow_mut().owes_focus = Some(presses),
            }
        }
        region.borrow_mut().text_node =
            if is_text && mounted.len() == 1 { mounted.first().copied() } else { None };
    }

    fn mount_list(&mut self, list: ListView, parent: Entity, out: &mut Vec<Entity>) {
        let start = self.spawn_marker(parent, out);
        let end = self.spawn_marker(parent, out);
        let state = Rc::new(RefCell::new(ListState {
            parent,
            start,
            end,
            pending: Vec::new(),
            items: HashMap::new(),
        }));
        let Some(owner) = Scope::current() else { return };
        let diff = RefCell::new(list.diff);
        let list_state = state.clone();
        effect(move || {
            let update = (diff.borrow_mut())(owner);
            list_state.borrow_mut().pending.push(update);
            context::push_op(SceneOp::List(list_state.clone()));
        });
    }

    fn update_list(&mut self, list: &Rc<RefCell<ListState>>) {
        let (updates, parent, end) = {
            let mut l = list.borrow_mut();
            (std::mem::take(&mut l.pending), l.parent, l.end)
        };
        if updates.is_empty() || self.engine.world().get_entity(end).is_err() {
            return;
        }
        for update in updates {
            for id in update.removed {
                if let Some(Some((first, last))) = list.borrow_mut().items.remove(&id) {
                    let range = self.range(parent, first, last);
                    for node in range {
                        self.unmount(node);
                    }
                }
            }
            for (id, view, scope) in update.added {
                // A scope already disposed (the item left again) mounts nothing.
                let top = scope.run(|| self.mount_before(view, parent, end)).unwrap_or_default();
                let range = top.first().copied().zip(top.last().copied());
                list.borrow_mut().items.insert(id, range);
            }
            // Place each item's nodes in order, moving only those out of place.
            let ranges: Vec<(Entity, Entity)> = {
                let l = list.borrow();
                update.order.iter().filter_map(|id| l.items.get(id).copied().flatten()).collect()
            };
            let start = list.borrow().start;
            let mut cursor = self.index_of(parent, start).map_or(0, |i| i + 1);
            for (first, last) in ranges {
                let Some(at) = self.index_of(parent, first) else { continue };
                let nodes = self.range(parent, first, last);
                if at != cursor {
                    // Removing them first shifts what follows: place at the index they take
                    // once out of the list.
                    let target = if at < cursor { cursor - nodes.len() } else { cursor };
                    self.engine.place_children(parent, target, &nodes);
                    cursor = target + nodes.len();
                } else {
                    cursor += nodes.len();
                }
            }
        }
    }

    /// Whether `node` is `ancestor` or inside it.
    fn is_within(&self, node: Entity, ancestor: Entity) -> bool {
        let mut at = Some(node);
        while let Some(e) = at {
            if e == ancestor {
                return true;
            }
            at = self.engine.world().get::<ChildOf>(e).map(ChildOf::parent);
        }
        false
    }

    /// Whether `node` is inside one of `parent`'s children strictly between two markers.
    fn is_between(&self, node: Entity, parent: Entity, start: Entity, end: Entity) -> bool {
        let mut at = node;
        while let Some(up) = self.engine.world().get::<ChildOf>(at).map(ChildOf::parent) {
            if up == parent {
                let index = |e| self.index_of(parent, e);
                return matches!((index(start), index(at), index(end)), (Some(a), Some(i), Some(b)) if a < i && i < b);
            }
            at = up;
        }
        false
    }

    /// The first focusable node in tree order in these subtrees.
    fn first_focusable(&self, roots: &[Entity]) -> Option<Entity> {
        let mut stack: Vec<Entity> = roots.iter().rev().copied().collect();
        while let Some(e) = stack.pop() {
            if self.engine.world().get::<touchline_engine::Focusable>(e).is_some() {
                return Some(e);
            }
            stack.extend(self.engine.children(e).iter().rev());
        }
        None
    }

    /// The children of `parent` from `first` to `last`, both included.
    fn range(&self, parent: Entity, first: Entity, last: Entity) -> Vec<Entity> {
        let (Some(a), Some(b)) = (self.index_of(parent, first), self.index_of(parent, last)) else {
            return Vec::new();
        };
        self.engine.children(parent)[a.min(b)..=a.max(b)].to_vec()
    }

    /// Unmounts the children of `parent` strictly between two markers.
    fn unmount_between(&mut self, parent: Entity, start: Entity, end: Entity) {
        if let [_, inner @ .., _] = self.range(parent, start, end).as_slice() {
            for &node in inner {
                self.unmount(node);
            }
        }
    }

    /// Despawns a node and its subtree and forgets what the app kept about them.
    fn unmount(&mut self, node: Entity) {
        let mut stack = vec![node];
        while let Some(e) = stack.pop() {
            self.handlers.remove(&e);
            self.key_handlers.borrow_mut().remove(&e);
            self.autofocus.remove(&e);
            if let Some(node_ref) = self.refs.remove(&e) {
                node_ref.attach(None);
            }
            stack.extend_from_slice(self.engine.children(e));
        }
        self.engine.despawn(node);
    }

    fn mount_element(&mut self, element: Element, parent: Entity, out: &mut Vec<Entity>) {
        let Element {
            kind,
            style,
            visual,
            text_style,
            image,
            animated,
            transition,
            layout_transition,
            focusable,
            focus_ring,
            focus,
            item_key,
            visible,
            mut handlers,
            node_ref,
            video,
            source,
            children,
        } = element;
        let is_text = kind == ElementKind::Text;
        // Fixed values go straight into the node; signal-driven ones are bound below.
        let (mut style, mut visual, mut text_style, mut scroll) = (style, visual, text_style, None);
        let display = style.display;
        let mut bound = Vec::new();
        for (property, prop) in animated {
            match prop {
                Prop::Static(value) => {
                    apply_static(property, value, &mut visual, &mut text_style, &mut scroll, &mut style)
                }
                dynamic => bound.push((property, dynamic)),
            }
        }
        let node = self.spawn(
            parent,
            NodeBundle {
                style,
                visual,
                text: is_text.then(|| TextContent { text: String::new(), style: text_style }),
                image,
                focusable: matches!(focusable, Prop::Static(true)),
                focus_ring,
            },
            out,
        );
        if video {
            self.engine.set_video_surface(node, true);
        }
        if let Some(tag) = source {
            self.engine.set_source(node, tag);
        }
        if focus.autofocus {
            self.autofocus.insert(node);
            if matches!(focusable, Prop::Static(true)) {
                self.engine.focus(node);
            }
        }
        if let Prop::Dynamic(_) = focusable {
            self.bind(focusable, node, SceneOp::Focusable);
        }
        if let Some(visible) = visible {
            let shown = display;
            self.bind(visible.map(move |v| if v { shown } else { Display::None }), node, SceneOp::Display);
        }
        if let Some(item) = item_key {
            self.bind(item, node, SceneOp::FocusKey);
        }
        if let Some(t) = layout_transition {
            self.engine.set_layout_transition(node, Some(t));
        }
        if let Some(scope) = focus.scope {
            self.engine.set_focus_scope(node, scope);
        }
        if let Some(label) = focus.label {
            self.engine.set_accessible_label(node, label);
        }
        if let Some(reveal) = focus.reveal {
            self.engine.set_scroll_into_view(node, reveal);
        }
        if let Some([x, y]) = scroll {
            self.engine.set_scroll(node, x, y);
        }
        for (property, prop) in bound {
            self.bind_animated(prop, node, property, transition);
        }
        if let Some(on_key) = handlers.on_key.take() {
            self.key_handlers.borrow_mut().insert(node, (on_key, Scope::current()));
        }
        if handlers.any_event() {
            self.handlers.insert(node, (handlers, Scope::current()));
        }
        if let Some(node_ref) = node_ref {
            node_ref.attach(Some(node));
            self.refs.insert(node, node_ref);
        }
        if is_text {
            // A text element shows its children's text, joined.
            let content = View::Fragment(children).into_text_prop();
            self.bind(content, node, SceneOp::Text);
        } else {
            let mut inner = Vec::new();
            for child in children {
                self.mount(child, node, &mut inner);
            }
        }
    }

    /// Sets a property now, and animates it from an effect whenever its signals change.
    fn bind_animated(&mut self, prop: Prop<Value>, node: Entity, property: Property, transition: Transition) {
        let instant = Transition::INSTANT;
        match prop {
            Prop::Static(value) => {
                self.engine.animate(node, property, value, instant);
            }
            Prop::Dynamic(compute) => {
                let first = std::cell::Cell::new(true);
                effect(move || {
                    let value = compute();
                    // The first value is where the element starts, not a change to animate.
                    let transition = if first.replace(false) { instant } else { transition };
                    context::push_op(SceneOp::Set { node, property, value, transition });
                });
            }
        }
    }

    /// Applies a property now, and again from an effect whenever its signals change.
    fn bind<T: 'static>(&mut self, prop: Prop<T>, node: Entity, op: fn(Entity, T) -> SceneOp) {
        match prop {
            Prop::Static(value) => self.apply(op(node, value)),
            Prop::Dynamic(compute) => {
                effect(move || {
                    let value = compute();
                    context::push_op(op(node, value));
                });
            }
        }
    }
}

/// Writes a fixed property value into the node's components before it is spawned.
fn apply_static(
    property: Property,
    value: Value,
    visual: &mut touchline_engine::Visual,
    text: &mut touchline_engine::TextStyle,
    scroll: &mut Option<[f32; 2]>,
    style: &mut touchline_engine::Style,
) {
    match (property, value) {
        (Property::Background, Value::Color(c)) => visual.background = c,
        (Property::BorderColor, Value::Color(c)) => visual.border_color = c,
        (Property::TextColor, Value::Color(c)) => text.color = c,
        (Property::Opacity, Value::Number(v)) => visual.opacity = v.clamp(0.0, 1.0),
        (Property::Scale, Value::Pair(p)) => visual.transform.scale = p,
        (Property::Translate, Value::Pair(p)) => visual.transform.translate = p,
        (Property::Scroll, Value::Pair(p)) => *scroll = Some(p),
        (Property::BorderWidth, Value::Number(v)) => visual.border_width = v,
        (Property::CornerRadius, Value::Number(v)) => visual.corner_radius = v,
        (Property::Grow, Value::Number(v)) => style.grow = v.max(0.0),
        (Property::Width, Value::Number(v)) => style.width = Length::Px(v.max(0.0)),
        (Property::Height, Value::Number(v)) => style.height = Length::Px(v.max(0.0)),
        _ => {}
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // Scopes first (their cleanups cancel tasks), then the runtime and the context.
        leptos_reactive::set_current_runtime(self.runtime);
        context::set_current(Some(self.context.clone()));
        self.root_scope.take();
        self.runtime.dispose();
        context::set_current(None);
    }
}
