//! The layout tree: taffy's algorithms over our own compact node storage.
//!
//! `TaffyTree` keeps, per node, a full copy of taffy's style (~400 bytes in wasm), a 400-byte
//! measurement cache, two 92-byte layouts and grid debug info — over 1 KB a node, which at
//! 20,000 nodes is most of a TV's budget. Through taffy's low-level traits this tree keeps
//! instead, per node, ~80 bytes: an index into a table of distinct styles (nodes share the
//! `Arc<Style>` the engine hands out, and each distinct style is converted to taffy's once),
//! the unrounded box taffy wrote, the child list, and a compact measurement cache used only by nodes
//! with children (a leaf's layout is cheap to redo; text measurements are cached by width anyway).
//!
//! Every node is positioned (`relative` or `absolute`), so every node is the containing block
//! of its absolute children: locations are relative to the parent, and the engine's own tree
//! walk turns them into rounded viewport rectangles (taffy's `round_layout` is not used).

use std::collections::HashMap;
use std::sync::Arc;

use bevy_ecs::prelude::Entity;
use taffy::prelude::*;
use taffy::{
    BlockContext, CacheTree, LayoutBlockContainer, LayoutFlexboxContainer, LayoutGridContainer, LayoutInput,
    LayoutOutput, LayoutPartialTree, RunMode, TraversePartialTree, compute_block_layout,
    compute_cached_layout, compute_flexbox_layout, compute_grid_layout, compute_hidden_layout,
    compute_leaf_layout, compute_oof_layout, compute_root_layout,
};

use super::cache::LayoutCache;
use crate::style::Style;

/// How a node without children is sized.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NodeKind {
    /// By its style alone.
    #[default]
    Box,
    /// By its text.
    Text,
    /// By its image's size.
    Image,
}

/// Slots per page: pages are allocated whole, so the slot storage grows without copying
/// (a doubling `Vec` would briefly hold two copies, and keep up to twice what it needs).
const PAGE: usize = 256;
const NO_PARENT: u32 = u32::MAX;
/// Style index of empty slots: taffy's default style.
const DEFAULT_STYLE: u32 = 0;

#[derive(Debug)]
struct Slot {
    entity: Option<Entity>,
    style: u32,
    parent: u32,
    kind: NodeKind,
    children: Vec<u32>,
    /// Location (relative to the parent) and size, as taffy computed them: `[x, y, w, h]`.
    unrounded: [f32; 4],
    /// Unrounded position in the unscrolled page, set by the engine's walk.
    cumulative: [f32; 2],
    /// Measurements, kept for nodes with children only.
    cache: LayoutCache,
}

impl Default for Slot {
    fn default() -> Self {
        Self {
            entity: None,
            style: DEFAULT_STYLE,
            parent: NO_PARENT,
            kind: NodeKind::Box,
            children: Vec::new(),
            unrounded: [0.0; 4],
            cumulative: [0.0; 2],
            cache: LayoutCache::default(),
        }
    }
}

#[derive(Debug)]
struct StyleEntry {
    /// Keeps the shared style alive, so its address (the key) is not reused while listed.
    source: Option<Arc<Style>>,
    taffy: taffy::Style,
    users: u32,
}

/// The layout tree mirroring the scene, indexed by entity index.
/// Not `Send` (taffy's style is not), so it is a non-send resource: engines are single-threaded.
#[derive(Debug)]
pub struct LayoutTree {
    pages: Vec<Box<[Slot]>>,
    styles: Vec<StyleEntry>,
    /// Style entries by the address of the shared style they were converted from.
    style_by_source: HashMap<usize, u32, foldhash::fast::FixedState>,
    free_styles: Vec<u32>,
    len: usize,
    /// Relayout boundaries whose content changed (see [`LayoutTree::compute`]).
    dirty_boundaries: Vec<u32>,
    /// A change reached the root (or a detached node): the next layout is a full one.
    root_dirty: bool,
    /// What the last [`LayoutTree::compute`] laid out (tests and diagnostics).
    last: Relayout,
}

/// What [`LayoutTree::compute`] laid out.
#[derive(Clone, Debug, PartialEq)]
pub enum Relayout {
    /// The whole tree, from the root.
    Full,
    /// Only these relayout boundaries' subtrees (their own boxes did not change).
    Subtrees(Vec<Entity>),
}

impl Default for LayoutTree {
    fn default() -> Self {
        Self {
            pages: Vec::new(),
            styles: vec![StyleEntry { source: None, taffy: taffy::Style::DEFAULT, users: 0 }],
            style_by_source: HashMap::default(),
            free_styles: Vec::new(),
            len: 0,
            dirty_boundaries: Vec::new(),
            root_dirty: true,
            last: Relayout::Full,
        }
    }
}

