//! The router: a stack of pages with push, replace and back, animated page transitions,
//! focus put back where it was on back, and a stack a host can save and restore.
//!
//! Pages below the top stay mounted but hidden (not laid out, drawn or focusable), so going
//! back is instant and finds the page as it was left: its scroll, its state, its focus.
//!
//! ```ignore
//! let router = Router::new(Route::new("profiles"))
//!     .page("profiles", |_| profiles_page())
//!     .page("match", |route| match_page(route.param()));
//! view! { <column>{router.view()}</column> }
//! // in a handler:
//! use_router().push(Route::with("match", "fra-cro"));
//! ```

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use touchline_engine::{Entity, Length};

use crate::bus;
use crate::context;
use crate::elements::column;
use crate::list::keyed;
use crate::node_ref::NodeRef;
use crate::ops::SceneOp;
use crate::reactive::{Signal, effect, provide_context, signal, untrack, use_context};
use crate::task::{sleep, spawn_local};
use crate::theme::use_theme;
use crate::view::{IntoView, View};

/// Where a page is: its name and an optional parameter (`("match", "fra-cro-2018")`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Route {
    /// The page's registered name.
    pub page: String,
    /// What it shows, when it shows one thing of many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}

impl Route {
    /// A route to a page without a parameter.
    pub fn new(page: impl Into<String>) -> Self {
        Route { page: page.into(), param: None }
    }

    /// A route to a page showing `param`.
    pub fn with(page: impl Into<String>, param: impl Into<String>) -> Self {
        Route { page: page.into(), param: Some(param.into()) }
    }

    /// The parameter, or `""`.
    pub fn param(&self) -> &str {
        self.param.as_deref().unwrap_or("")
    }
}

/// The saved form of a router's stack, bottom first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterState {
    /// Format version, so a newer bundle can refuse or migrate an older save.
    pub version: u32,
    /// The routes, bottom first; the last is the page on screen.
    pub stack: Vec<Route>,
    /// Where focus was on each page, as a [`FocusPath`] from the page's root (`None`: not
    /// known). Empty, or as long as `stack`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub focus: Vec<Option<FocusPath>>,
}

/// A node's place under a page's root: the index among its parent's children at each level,
/// outermost first. A page rebuilt from the same data puts the same node there.
pub type FocusPath = Vec<u32>;

/// The [`RouterState::version`] this SDK writes and reads.
pub const ROUTER_STATE_VERSION: u32 = 1;

/// Why a navigation or a restore was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RouterError {
    /// No page is registered under that name.
    #[error("no page is called {0:?}")]
    UnknownPage(String),
    /// A saved stack is not JSON of the expected shape.
    #[error("the saved stack cannot be read: {0}")]
    BadState(String),
    /// A saved stack was written by another format version.
    #[error("the saved stack is version {0}, this app reads version {ROUTER_STATE_VERSION}")]
    Version(u32),
    /// A saved stack has no page.
    #[error("the saved stack is empty")]
    Empty,
}

/// One page on the stack.
#[derive(Clone)]
struct Entry {
    id: u64,
    route: Route,
    /// The node that had focus when another page was pushed over this one.
    focus: Rc<Cell<Option<Entity>>>,
    /// Animates in when mounted (pushed), rather than appearing (restored, first page).
    animate_in: bool,
    /// The page's root node while it is mounted.
    root: NodeRef,
    /// Where focus was on this page before a restart, until focus is known again.
    saved_focus: Rc<RefCell<Option<FocusPath>>>,
}

/// One page of a [`Router::snapshot`]: what the app needs to save it.
pub(crate) struct PageSnapshot {
    pub route: Route,
    pub root: Option<Entity>,
    /// The focused node on the page on screen, the one focus returns to on the others.
    pub focus: Option<Entity>,
    /// The saved path, for a page focus has not been on since a restore.
    pub saved_focus: Option<FocusPath>,
}

type PageFn = Rc<dyn Fn(&Route) -> View>;

