//! Scene edits queued by effects, handlers and tasks, and the state of mounted dynamic
//! regions and keyed lists those edits refer to.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use touchline_engine::style::Display;
use touchline_engine::{Entity, Property, Transition, Value};

use crate::list::{ItemId, ListUpdate};
use crate::reactive::Scope;
use crate::view::View;

/// A change to the scene; applied by the app before layout.
pub(crate) enum SceneOp {
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
    /// Show (with this display) or hide a node and its subtree.
    Display(Entity, Display),
    /// Move focus to a node (a `NodeRef`'s `focus()`).
    Focus(Entity),
    /// Move focus to the node at `path` under `root` (a page restored after a restart).
    FocusPath {
        root: Entity,
        path: crate::router::FocusPath,
    },
    /// Move focus to the first focusable in a node's subtree (a dialog opening), unless focus
    /// is already inside it.
    FocusWithin(Entity),
    /// Run code once what is queued before it is applied (a component acting on its own
    /// freshly mounted nodes).
    Then(Box<dyn FnOnce()>),
    /// A dynamic region has a new view to show.
    Region(Rc<RefCell<RegionState>>),
    /// A keyed list changed.
    List(Rc<RefCell<ListState>>),
    /// Label every text in the display list (the designer preview).
    TextLabels(bool),
    /// The component at a point, to the callback (the designer preview's pick mode).
    Pick(f32, f32, Box<dyn FnOnce(Option<(touchline_engine::SourceTag, touchline_engine::ComputedRect)>)>),
}

/// A mounted dynamic view: its content lives among `parent`'s children between two
/// invisible markers.
pub(crate) struct RegionState {
    pub parent: Entity,
    pub start: Entity,
    pub end: Entity,
    /// The view to show next and the scope to mount it in (the effect run that built it).
    pub pending: Option<(View, Option<Scope>)>,
    /// The region shows exactly this text node: new text updates it in place.
    pub text_node: Option<Entity>,
    /// Focus was inside content this region replaced with nothing focusable (a spinner),
    /// after this many key presses: the next content takes focus if no key came since.
    pub owes_focus: Option<u64>,
}

/// A mounted keyed list: its items live between two markers, each item a range of
/// `parent`'s children from its first to its last top-level node.
pub(crate) struct ListState {
    pub parent: Entity,
    pub start: Entity,
    pub end: Entity,
    /// Updates not yet applied, in order.
    pub pending: Vec<ListUpdate>,
    /// Each item's first and last top-level node (`None`: it shows nothing).
    pub items: HashMap<ItemId, Option<(Entity, Entity)>>,
}
