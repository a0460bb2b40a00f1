//! The app: mounts views into the engine, runs handlers, and applies what signals changed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use bevy_ecs::entity::Entity;
use bevy_ecs::hierarchy::ChildOf;
use touchline_abi::Event;
use touchline_engine::{Engine, NodeBundle, Property, TextContent, Transition, UiEvent, UiEventKind, Value};

use crate::elements::{Element, ElementKind, Handler, Handlers};
use crate::prop::Prop;
use crate::view::View;

/// A change to the scene that an effect asked for; applied before layout.
enum SceneOp {
    Text(Entity, String),
    Focusable(Entity, bool),
    FocusKey(Entity, u64),
    /// Set a property: at once on mount, then animated with the element's transition.
    Set {
        node: Entity,
        property: Property,
        value: Value,
        transition: Transition,
    },
}

/// Changes queued by effects. Effects run inside signal updates, when the engine may be
/// borrowed, so they queue instead of touching the scene.
type SceneOps = Rc<RefCell<Vec<SceneOp>>>;

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

/// A running UI: an engine, the reactive runtime, and the handlers of mounted elements.
pub struct App {
    engine: Engine,
    handlers: HashMap<Entity, Handlers>,
    /// Elements that take focus whenever they become focusable.
    autofocus: std::collections::HashSet<Entity>,
    ops: SceneOps,
    runtime: leptos_reactive::RuntimeId,
    pending: Vec<UiEvent>,
}

impl App {
    /// Starts an app for a viewport and mounts the view `root` builds.
    pub fn new(width: u32, height: u32, root: impl FnOnce() -> View) -> Result<Self, AppError> {
        let runtime = leptos_reactive::create_runtime();
        let engine = Engine::new(width, height).map_err(AppError::Engine)?;
        let mut app = Self {
            engine,
            handlers: HashMap::new(),
            autofocus: Default::default(),
            ops: SceneOps::default(),
            runtime,
            pending: Vec::new(),
        };
        let view = root();
        let parent = app.engine.root();
        app.mount(view, parent);
        app.apply_ops();
        Ok(app)
    }

    /// The engine underneath (for tests and hosts' diagnostics).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Runs one frame over the host's events and returns the display list. `payload` holds the
    /// bodies some events carry (fetch responses), after the event records, in event order.
    pub fn frame(&mut self, time_us: u64, events: &[Event], payload: &[u8]) -> &[u8] {
        let _ = payload;
        let mut ui_events = std::mem::take(&mut self.pending);
        ui_events.extend(self.engine.begin_frame(time_us, events));
        for event in ui_events {
            self.dispatch(event);
        }
        self.apply_ops();
        self.engine.end_frame();
        // Focus set during layout (e.g. the first focus) reaches handlers next frame.
        self.pending = self.engine.take_events();
        self.engine.display_list()
    }

    fn dispatch(&mut self, event: UiEvent) {
        // Every event bubbles to the nearest ancestor with a handler for it (focus and blur
        // too, as `focusin`/`focusout` do on the web), and stops there.
        let mut target = Some(event.target);
        while let Some(entity) = target {
            if let Some(handler) = self.handler(entity, event.kind) {
                handler();
                return;
            }
            target = self.engine.world().get::<ChildOf>(entity).map(ChildOf::parent);
        }
    }

    fn handler(&self, entity: Entity, kind: UiEventKind) -> Option<Handler> {
        let h = self.handlers.get(&entity)?;
        match kind {
            UiEventKind::Select => h.on_select.clone(),
            UiEventKind::Focus => h.on_focus.clone(),
            UiEventKind::Blur => h.on_blur.clone(),
            UiEventKind::Back => h.on_back.clone(),
            // No long-select handler in the SDK yet: a long press falls back to select.
            UiEventKind::LongSelect => h.on_select.clone(),
        }
    }

    fn apply_ops(&mut self) {
        let ops = std::mem::take(&mut *self.ops.borrow_mut());
        for op in ops {
            match op {
                SceneOp::Text(e, text) => self.engine.set_text(e, &text),
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
            }
        }
    }