pub(crate) struct RouterInner {
    pages: RefCell<HashMap<String, PageFn>>,
    stack: Signal<Vec<Entry>>,
    /// Pages on their way out (back was pressed): off the stack, still shown while they
    /// animate.
    leaving: Signal<Vec<Entry>>,
    next_id: Cell<u64>,
    /// Bumped by every change of the stack, so the app saves only when it changed.
    generation: Cell<u64>,
}

/// The app's router, as its context holds it (not keeping it alive).
#[derive(Clone, Default)]
pub(crate) struct WeakRouter(Weak<RouterInner>);

impl WeakRouter {
    pub fn get(&self) -> Option<Router> {
        self.0.upgrade().map(Router)
    }
}

/// A page stack. Cheap to clone; [`use_router`] finds the one a scope above made.
#[derive(Clone)]
pub struct Router(Rc<RouterInner>);

impl Router {
    /// A router starting on `initial`; provided to everything below the current scope.
    pub fn new(initial: Route) -> Self {
        Self::with_stack(vec![initial])
    }

    /// A router starting with a saved stack (unknown pages are checked when pages are
    /// registered: see [`Router::restore`]).
    pub fn with_stack(stack: Vec<Route>) -> Self {
        let inner = RouterInner {
            pages: Default::default(),
            stack: signal(Vec::new()),
            leaving: signal(Vec::new()),
            next_id: Cell::new(0),
            generation: Cell::new(0),
        };
        let router = Router(Rc::new(inner));
        let entries = stack.into_iter().map(|route| router.entry(route, false)).collect();
        router.0.stack.set(entries);
        provide_context(router.clone());
        // The app saves this router's stack for the host and restores it after a restart.
        context::with(|cx| *cx.router.borrow_mut() = WeakRouter(Rc::downgrade(&router.0)));
        router
    }

    /// Registers the page shown for routes named `name`.
    pub fn page<V: IntoView>(self, name: &str, page: impl Fn(&Route) -> V + 'static) -> Self {
        self.0
            .pages
            .borrow_mut()
            .insert(name.to_owned(), Rc::new(move |route: &Route| page(route).into_view()));
        self
    }

    fn entry(&self, route: Route, animate_in: bool) -> Entry {
        let id = self.0.next_id.get() + 1;
        self.0.next_id.set(id);
        Entry {
            id,
            route,
            focus: Rc::default(),
            animate_in,
            root: NodeRef::new(),
            saved_focus: Rc::default(),
        }
    }

    fn set_stack(&self, update: impl FnOnce(&mut Vec<Entry>)) {
        self.0.generation.set(self.0.generation.get() + 1);
        self.0.stack.update(update);
    }

    /// Changes with every change of the stack.
    pub(crate) fn generation(&self) -> u64 {
        self.0.generation.get()
    }

