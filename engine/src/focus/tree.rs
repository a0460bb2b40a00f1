//! The focus tree: focusable nodes and scopes in tree order, and the move algorithm of
//! `docs/focus.md` (overrides, search inside the scope first, wrap, boundaries, climbing,
//! entering with index alignment, memory and preferred nodes).
//!
//! The tree is a snapshot rebuilt when layout or the focusable set changes. Subtrees are
//! contiguous slot ranges, so "the focusable descendants of a scope" is a slice and a key
//! press costs one pass over it.

use std::collections::HashMap;
use std::hash::Hash;

use thiserror::Error;

use super::geometry::{Direction, DirectionSet, FocusRect};
use super::profile::ScoringProfile;

const NONE: u32 = u32::MAX;

/// What a scope does with focus. The default is a plain scope: searched first, left freely.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeRules {
    /// Directions in which focus never leaves the scope.
    pub boundary: DirectionSet,
    /// Entering again lands on the node that last had focus inside.
    pub remember: bool,
    /// Slot of the node entering lands on when nothing is remembered.
    pub preferred: Option<usize>,
    /// Directions in which the search restarts from the opposite edge.
    pub wrap: DirectionSet,
    /// Moving between two index-aligned scopes keeps the visible index.
    pub index_align: bool,
    /// The scope is laid out right to left (reading order runs from the right).
    pub rtl: bool,
}

/// Why a tree could not be built.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum FocusTreeError {
    /// A node named a parent that was not pushed before it, or that closed already (the
    /// nodes must come in depth-first order).
    #[error(
        "node {slot} names parent {parent}, which is not an open ancestor (nodes must be pushed depth first)"
    )]
    NotDepthFirst {
        /// The node.
        slot: usize,
        /// Its parent.
        parent: usize,
    },
    /// A slot out of range.
    #[error("slot {0} is not in the tree")]
    NoSuchSlot(usize),
}

/// Builds a [`FocusTree`] from nodes pushed in depth-first order.
#[derive(Debug)]
pub struct FocusTreeBuilder<K> {
    tree: FocusTree<K>,
    open: Vec<u32>,
}

impl<K: Copy + Eq + Hash> Default for FocusTreeBuilder<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Copy + Eq + Hash> FocusTreeBuilder<K> {
    /// An empty builder.
    pub fn new() -> Self {
        Self { tree: FocusTree::empty(), open: Vec::new() }
    }

    /// Adds a node under `parent` (a slot returned earlier, still open) and returns its slot.
    pub fn push(
        &mut self,
        key: K,
        rect: FocusRect,
        parent: Option<usize>,
        focusable: bool,
    ) -> Result<usize, FocusTreeError> {
        let slot = self.tree.keys.len();
        let parent_slot = match parent {
            Some(p) => {
                let p32 = u32::try_from(p).map_err(|_| FocusTreeError::NoSuchSlot(p))?;
                while self.open.last().is_some_and(|&top| top != p32) {
                    self.open.pop();
                }
                if self.open.is_empty() {
                    return Err(FocusTreeError::NotDepthFirst { slot, parent: p });
                }
                p32
            }
            None => {
                self.open.clear();
                NONE
            }
        };
        let t = &mut self.tree;
        t.keys.push(key);
        t.rects.push(rect);
        t.parents.push(parent_slot);
        t.ends.push(0);
        t.scope_of.push(NONE);
        t.focusable.push(focusable);
        t.slot_of.insert(key, slot as u32);
        self.open.push(slot as u32);
        Ok(slot)
    }

    /// The slot of a key pushed so far.
    pub fn slot(&self, key: K) -> Option<usize> {
        self.tree.slot(key)
    }

    /// Sets the rules of the scope at `slot`.
    pub fn set_scope(&mut self, slot: usize, rules: ScopeRules) -> Result<(), FocusTreeError> {
        let s = self.tree.scope_of.get_mut(slot).ok_or(FocusTreeError::NoSuchSlot(slot))?;
        *s = self.tree.scopes.len() as u32;
        self.tree.scopes.push(rules);
        Ok(())
    }