    fn mount(&mut self, view: View, parent: Entity) {
        match view {
            View::Empty => {}
            View::Fragment(views) => {
                for v in views {
                    self.mount(v, parent);
                }
            }
            View::Text(content) => {
                let node = self.engine.spawn(
                    parent,
                    NodeBundle { text: Some(TextContent::default()), ..NodeBundle::default() },
                );
                self.bind(content, node, SceneOp::Text);
            }
            View::Element(element) => self.mount_element(*element, parent),
        }
    }

    fn mount_element(&mut self, element: Element, parent: Entity) {
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
            handlers,
            children,
        } = element;
        let is_text = kind == ElementKind::Text;
        // Fixed values go straight into the node; signal-driven ones are bound below.
        let (mut style, mut visual, mut text_style, mut scroll) = (style, visual, text_style, None);
        let mut bound = Vec::new();
        for (property, prop) in animated {
            match prop {
                Prop::Static(value) => {
                    apply_static(property, value, &mut visual, &mut text_style, &mut scroll, &mut style)
                }
                dynamic => bound.push((property, dynamic)),
            }
        }
        let node = self.engine.spawn(
            parent,
            NodeBundle {
                style,
                visual,
                text: is_text.then(|| TextContent { text: String::new(), style: text_style }),
                image,
                focusable: matches!(focusable, Prop::Static(true)),
                focus_ring,
            },
        );
        if focus.autofocus {
            self.autofocus.insert(node);
            if matches!(focusable, Prop::Static(true)) {
                self.engine.focus(node);
            }
        }
        if let Prop::Dynamic(_) = focusable {
            self.bind(focusable, node, SceneOp::Focusable);
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
        if handlers.on_select.is_some()
            || handlers.on_focus.is_some()
            || handlers.on_blur.is_some()
            || handlers.on_back.is_some()
        {
            self.handlers.insert(node, handlers);
        }
        if is_text {
            // A text element shows its children's text, joined.
            let parts: Vec<Prop<String>> = children.into_iter().filter_map(text_of).collect();
            let content = match parts.as_slice() {
                [single] => single.clone(),
                _ if parts.iter().all(|p| matches!(p, Prop::Static(_))) => Prop::Static(
                    parts.iter().map(|p| if let Prop::Static(s) = p { s.as_str() } else { "" }).collect(),
                ),
                _ => Prop::Dynamic(Rc::new(move || {
                    parts
                        .iter()
                        .map(|p| match p {
                            Prop::Static(s) => s.clone(),
                            Prop::Dynamic(f) => f(),
                        })
                        .collect()
                })),
            };
            self.bind(content, node, SceneOp::Text);
        } else {
            for child in children {
                self.mount(child, node);
            }
        }
    }

    /// Sets a property now, and animates it from an effect whenever its signals change.
    fn bind_animated(&mut self, prop: Prop<Value>, node: Entity, property: Property, transition: Transition) {
        let instant = Transition::INSTANT;
        match prop {
            Prop::Static(value) => {
                self.ops.borrow_mut().push(SceneOp::Set { node, property, value, transition: instant })
            }
            Prop::Dynamic(compute) => {
                let ops = self.ops.clone();
                let first = std::cell::Cell::new(true);
                crate::reactive::effect(move || {
                    let value = compute();
                    // The first value is where the element starts, not a change to animate.
                    let transition = if first.replace(false) { instant } else { transition };
                    ops.borrow_mut().push(SceneOp::Set { node, property, value, transition });
                });
            }
        }
    }

    /// Applies a property now, and again from an effect whenever its signals change.
    fn bind<T: 'static>(&mut self, prop: Prop<T>, node: Entity, op: fn(Entity, T) -> SceneOp) {
        match prop {
            Prop::Static(value) => self.ops.borrow_mut().push(op(node, value)),
            Prop::Dynamic(compute) => {
                let ops = self.ops.clone();
                crate::reactive::effect(move || {
                    let value = compute();
                    ops.borrow_mut().push(op(node, value));
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
        (Property::Width, Value::Number(v)) => style.width = touchline_engine::Length::Px(v.max(0.0)),
        (Property::Height, Value::Number(v)) => style.height = touchline_engine::Length::Px(v.max(0.0)),
        _ => {}
    }
}

/// The text of a text element's child, if it is text.
fn text_of(view: View) -> Option<Prop<String>> {
    match view {
        View::Text(p) => Some(p),
        _ => None,
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.runtime.dispose();
    }
}
