//! Animation in the scene: motions of node properties, sampled from the frame clock, and
//! layout animations that carry a node from its old box to its new one.
//!
//! Every motion is a pure function of the frame time (see [`crate::animation`]), so a page
//! shows the same values at the same times whether the host runs at 30 or 60 fps, and a
//! retarget mid-flight starts from the value (and, for springs, the velocity) on screen.

use std::collections::HashMap;
use std::sync::Arc;

use bevy_ecs::entity::EntityHashMap;
use bevy_ecs::prelude::*;

use crate::animation::{Motion, Transition};
use crate::color::Color;
use crate::layout::LayoutMoves;
use crate::render::DisplayedRect;
use crate::scene::{ComputedRect, NodeStyle, SceneChanges, ScrollOffset, TextContent, Visual};
use crate::style::Length;

/// A property of a node that can be animated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Property {
    /// [`Visual::opacity`].
    Opacity,
    /// [`Visual::background`].
    Background,
    /// [`Visual::border_color`].
    BorderColor,
    /// [`Visual::border_width`].
    BorderWidth,
    /// [`Visual::corner_radius`].
    CornerRadius,
    /// The transform's translation.
    Translate,
    /// The transform's scale.
    Scale,
    /// The shadow's colour.
    ShadowColor,
    /// The first and last gradient stops' colours... the gradient's angle.
    GradientAngle,
    /// A text node's colour.
    TextColor,
    /// A scroll container's offset.
    Scroll,
    /// The style's flex grow factor (a layout property).
    Grow,
    /// The style's width, in pixels (a layout property: the subtree relays out each frame).
    Width,
    /// The style's height, in pixels.
    Height,
}

/// A property's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// A number.
    Number(f32),
    /// A colour.
    Color(Color),
    /// A pair.
    Pair([f32; 2]),
}

impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::Number(v)
    }
}

impl From<Color> for Value {
    fn from(v: Color) -> Self {
        Value::Color(v)
    }
}

impl From<[f32; 2]> for Value {
    fn from(v: [f32; 2]) -> Self {
        Value::Pair(v)
    }
}

/// A motion of one of the value kinds.
#[derive(Clone, Debug)]
enum AnyMotion {
    Number(Motion<f32>),
    Color(Motion<Color>),
    Pair(Motion<[f32; 2]>),
}

impl AnyMotion {
    fn at_rest(value: Value) -> Self {
        match value {
            Value::Number(v) => AnyMotion::Number(Motion::new(v)),
            Value::Color(v) => AnyMotion::Color(Motion::new(v)),
            Value::Pair(v) => AnyMotion::Pair(Motion::new(v)),
        }
    }

    /// Retargets; a target of another kind than the motion's jumps there.
    fn set_target(&mut self, target: Value, transition: Transition, now_us: u64) {
        match (self, target) {
            (AnyMotion::Number(m), Value::Number(v)) => m.set_target(v, transition, now_us),
            (AnyMotion::Color(m), Value::Color(v)) => m.set_target(v, transition, now_us),
            (AnyMotion::Pair(m), Value::Pair(v)) => m.set_target(v, transition, now_us),
            (this, value) => *this = AnyMotion::at_rest(value),
        }
    }

    fn sample(&self, now_us: u64) -> Value {
        match self {
            AnyMotion::Number(m) => Value::Number(m.sample(now_us)),
            AnyMotion::Color(m) => Value::Color(m.sample(now_us)),
            AnyMotion::Pair(m) => Value::Pair(m.sample(now_us)),
        }
    }

    fn target(&self) -> Value {
        match self {
            AnyMotion::Number(m) => Value::Number(m.target()),
            AnyMotion::Color(m) => Value::Color(m.target()),
            AnyMotion::Pair(m) => Value::Pair(m.target()),
        }
    }

    fn is_running(&self, now_us: u64) -> bool {
        match self {
            AnyMotion::Number(m) => m.is_running(now_us),
            AnyMotion::Color(m) => m.is_running(now_us),
            AnyMotion::Pair(m) => m.is_running(now_us),
        }
    }
}

/// The frame clock animations read: the host's frame time.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct AnimationClock {
    /// Microseconds.
    pub now_us: u64,
}

/// Makes a node travel from its old box to its new one whenever layout moves it.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct LayoutTransition(pub Transition);

/// Every running animation.
#[derive(Resource, Default)]
pub struct Animator {
    properties: HashMap<(Entity, Property), AnyMotion>,
    layout: EntityHashMap<Motion<[f32; 4]>>,
    /// Retargets asked for since the last frame; they take effect at the next frame's time,
    /// so a change made while handling a frame's input starts at that frame on any clock.
    pending: Vec<(Entity, Property, Value, Transition)>,
}