    /// Says which item the node at `slot` shows: a virtualized list recycles nodes, and memory
    /// follows the item, not the node.
    pub fn set_item_key(&mut self, slot: usize, item: u64) -> Result<(), FocusTreeError> {
        if slot >= self.tree.keys.len() {
            return Err(FocusTreeError::NoSuchSlot(slot));
        }
        self.tree.items.insert(slot as u32, item);
        Ok(())
    }

    /// Sends focus from `slot` to `target` in `dir`.
    pub fn set_override(&mut self, slot: usize, dir: Direction, target: usize) -> Result<(), FocusTreeError> {
        let len = self.tree.keys.len();
        if slot >= len || target >= len {
            return Err(FocusTreeError::NoSuchSlot(slot.max(target)));
        }
        self.tree.overrides.entry(slot as u32).or_insert([NONE; 4])[dir.index()] = target as u32;
        Ok(())
    }

    /// The finished tree.
    pub fn build(mut self) -> FocusTree<K> {
        let t = &mut self.tree;
        let n = t.keys.len();
        // Subtree ends: a node's subtree runs until the next node that is not its descendant.
        let mut stack: Vec<usize> = Vec::new();
        for slot in 0..n {
            let parent = t.parents[slot];
            while let Some(&top) = stack.last() {
                if parent != NONE && top == parent as usize {
                    break;
                }
                t.ends[top] = slot as u32;
                stack.pop();
            }
            stack.push(slot);
        }
        for top in stack {
            t.ends[top] = n as u32;
        }
        t.focus_prefix = Vec::with_capacity(n + 1);
        for slot in 0..n {
            t.focus_prefix.push(t.candidates.len() as u32);
            if t.focusable[slot] {
                t.candidates.push((slot, t.rects[slot]));
            }
        }
        t.focus_prefix.push(t.candidates.len() as u32);
        self.tree
    }
}

/// Focusable nodes and scopes in tree order; see the module docs.
#[derive(Debug)]
pub struct FocusTree<K> {
    keys: Vec<K>,
    rects: Vec<FocusRect>,
    parents: Vec<u32>,
    ends: Vec<u32>,
    scope_of: Vec<u32>,
    focusable: Vec<bool>,
    scopes: Vec<ScopeRules>,
    overrides: HashMap<u32, [u32; 4]>,
    /// Which item a recycled node shows (virtualized lists), by slot.
    items: HashMap<u32, u64>,
    slot_of: HashMap<K, u32>,
    /// Focusable slots and rectangles in tree order: a subtree's are a contiguous run.
    candidates: Vec<(usize, FocusRect)>,
    /// For each slot, the index in `candidates` of the first focusable at or after it.
    focus_prefix: Vec<u32>,
}

/// The nodes that last had focus inside each remembering scope, by key (it outlives trees),
/// with the item they showed when they are recycled nodes.
#[derive(Debug)]
pub struct FocusMemory<K> {
    last: HashMap<K, (K, Option<u64>)>,
}

impl<K> Default for FocusMemory<K> {
    fn default() -> Self {
        Self { last: HashMap::new() }
    }
}

impl<K: Copy + Eq + Hash> FocusMemory<K> {
    /// Records that `slot` took focus in every remembering scope that holds it.
    pub fn record(&mut self, tree: &FocusTree<K>, slot: usize) {
        let entry = (tree.keys[slot], tree.item_key(slot));
        let mut at = tree.parents[slot];
        while at != NONE {
            if tree.rules(at as usize).is_some_and(|r| r.remember) {
                self.last.insert(tree.keys[at as usize], entry);
            }
            at = tree.parents[at as usize];
        }
    }