fn node_id(index: u32) -> NodeId {
    NodeId::from(u64::from(index))
}

fn index_of(node: NodeId) -> u32 {
    u64::from(node) as u32
}

impl LayoutTree {
    fn slot(&self, index: u32) -> &Slot {
        let i = index as usize;
        &self.pages[i / PAGE][i % PAGE]
    }

    fn slot_mut(&mut self, index: u32) -> &mut Slot {
        let i = index as usize;
        &mut self.pages[i / PAGE][i % PAGE]
    }

    /// The slot of a live node.
    fn live(&self, entity: Entity) -> Option<u32> {
        let index = entity.index_u32();
        let page = self.pages.get(index as usize / PAGE)?;
        (page[index as usize % PAGE].entity == Some(entity)).then_some(index)
    }

    /// Whether the node is in the tree.
    pub fn contains(&self, entity: Entity) -> bool {
        self.live(entity).is_some()
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the tree is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn acquire_style(&mut self, style: &Arc<Style>) -> u32 {
        let key = Arc::as_ptr(style) as usize;
        if let Some(&index) = self.style_by_source.get(&key) {
            self.styles[index as usize].users += 1;
            return index;
        }
        let entry = StyleEntry { source: Some(Arc::clone(style)), taffy: style.to_taffy(), users: 1 };
        let index = match self.free_styles.pop() {
            Some(index) => {
                self.styles[index as usize] = entry;
                index
            }
            None => {
                self.styles.push(entry);
                (self.styles.len() - 1) as u32
            }
        };
        self.style_by_source.insert(key, index);
        index
    }

    fn release_style(&mut self, index: u32) {
        if index == DEFAULT_STYLE {
            return;
        }
        let entry = &mut self.styles[index as usize];
        entry.users -= 1;
        if entry.users == 0 {
            if let Some(source) = entry.source.take() {
                self.style_by_source.remove(&(Arc::as_ptr(&source) as usize));
            }
            entry.taffy = taffy::Style::DEFAULT;
            self.free_styles.push(index);
        }
    }

    /// Adds a node (replacing whatever held its slot).
    pub fn insert(&mut self, entity: Entity, style: &Arc<Style>, kind: NodeKind) {
        let index = entity.index_u32();
        let page = index as usize / PAGE;
        while self.pages.len() <= page {
            self.pages.push((0..PAGE).map(|_| Slot::default()).collect());
        }
        if let Some(old) = self.slot(index).entity {
            self.remove(old);
        }
        let style = self.acquire_style(style);
        *self.slot_mut(index) = Slot { entity: Some(entity), style, kind, ..Slot::default() };
        self.len += 1;
    }

    /// Removes a node; its parent is marked for layout. Its children keep their slots until
    /// they are removed themselves (a despawn removes the whole subtree).
    pub fn remove(&mut self, entity: Entity) {
        let Some(index) = self.live(entity) else { return };
        let parent = self.slot(index).parent;
        if parent != NO_PARENT {
            let siblings = &mut self.slot_mut(parent).children;
            siblings.retain(|&c| c != index);
            self.mark_dirty_index(parent);
        }
        for child in std::mem::take(&mut self.slot_mut(index).children) {
            if self.slot(child).parent == index {
                self.slot_mut(child).parent = NO_PARENT;
            }
        }
        let style = self.slot(index).style;
        self.release_style(style);
        *self.slot_mut(index) = Slot::default();
        self.len -= 1;
    }

    /// Changes a node's style.
    pub fn set_style(&mut self, entity: Entity, style: &Arc<Style>) {
        let Some(index) = self.live(entity) else { return };
        let old = self.slot(index).style;
        if self.styles[old as usize].source.as_ref().is_some_and(|s| Arc::ptr_eq(s, style)) {
            return;
        }
        let new = self.acquire_style(style);
        self.release_style(old);
        self.slot_mut(index).style = new;
        // The node's own box may change with its style: its parent lays out again.
        self.slot_mut(index).cache.clear();
        let parent = self.slot(index).parent;
        self.mark_dirty_index(parent);
    }

    /// Changes how a node is measured.
    pub fn set_kind(&mut self, entity: Entity, kind: NodeKind) {
        let Some(index) = self.live(entity) else { return };
        if self.slot(index).kind != kind {
            self.slot_mut(index).kind = kind;
            self.mark_dirty_index(index);
        }
    }

    /// Sets a node's children (those in the tree), in order; marks it for layout if they changed.
    pub fn set_children(&mut self, entity: Entity, children: impl IntoIterator<Item = Entity>) {
        let Some(index) = self.live(entity) else { return };
        let kids: Vec<u32> = children.into_iter().filter_map(|c| self.live(c)).collect();
        if self.slot(index).children == kids {
            return;
        }
        for old in std::mem::take(&mut self.slot_mut(index).children) {
            if self.slot(old).parent == index {
                self.slot_mut(old).parent = NO_PARENT;
            }
        }
        for &kid in &kids {
            let previous = self.slot(kid).parent;
            if previous != NO_PARENT && previous != index {
                self.slot_mut(previous).children.retain(|&c| c != kid);
                self.mark_dirty_index(previous);
            }
            self.slot_mut(kid).parent = index;
        }
        let slot = self.slot_mut(index);
        slot.children = kids;
        slot.children.shrink_to_fit();
        self.mark_dirty_index(index);
    }

    /// Marks a node for layout: its cache and its ancestors' caches are cleared.
    pub fn mark_dirty(&mut self, entity: Entity) {
        if let Some(index) = self.live(entity) {
            self.mark_dirty_index(index);
        }
    }

    /// Marks a node whose content changed (children, measured text or image): its cache and
    /// its ancestors' caches are cleared up to the first relayout boundary, whose box cannot
    /// change, and which is then laid out on its own.
    fn mark_dirty_index(&mut self, mut index: u32) {
        // Always to the root or a boundary: a node skipped by a `display: none` ancestor has an
        // empty cache while its ancestors' are full, so an empty cache does not prove they are
        // dirty.
        while index != NO_PARENT {
            self.slot_mut(index).cache.clear();
            if self.is_boundary(index) {
                self.dirty_boundaries.push(index);
                return;
            }
            index = self.slot(index).parent;
        }
        self.root_dirty = true;
    }

    /// A relayout boundary: a laid-out node whose box does not depend on its content (fixed
    /// width and height, neither growing nor shrinking, not baseline-aligned), so a change
    /// inside it is laid out inside it only.
    fn is_boundary(&self, index: u32) -> bool {
        let slot = self.slot(index);
        if slot.parent == NO_PARENT || slot.unrounded[2] <= 0.0 && slot.unrounded[3] <= 0.0 {
            return false;
        }
        let style = &self.styles[slot.style as usize].taffy;
        let fixed = |d: Dimension| d.tag() == taffy::style::CompactLength::LENGTH_TAG;
        let parent = &self.styles[self.slot(slot.parent).style as usize].taffy;
        fixed(style.size.width)
            && fixed(style.size.height)
            && style.flex_grow == 0.0
            && style.flex_shrink == 0.0
            && style.display != Display::None
            && style.align_self != Some(AlignItems::BASELINE)
            && parent.align_items != AlignItems::BASELINE
            && parent.display != Display::None
    }

    /// Lays out what changed: the whole tree from `root` in `width × height` when a change
    /// reached the root (or `full`), otherwise only the subtrees of the relayout boundaries
    /// whose content changed. Text and image leaves are measured with `measure(entity, kind,
    /// known size, available space)`.
    pub fn compute(
        &mut self,
        root: Entity,
        width: f32,
        height: f32,
        full: bool,
        measure: &mut dyn FnMut(Entity, NodeKind, Size<Option<f32>>, Size<AvailableSpace>) -> Size<f32>,
    ) -> Relayout {
        let scope = self.compute_dirty(root, width, height, full, measure);
        self.last = scope.clone();
        scope
    }

    /// What the last layout laid out.
    pub fn last_relayout(&self) -> &Relayout {
        &self.last
    }

    fn compute_dirty(
        &mut self,
        root: Entity,
        width: f32,
        height: f32,
        full: bool,
        measure: &mut dyn FnMut(Entity, NodeKind, Size<Option<f32>>, Size<AvailableSpace>) -> Size<f32>,
    ) -> Relayout {
        let Some(index) = self.live(root) else { return Relayout::Full };
        let boundaries = std::mem::take(&mut self.dirty_boundaries);
        if full || self.root_dirty || boundaries.is_empty() {
            self.root_dirty = false;
            let space =
                Size { width: AvailableSpace::Definite(width), height: AvailableSpace::Definite(height) };
            compute_root_layout(&mut LayoutView { tree: self, measure }, node_id(index), space);
            return Relayout::Full;
        }
        let mut done = Vec::with_capacity(boundaries.len());
        for boundary in boundaries {
            let Some(entity) = self.slot(boundary).entity else { continue };
            if done.contains(&entity) || self.hidden(boundary) {
                continue;
            }
            let [_, _, w, h] = self.slot(boundary).unrounded;
            let parent = self.slot(boundary).parent;
            let [_, _, pw, ph] = self.slot(parent).unrounded;
            let inputs = LayoutInput {
                run_mode: RunMode::PerformLayout,
                sizing_mode: taffy::SizingMode::InherentSize,
                axis: taffy::RequestedAxis::Both,
                known_dimensions: Size { width: Some(w), height: Some(h) },
                known_dimensions_are_definite: Size { width: true, height: true },
                parent_size: Size { width: Some(pw), height: Some(ph) },
                available_space: Size {
                    width: AvailableSpace::Definite(w),
                    height: AvailableSpace::Definite(h),
                },
                vertical_margins_are_collapsible: Line::FALSE,
            };
            // The boundary keeps its box (and location); its content is laid out in it.
            LayoutView { tree: self, measure }.compute_node(node_id(boundary), inputs, None);
            done.push(entity);
        }
        Relayout::Subtrees(done)
    }

    /// Whether the node or an ancestor is `display: none`.
    fn hidden(&self, mut index: u32) -> bool {
        while index != NO_PARENT {
            if self.styles[self.slot(index).style as usize].taffy.display == Display::None {
                return true;
            }
            index = self.slot(index).parent;
        }
        false
    }

    /// A node's box as taffy computed it (`[x, y, w, h]`, unrounded, relative to its parent).
    pub fn unrounded(&self, entity: Entity) -> Option<[f32; 4]> {
        self.live(entity).map(|i| self.slot(i).unrounded)
    }

    /// A node's unrounded position in the unscrolled page, as last set.
    pub fn cumulative(&self, entity: Entity) -> Option<[f32; 2]> {
        self.live(entity).map(|i| self.slot(i).cumulative)
    }

    /// Records a node's unrounded position in the unscrolled page.
    pub fn set_cumulative(&mut self, entity: Entity, at: [f32; 2]) {
        if let Some(index) = self.live(entity) {
            self.slot_mut(index).cumulative = at;
        }
    }

    fn style(&self, node: NodeId) -> &taffy::Style {
        &self.styles[self.slot(index_of(node)).style as usize].taffy
    }
}

/// The tree as taffy sees it during one layout: the storage plus the leaf measurer.
struct LayoutView<'t> {
    tree: &'t mut LayoutTree,
    measure: &'t mut dyn FnMut(Entity, NodeKind, Size<Option<f32>>, Size<AvailableSpace>) -> Size<f32>,
}