impl Animator {
    /// Whether anything is animating (so the frame cannot be idle).
    pub fn is_running(&self) -> bool {
        !self.properties.is_empty() || !self.layout.is_empty() || !self.pending.is_empty()
    }

    /// Number of running animations.
    pub fn running(&self) -> usize {
        self.properties.len() + self.layout.len()
    }

    /// Where a property is heading: the last retarget asked for, or the running motion's
    /// target; `None` when it is not animated.
    pub fn target(&self, entity: Entity, property: Property) -> Option<Value> {
        let pending = self.pending.iter().rev().find(|(e, p, ..)| *e == entity && *p == property);
        pending
            .map(|(_, _, v, _)| *v)
            .or_else(|| self.properties.get(&(entity, property)).map(AnyMotion::target))
    }

    /// Stops every animation of a node where it is.
    pub fn stop(&mut self, entity: Entity) {
        self.properties.retain(|(e, _), _| *e != entity);
        self.layout.remove(&entity);
        self.pending.retain(|(e, ..)| *e != entity);
    }
}

/// Reads a property's current value from a node.
pub fn read_property(world: &World, entity: Entity, property: Property) -> Option<Value> {
    let visual = || world.get::<Visual>(entity).cloned().unwrap_or_default();
    Some(match property {
        Property::Opacity => Value::Number(visual().opacity),
        Property::Background => Value::Color(visual().background),
        Property::BorderColor => Value::Color(visual().border_color),
        Property::BorderWidth => Value::Number(visual().border_width),
        Property::CornerRadius => Value::Number(visual().corner_radius),
        Property::Translate => Value::Pair(visual().transform.translate),
        Property::Scale => Value::Pair(visual().transform.scale),
        Property::ShadowColor => {
            Value::Color(visual().shadow.as_ref().map_or(Color::TRANSPARENT, |s| s.color))
        }
        Property::GradientAngle => Value::Number(visual().gradient.as_ref().map_or(0.0, |g| g.angle)),
        Property::TextColor => Value::Color(world.get::<TextContent>(entity)?.style.color),
        Property::Scroll => {
            let s = world.get::<ScrollOffset>(entity).copied().unwrap_or_default();
            Value::Pair([s.x, s.y])
        }
        Property::Grow => Value::Number(world.get::<NodeStyle>(entity)?.0.grow),
        Property::Width | Property::Height => {
            let style = &world.get::<NodeStyle>(entity)?.0;
            let length = if property == Property::Width { style.width } else { style.height };
            let rect = world.get::<ComputedRect>(entity).copied().unwrap_or_default();
            match length {
                Length::Px(px) => Value::Number(px),
                _ => Value::Number(if property == Property::Width { rect.width } else { rect.height }),
            }
        }
    })
}

/// Starts (or retargets) an animation of `property` towards `target`, at the time of the
/// frame being handled (or the next frame, between frames).
pub fn animate_property(
    world: &mut World,
    entity: Entity,
    property: Property,
    target: Value,
    transition: Transition,
) {
    world.resource_mut::<Animator>().pending.push((entity, property, target, transition));
    world.resource_mut::<SceneChanges>().any = true;
}

/// Writes a sampled value into the node's components (one insert per component).
fn write_property(
    property: Property,
    value: Value,
    visual: &mut Visual,
    text: &mut Option<TextContent>,
    scroll: &mut Option<ScrollOffset>,
    style: &mut Option<NodeStyle>,
) {
    match (property, value) {
        (Property::Opacity, Value::Number(v)) => visual.opacity = v.clamp(0.0, 1.0),
        (Property::Background, Value::Color(c)) => visual.background = c,
        (Property::BorderColor, Value::Color(c)) => visual.border_color = c,
        (Property::BorderWidth, Value::Number(v)) => visual.border_width = v.max(0.0),
        (Property::CornerRadius, Value::Number(v)) => visual.corner_radius = v.max(0.0),
        (Property::Translate, Value::Pair(p)) => visual.transform.translate = p,
        (Property::Scale, Value::Pair(p)) => visual.transform.scale = p,
        (Property::ShadowColor, Value::Color(c)) => {
            if let Some(shadow) = &mut visual.shadow {
                Arc::make_mut(shadow).color = c;
            }
        }
        (Property::GradientAngle, Value::Number(v)) => {
            if let Some(gradient) = &mut visual.gradient {
                Arc::make_mut(gradient).angle = v;
            }
        }
        (Property::TextColor, Value::Color(c)) => {
            if let Some(text) = text {
                text.style.color = c;
            }
        }
        (Property::Scroll, Value::Pair([x, y])) => *scroll = Some(ScrollOffset { x, y }),
        (Property::Grow, Value::Number(v)) => {
            if let Some(style) = style {
                Arc::make_mut(&mut style.0).grow = v.max(0.0);
            }
        }
        (Property::Width, Value::Number(v)) => {
            if let Some(style) = style {
                Arc::make_mut(&mut style.0).width = Length::Px(v.max(0.0));
            }
        }
        (Property::Height, Value::Number(v)) => {
            if let Some(style) = style {
                Arc::make_mut(&mut style.0).height = Length::Px(v.max(0.0));
            }
        }
        _ => {}
    }
}