    /// The node remembered for the scope `scope`, and the item it showed.
    pub fn remembered(&self, scope: K) -> Option<(K, Option<u64>)> {
        self.last.get(&scope).copied()
    }

    /// Forgets a scope (when it is removed).
    pub fn forget(&mut self, scope: K) {
        self.last.remove(&scope);
    }
}

impl<K: Copy + Eq + Hash> FocusTree<K> {
    fn empty() -> Self {
        Self {
            keys: Vec::new(),
            rects: Vec::new(),
            parents: Vec::new(),
            ends: Vec::new(),
            scope_of: Vec::new(),
            focusable: Vec::new(),
            scopes: Vec::new(),
            overrides: HashMap::new(),
            items: HashMap::new(),
            slot_of: HashMap::new(),
            candidates: Vec::new(),
            focus_prefix: vec![0],
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the tree has no node.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Number of focusable nodes.
    pub fn focusable_count(&self) -> usize {
        self.candidates.len()
    }

    /// The slot of a key.
    pub fn slot(&self, key: K) -> Option<usize> {
        self.slot_of.get(&key).map(|&s| s as usize)
    }

    /// The key at a slot.
    pub fn key(&self, slot: usize) -> K {
        self.keys[slot]
    }

    /// The rectangle at a slot.
    pub fn rect(&self, slot: usize) -> FocusRect {
        self.rects[slot]
    }

    /// Whether the node at `slot` can take focus.
    pub fn is_focusable(&self, slot: usize) -> bool {
        self.focusable.get(slot).copied().unwrap_or(false)
    }

    /// The item the node at `slot` shows, when it is a recycled node.
    pub fn item_key(&self, slot: usize) -> Option<u64> {
        self.items.get(&(slot as u32)).copied()
    }

    /// The focusable inside `scope` showing `item`.
    pub fn slot_showing(&self, scope: Option<usize>, item: u64) -> Option<usize> {
        self.focusables_in(scope).iter().map(|&(s, _)| s).find(|&s| self.item_key(s) == Some(item))
    }

    /// The parent slot.
    pub fn parent(&self, slot: usize) -> Option<usize> {
        let p = self.parents[slot];
        (p != NONE).then_some(p as usize)
    }

    /// The rules of the scope at `slot`, when it is one with rules.
    pub fn rules(&self, slot: usize) -> Option<&ScopeRules> {
        let s = self.scope_of[slot];
        (s != NONE).then(|| &self.scopes[s as usize])
    }

    /// Whether `node` lies inside `ancestor`'s subtree (a node is inside itself).
    pub fn is_inside(&self, node: usize, ancestor: usize) -> bool {
        ancestor <= node && node < self.ends[ancestor] as usize
    }

    /// The first focusable node in tree order.
    pub fn first_focusable(&self) -> Option<usize> {
        self.candidates.first().map(|&(slot, _)| slot)
    }

    /// Focusable nodes inside `scope` (all of them for `None`), in tree order.
    pub fn focusables_in(&self, scope: Option<usize>) -> &[(usize, FocusRect)] {
        match scope {
            None => &self.candidates,
            Some(s) => {
                let lo = self.focus_prefix[s + 1] as usize;
                let hi = self.focus_prefix[self.ends[s] as usize] as usize;
                &self.candidates[lo..hi]
            }
        }
    }

    /// Whether the node is right to left: some scope holding it is.
    pub fn is_rtl(&self, slot: usize) -> bool {
        let mut at = self.parents[slot];
        while at != NONE {
            if self.rules(at as usize).is_some_and(|r| r.rtl) {
                return true;
            }
            at = self.parents[at as usize];
        }
        false
    }

    /// Mirrors the rectangles inside right-to-left scopes within the outermost such scope, as
    /// layout does for authored (left-to-right) positions. Case files are written that way.
    pub fn mirror_rtl_scopes(&mut self) {
        for slot in 0..self.len() {
            if !self.rules(slot).is_some_and(|r| r.rtl)
                || self.parent(slot).is_some_and(|p| self.is_rtl_or_self(p))
            {
                continue;
            }
            let frame = self.rects[slot];
            for inner in slot + 1..self.ends[slot] as usize {
                self.rects[inner] = self.rects[inner].mirrored_in(&frame);
            }
        }
        for c in &mut self.candidates {
            c.1 = self.rects[c.0];
        }
    }

    fn is_rtl_or_self(&self, slot: usize) -> bool {
        self.rules(slot).is_some_and(|r| r.rtl) || self.is_rtl(slot)
    }

    /// Where focus goes from `from` in `dir`, or `None` when it stays.
    pub fn navigate(
        &self,
        profile: &dyn ScoringProfile,
        memory: &FocusMemory<K>,
        from: usize,
        dir: Direction,
    ) -> Option<usize> {
        (from < self.len()).then(|| Move { tree: self, profile, memory, from, dir }.run()).flatten()
    }

    /// The override of `slot` in `dir`.
    fn override_target(&self, slot: usize, dir: Direction) -> Option<usize> {
        let t = self.overrides.get(&(slot as u32))?[dir.index()];
        (t != NONE).then_some(t as usize)
    }

    /// The visible focusables of `scope` in reading order.
    pub fn visible_in_reading_order(&self, scope: usize) -> Vec<usize> {
        let frame = self.rects[scope];
        let mut visible: Vec<(usize, FocusRect)> =
            self.focusables_in(Some(scope)).iter().copied().filter(|(_, r)| r.intersects(&frame)).collect();
        let spread = |f: fn(&FocusRect) -> i32| {
            let (lo, hi) =
                visible.iter().fold((i32::MAX, i32::MIN), |(lo, hi), (_, r)| (lo.min(f(r)), hi.max(f(r))));
            i64::from(hi) - i64::from(lo)
        };
        let horizontal = spread(|r| r.left + r.width() / 2) >= spread(|r| r.top + r.height() / 2);
        let rtl = self.rules(scope).is_some_and(|r| r.rtl) || self.is_rtl(scope);
        // Stable sorts keep tree order between equals.
        if !horizontal {
            visible.sort_by_key(|(_, r)| r.top);
        } else if rtl {
            visible.sort_by_key(|(_, r)| std::cmp::Reverse(r.right));
        } else {
            visible.sort_by_key(|(_, r)| r.left);
        }
        visible.into_iter().map(|(slot, _)| slot).collect()
    }

    /// Index alignment: `from`'s visible index in its aligned scope, taken into `scope`.
    fn index_aligned(&self, scope: usize, from: usize) -> Option<usize> {
        let own = self.parent(from).filter(|&p| self.rules(p).is_some_and(|r| r.index_align))?;
        let index = self.visible_in_reading_order(own).iter().position(|&s| s == from)?;
        let targets = self.visible_in_reading_order(scope);
        targets.get(index.min(targets.len().checked_sub(1)?)).copied()
    }
}

/// One move being worked out: the tree, the rules that score it, and where it starts.
struct Move<'a, K> {
    tree: &'a FocusTree<K>,
    profile: &'a dyn ScoringProfile,
    memory: &'a FocusMemory<K>,
    from: usize,
    dir: Direction,
}

impl<K: Copy + Eq + Hash> Move<'_, K> {
    /// Steps 1 to 4 of `docs/focus.md`.
    fn run(&self) -> Option<usize> {
        let (tree, dir) = (self.tree, self.dir);
        // An override that leads nowhere focusable is ignored.
        if let Some(to) = tree.override_target(self.from, dir).and_then(|t| self.enter(t)) {
            return Some(to);
        }
        let source = tree.rects[self.from];
        let mut scope = tree.parent(self.from);
        loop {
            if let Some(winner) = self.search(scope, &source, false) {
                return Some(self.entered_winner(winner, scope));
            }
            let s = scope?;
            let rules = tree.rules(s);
            if rules.is_some_and(|r| r.wrap.contains(dir)) {
                let wrapped = source.wrapped_into(&tree.rects[s], dir);
                // Wrapping back onto `from` itself (nothing else in its row or column) is no
                // wrap: the move goes on as if the scope did not wrap.
                if let Some(winner) = self.search(scope, &wrapped, true).filter(|&w| w != self.from) {
                    return Some(self.entered_winner(winner, scope));
                }
            }
            if rules.is_some_and(|r| r.boundary.contains(dir)) {
                return None;
            }
            if let Some(to) = tree.override_target(s, dir).and_then(|t| self.enter(t)) {
                return Some(to);
            }
            scope = tree.parent(s);
        }
    }