impl LayoutView<'_> {
    fn compute_node(
        &mut self,
        node: NodeId,
        inputs: LayoutInput,
        block_ctx: Option<&mut BlockContext<'_>>,
    ) -> LayoutOutput {
        // An ancestor is `display: none`: so is this subtree.
        if inputs.run_mode == RunMode::PerformHiddenLayout {
            return compute_hidden_layout(self, node);
        }
        compute_cached_layout(self, node, inputs, |view, node, inputs| {
            let slot = view.tree.slot(index_of(node));
            let (kind, entity, has_children) = (slot.kind, slot.entity, !slot.children.is_empty());
            let display = view.tree.style(node).display;
            let mut output = match (display, has_children) {
                (Display::None, _) => compute_hidden_layout(view, node),
                (Display::Block, true) => compute_block_layout(view, node, inputs, block_ctx),
                (Display::Flex, true) => compute_flexbox_layout(view, node, inputs),
                (Display::Grid, true) => compute_grid_layout(view, node, inputs),
                _ => {
                    let style = &view.tree.styles[view.tree.slot(index_of(node)).style as usize].taffy;
                    let measure = &mut *view.measure;
                    compute_leaf_layout(
                        inputs,
                        style,
                        |_, _| 0.0,
                        |known, available| match entity {
                            Some(entity) if kind != NodeKind::Box => measure(entity, kind, known, available),
                            _ => Size::ZERO,
                        },
                    )
                }
            };
            if inputs.run_mode == RunMode::PerformLayout {
                compute_oof_layout(view, node, &mut output);
            }
            output
        })
    }
}