/// Samples every running motion at the frame time and writes the values.
pub fn animate(world: &mut World) {
    let now = world.resource::<AnimationClock>().now_us;
    let mut animator = std::mem::take(&mut *world.resource_mut::<Animator>());
    for (entity, property, target, transition) in std::mem::take(&mut animator.pending) {
        let motion = match animator.properties.entry((entity, property)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                // A new motion starts from the value the node shows.
                e.insert(AnyMotion::at_rest(read_property(world, entity, property).unwrap_or(target)))
            }
        };
        motion.set_target(target, transition, now);
    }
    // Group by node so each component is inserted once.
    let mut by_node: EntityHashMap<Vec<(Property, Value)>> = EntityHashMap::default();
    animator.properties.retain(|&(entity, property), motion| {
        by_node.entry(entity).or_default().push((property, motion.sample(now)));
        motion.is_running(now) && world.get_entity(entity).is_ok()
    });
    for (entity, values) in by_node {
        let Ok(e) = world.get_entity(entity) else { continue };
        let old_visual = e.get::<Visual>().cloned();
        let mut visual = old_visual.clone().unwrap_or_default();
        let old_text = e.get::<TextContent>().cloned();
        let mut text = old_text.clone();
        let old_scroll = e.get::<ScrollOffset>().copied();
        let mut scroll = old_scroll;
        let old_style = e.get::<NodeStyle>().cloned();
        let mut style = old_style.clone();
        for (property, value) in values {
            write_property(property, value, &mut visual, &mut text, &mut scroll, &mut style);
        }
        let mut e = world.entity_mut(entity);
        if old_visual.as_ref() != Some(&visual) {
            e.insert(visual);
        }
        if text != old_text
            && let Some(text) = text
        {
            e.insert(text);
        }
        if scroll != old_scroll
            && let Some(scroll) = scroll
        {
            e.insert(scroll);
        }
        if style != old_style
            && let Some(style) = style
        {
            e.insert(style);
        }
    }
    // Layout animations: the drawn box follows its motion, then hands back to layout.
    let mut finished = Vec::new();
    for (&entity, motion) in &animator.layout {
        let [x, y, width, height] = motion.sample(now);
        let running = motion.is_running(now);
        match world.get_entity_mut(entity) {
            Ok(mut e) if running => {
                e.insert(DisplayedRect(ComputedRect { x, y, width, height }));
            }
            Ok(mut e) => {
                e.remove::<DisplayedRect>();
                finished.push(entity);
            }
            Err(_) => finished.push(entity),
        }
    }
    for entity in finished {
        animator.layout.remove(&entity);
    }
    // Running or just finished: either way this frame draws.
    world.resource_mut::<SceneChanges>().any = true;
    *world.resource_mut::<Animator>() = animator;
}

/// Starts layout animations for nodes that layout moved and that ask for them.
pub fn start_layout_animations(
    moves: Res<LayoutMoves>,
    clock: Res<AnimationClock>,
    mut animator: ResMut<Animator>,
    transitions: Query<(&LayoutTransition, Option<&DisplayedRect>)>,
    mut commands: Commands,
) {
    for m in moves.0.iter().filter(|m| !m.scrolled) {
        let Ok((transition, displayed)) = transitions.get(m.entity) else { continue };
        // Mid-flight: start from where it is drawn, not where layout had it.
        let from = displayed.map_or(m.from, |d| d.0);
        let to = [m.to.x, m.to.y, m.to.width, m.to.height];
        let motion = animator
            .layout
            .entry(m.entity)
            .or_insert_with(|| Motion::new([from.x, from.y, from.width, from.height]));
        motion.set_target(to, transition.0, clock.now_us);
        // Drawn at the old box this frame, not at the new one.
        commands.entity(m.entity).insert(DisplayedRect(displayed.map_or(from, |d| d.0)));
    }
}