    /// The profile's pick among the focusables of `scope`, never `from`'s ancestors, and
    /// `from` itself only when `include_from` (wrapping).
    fn search(&self, scope: Option<usize>, source: &FocusRect, include_from: bool) -> Option<usize> {
        let (ends, from) = (&self.tree.ends, self.from);
        // An ancestor of `from` starts before it and ends after it.
        let excluded = |slot: usize| {
            if slot == from { !include_from } else { slot < from && ends[slot] as usize > from }
        };
        self.profile.pick(source, self.dir, self.tree.focusables_in(scope), &excluded)
    }

    /// Focus arriving at `target` (an override or a preferred node): a focusable node is
    /// taken, a scope entered. `None` when it leads nowhere focusable.
    fn enter(&self, target: usize) -> Option<usize> {
        let tree = self.tree;
        if tree.is_focusable(target) {
            return Some(target);
        }
        if tree.ends[target] as usize == target + 1 {
            return None;
        }
        // A scope: its own rules, else the best of it from where focus is, else its first.
        if let Some(chosen) = self.scope_choice(target) {
            return Some(chosen);
        }
        self.search(Some(target), &tree.rects[self.from], false)
            .or_else(|| tree.focusables_in(Some(target)).first().map(|&(s, _)| s))
    }

    /// What `scope` says about being entered, if anything.
    fn scope_choice(&self, scope: usize) -> Option<usize> {
        let tree = self.tree;
        let rules = tree.rules(scope)?;
        if rules.index_align
            && let Some(aligned) = tree.index_aligned(scope, self.from)
        {
            return Some(aligned);
        }
        if rules.remember
            && let Some(slot) = self.remembered_in(scope)
        {
            return Some(slot);
        }
        let preferred =
            rules.preferred.filter(|&p| p < tree.len() && tree.is_inside(p, scope) && p != scope)?;
        self.enter(preferred)
    }

    /// The remembered node of `scope`, still focusable inside it. A remembered item is looked
    /// up by item (its node may show another one now); an item no longer shown is forgotten.
    fn remembered_in(&self, scope: usize) -> Option<usize> {
        let tree = self.tree;
        let (node, item) = self.memory.remembered(tree.keys[scope])?;
        let slot = match item {
            Some(item) => tree.slot_showing(Some(scope), item)?,
            None => tree.slot(node)?,
        };
        (tree.is_focusable(slot) && tree.is_inside(slot, scope)).then_some(slot)
    }

    /// The winner of a search in `searched`, after the scopes it lies in (and `from` does not)
    /// had their say, outermost first.
    fn entered_winner(&self, winner: usize, searched: Option<usize>) -> usize {
        let tree = self.tree;
        let mut path = Vec::new();
        let mut at = tree.parents[winner];
        while at != NONE && Some(at as usize) != searched {
            path.push(at as usize);
            at = tree.parents[at as usize];
        }
        path.iter()
            .rev()
            .filter(|&&scope| !tree.is_inside(self.from, scope))
            .find_map(|&scope| self.scope_choice(scope))
            .unwrap_or(winner)
    }
}