/// Child ids of a node.
struct ChildIds<'a>(std::slice::Iter<'a, u32>);

impl Iterator for ChildIds<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        self.0.next().map(|&i| node_id(i))
    }
}

impl TraversePartialTree for LayoutView<'_> {
    type ChildIter<'a>
        = ChildIds<'a>
    where
        Self: 'a;

    fn child_ids(&self, parent: NodeId) -> Self::ChildIter<'_> {
        ChildIds(self.tree.slot(index_of(parent)).children.iter())
    }

    fn child_count(&self, parent: NodeId) -> usize {
        self.tree.slot(index_of(parent)).children.len()
    }

    fn get_child_id(&self, parent: NodeId, child_index: usize) -> NodeId {
        node_id(self.tree.slot(index_of(parent)).children[child_index])
    }
}

impl taffy::TraverseTree for LayoutView<'_> {}

impl LayoutPartialTree for LayoutView<'_> {
    type CustomIdent = <taffy::Style as taffy::CoreStyle>::CustomIdent;

    type CoreContainerStyle<'a>
        = &'a taffy::Style
    where
        Self: 'a;

    fn get_core_container_style(&self, node: NodeId) -> Self::CoreContainerStyle<'_> {
        self.tree.style(node)
    }

    fn set_unrounded_layout(&mut self, node: NodeId, layout: &Layout) {
        self.tree.slot_mut(index_of(node)).unrounded =
            [layout.location.x, layout.location.y, layout.size.width, layout.size.height];
    }

    fn compute_child_layout(&mut self, node: NodeId, inputs: LayoutInput) -> LayoutOutput {
        self.compute_node(node, inputs, None)
    }
}