    /// The stack, bottom first, with what saving it needs; `focused` is the focused node.
    pub(crate) fn snapshot(&self, focused: Option<Entity>) -> Vec<PageSnapshot> {
        untrack(|| self.0.stack.get())
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let is_top = i + 1 == self.0.stack.with_untracked(Vec::len);
                PageSnapshot {
                    route: entry.route.clone(),
                    root: entry.root.node(),
                    focus: if is_top { focused } else { entry.focus.get() },
                    saved_focus: entry.saved_focus.borrow().clone(),
                }
            })
            .collect()
    }

    fn check(&self, route: &Route) -> Result<(), RouterError> {
        if self.0.pages.borrow().contains_key(&route.page) {
            Ok(())
        } else {
            Err(RouterError::UnknownPage(route.page.clone()))
        }
    }

    /// Shows `route` over the current page; back returns to where focus was.
    pub fn push(&self, route: Route) -> Result<(), RouterError> {
        self.check(&route)?;
        let focused = context::with(|cx| cx.focused.get()).flatten();
        let entry = self.entry(route, true);
        self.set_stack(|stack| {
            if let Some(top) = stack.last() {
                top.focus.set(focused);
            }
            stack.push(entry);
        });
        Ok(())
    }

    /// Shows `route` instead of the current page (a login page replaced by home).
    pub fn replace(&self, route: Route) -> Result<(), RouterError> {
        self.check(&route)?;
        let entry = self.entry(route, true);
        self.set_stack(|stack| {
            stack.pop();
            stack.push(entry);
        });
        Ok(())
    }

    /// Leaves the current page for the one below, with focus where it was. False when the
    /// current page is the only one (the host decides what Back does then).
    pub fn back(&self) -> bool {
        let stack = untrack(|| self.0.stack.get());
        let [.., below, top] = stack.as_slice() else { return false };
        let (leaving_id, restore) = (top.id, below.focus.get());
        let restore_path = below.saved_focus.borrow().clone().zip(below.root.node());
        let exit = untrack(|| use_theme().get().motion.enter);
        // The page leaves the stack at once (so a second back goes further) but stays on
        // screen while it animates out.
        let top = top.clone();
        self.0.leaving.update(|l| l.push(top));
        self.set_stack(|stack| {
            stack.retain(|e| e.id != leaving_id);
        });
        if let Some(node) = restore {
            context::push_op(SceneOp::Focus(node));
        } else if let Some((path, root)) = restore_path {
            // Restored after a restart: focus goes where it was before it.
            context::push_op(SceneOp::FocusPath { root, path });
        }
        let leaving = self.0.leaving;
        spawn_local(async move {
            sleep(transition_length(exit)).await;
            leaving.update(|l| l.retain(|e| e.id != leaving_id));
        });
        true
    }

    /// The route on screen (tracked).
    pub fn current(&self) -> Option<Route> {
        self.0.stack.with(|stack| stack.last().map(|e| e.route.clone()))
    }

    /// How many pages are on the stack (tracked).
    pub fn depth(&self) -> usize {
        self.0.stack.with(Vec::len)
    }

    /// The stack to save (tracked: an effect reading it runs on every navigation).
    pub fn state(&self) -> RouterState {
        RouterState {
            version: ROUTER_STATE_VERSION,
            stack: self.0.stack.with(|stack| stack.iter().map(|e| e.route.clone()).collect()),
            focus: Vec::new(),
        }
    }

    /// The stack as JSON, for the host to keep.
    pub fn save(&self) -> String {
        serde_json::to_string(&untrack(|| self.state())).unwrap_or_default()
    }

    /// Replaces the stack with a saved one (after a restart): every page must be known.
    pub fn restore(&self, saved: &str) -> Result<(), RouterError> {
        self.restore_state(parse_state(saved)?)
    }

    /// Replaces the stack with a saved one; each page's saved focus is where focus goes when
    /// it is next on screen (the app moves it on the top page once it is mounted).
    pub(crate) fn restore_state(&self, state: RouterState) -> Result<(), RouterError> {
        for route in &state.stack {
            self.check(route)?;
        }
        let mut focus = state.focus.into_iter();
        let entries: Vec<Entry> = state
            .stack
            .into_iter()
            .map(|route| {
                let entry = self.entry(route, false);
                *entry.saved_focus.borrow_mut() = focus.next().flatten();
                entry
            })
            .collect();
        self.set_stack(|stack| *stack = entries);
        Ok(())
    }

    /// The top page's root and saved focus path, right after a restore.
    pub(crate) fn top_saved_focus(&self) -> Option<(NodeRef, FocusPath)> {
        self.0.stack.with_untracked(|stack| {
            let top = stack.last()?;
            let path = top.saved_focus.borrow().clone()?;
            Some((top.root.clone(), path))
        })
    }

    /// The pages: every page on the stack mounted, the top one shown. Back (unless a page
    /// handles it) goes back.
    pub fn view(&self) -> View {
        let stack = self.0.stack;
        let leaving = self.0.leaving;
        // Entries leaving stay in the list until their exit animation ends.
        let shown = move || {
            let mut entries = stack.get();
            entries.extend(leaving.get());
            entries
        };
        // The bundle owns the page history; the legacy JS VM mirrors it from these messages,
        // and counts page views.
        let last_top = RefCell::new(None);
        effect(move || {
            let routes: Vec<Route> = stack.with(|s| s.iter().map(|e| e.route.clone()).collect());
            let top = routes.last().map(|r| r.page.clone());
            let _ = bus::post("history", &History { stack: &routes });
            if let Some(page) = top.as_ref().filter(|top| last_top.borrow().as_ref() != Some(*top)) {
                let _ = bus::post("metric", &PageView { name: "page_view", page, value: 1 });
            }
            *last_top.borrow_mut() = top;
        });
        let pages = self.clone();
        let list = keyed(shown, |e: &Entry| e.id, move |entry: Entry| pages.frame(entry));
        let back = self.clone();
        column()
            .width(Length::Percent(1.0))
            .height(Length::Percent(1.0))
            .on_back(move || {
                back.back();
            })
            .child(list)
            .into_view()
    }

    /// One page on screen: full size, shown while it is the top (or leaving), sliding in.
    fn frame(&self, entry: Entry) -> View {
        let page = self.0.pages.borrow().get(&entry.route.page).cloned();
        let Some(page) = page else { return View::empty() };
        let id = entry.id;
        let (stack, leaving) = (self.0.stack, self.0.leaving);
        let is_top = move || stack.with(|s| s.last().map(|e| e.id)) == Some(id);
        let is_leaving = move || leaving.with(|l| l.iter().any(|e| e.id == id));
        let entered = signal(!entry.animate_in);
        if entry.animate_in {
            spawn_local(async move {
                // One frame at the start position, then the transition runs to rest.
                sleep(Duration::from_micros(1)).await;
                entered.set(true);
            });
        }
        let theme = use_theme();
        // A page that does not animate in starts entered.
        let shown = move || entered.get() && !is_leaving();
        column()
            .absolute(true)
            .top(Length::Px(0.0))
            .left(Length::Px(0.0))
            .width(Length::Percent(1.0))
            .height(Length::Percent(1.0))
            .visible(move || is_top() || is_leaving())
            .transition(untrack(|| theme.get().motion.enter))
            .opacity(move || if shown() { 1.0 } else { 0.0 })
            .translate(move || if shown() { [0.0, 0.0] } else { [96.0, 0.0] })
            .r#ref(&entry.root)
            .child(page(&entry.route))
            .into_view()
    }
}