impl taffy::LayoutContainingBlock for LayoutView<'_> {
    type OofItemStyle<'a>
        = &'a taffy::Style
    where
        Self: 'a;

    fn get_oof_item_style(&self, node: NodeId) -> Self::OofItemStyle<'_> {
        self.tree.style(node)
    }

    // Hoisted lists serve `round_layout`, which is not used: every node is the containing
    // block of its own absolute children, so the engine's walk of the scene reaches them.
    fn clear_hoisted_children(&mut self, _node: NodeId) {}

    fn add_hoisted_children(&mut self, _node: NodeId, _hoisted: &[NodeId]) {}
}

impl CacheTree for LayoutView<'_> {
    fn cache_get(&mut self, node: NodeId, input: &LayoutInput) -> Option<LayoutOutput> {
        self.tree.slot_mut(index_of(node)).cache.get(input)
    }

    fn cache_store(&mut self, node: NodeId, input: &LayoutInput, output: LayoutOutput) {
        let slot = self.tree.slot_mut(index_of(node));
        if slot.children.is_empty() {
            return;
        }
        slot.cache.store(input, output);
    }

    fn cache_clear(&mut self, node: NodeId) {
        self.tree.slot_mut(index_of(node)).cache.clear();
    }
}

impl LayoutFlexboxContainer for LayoutView<'_> {
    type FlexboxContainerStyle<'a>
        = &'a taffy::Style
    where
        Self: 'a;

    type FlexboxItemStyle<'a>
        = &'a taffy::Style
    where
        Self: 'a;

    fn get_flexbox_container_style(&self, node: NodeId) -> Self::FlexboxContainerStyle<'_> {
        self.tree.style(node)
    }

    fn get_flexbox_child_style(&self, child: NodeId) -> Self::FlexboxItemStyle<'_> {
        self.tree.style(child)
    }
}

impl LayoutGridContainer for LayoutView<'_> {
    type GridContainerStyle<'a>
        = &'a taffy::Style
    where
        Self: 'a;

    type GridItemStyle<'a>
        = &'a taffy::Style
    where
        Self: 'a;

    fn get_grid_container_style(&self, node: NodeId) -> Self::GridContainerStyle<'_> {
        self.tree.style(node)
    }

    fn get_grid_child_style(&self, child: NodeId) -> Self::GridItemStyle<'_> {
        self.tree.style(child)
    }
}

impl LayoutBlockContainer for LayoutView<'_> {
    type BlockContainerStyle<'a>
        = &'a taffy::Style
    where
        Self: 'a;

    type BlockItemStyle<'a>
        = &'a taffy::Style
    where
        Self: 'a;

    fn get_block_container_style(&self, node: NodeId) -> Self::BlockContainerStyle<'_> {
        self.tree.style(node)
    }

    fn get_block_child_style(&self, child: NodeId) -> Self::BlockItemStyle<'_> {
        self.tree.style(child)
    }

    fn compute_block_child_layout(
        &mut self,
        node: NodeId,
        inputs: LayoutInput,
        block_ctx: Option<&mut BlockContext<'_>>,
    ) -> LayoutOutput {
        self.compute_node(node, inputs, block_ctx)
    }
}