fn transition_length(transition: touchline_engine::Transition) -> Duration {
    match transition {
        touchline_engine::Transition::Tween { duration_us, delay_us, .. } => {
            Duration::from_micros(duration_us + delay_us)
        }
        touchline_engine::Transition::Spring(_) => Duration::from_millis(400),
    }
}

/// The `history` message: the bundle owns the page history, JS mirrors it.
#[derive(Serialize)]
struct History<'a> {
    stack: &'a [Route],
}

/// A `page_view` metric.
#[derive(Serialize)]
struct PageView<'a> {
    name: &'static str,
    page: &'a str,
    value: u32,
}

/// Reads a saved stack.
pub fn parse_state(saved: &str) -> Result<RouterState, RouterError> {
    let state: RouterState = serde_json::from_str(saved).map_err(|e| RouterError::BadState(e.to_string()))?;
    check_state(state)
}

/// Checks a saved stack's version and that it has a page.
pub fn check_state(state: RouterState) -> Result<RouterState, RouterError> {
    if state.version != ROUTER_STATE_VERSION {
        return Err(RouterError::Version(state.version));
    }
    if state.stack.is_empty() {
        return Err(RouterError::Empty);
    }
    Ok(state)
}

/// The router a scope above made. Panics outside one: pages live under a router.
pub fn use_router() -> Router {
    use_context::<Router>().expect("use_router: no Router above this scope")
}
