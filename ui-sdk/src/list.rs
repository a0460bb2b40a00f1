//! Keyed lists: [`For`] shows one view per item and, when the items change, adds, removes
//! and moves item views by key instead of rebuilding them. Each item has its own scope,
//! disposed when the item leaves.

use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;

use crate::reactive::{Scope, ScopeGuard, child_scope, untrack};
use crate::view::{IntoView, View};

/// Identifies one item view for the life of a list (keys are the page's; ids are ours).
pub(crate) type ItemId = u64;

/// What changed in a list since its last update.
#[derive(Default)]
pub(crate) struct ListUpdate {
    /// Items gone: their nodes are despawned (their scopes are already disposed).
    pub removed: Vec<ItemId>,
    /// New items, their views, and the scope to mount them in.
    pub added: Vec<(ItemId, View, Scope)>,
    /// Every item, in its new order.
    pub order: Vec<ItemId>,
}

/// A keyed list before it is mounted: diffs its items each time its signals change.
pub struct ListView {
    pub(crate) diff: Box<dyn FnMut(Scope) -> ListUpdate>,
}

/// A keyed list view: `each` gives the items (read in a tracked context), `key` names an item
/// across changes, `view` builds an item's view once, in the item's own scope. Items with a
/// key seen earlier in the same list are shown once.
pub fn keyed<T, K, V>(
    each: impl Fn() -> Vec<T> + 'static,
    key: impl Fn(&T) -> K + 'static,
    view: impl Fn(T) -> V + 'static,
) -> View
where
    T: 'static,
    K: Eq + Hash + 'static,
    V: IntoView,
{
    let mut items: HashMap<K, (ItemId, ScopeGuard)> = HashMap::new();
    let mut next_id: ItemId = 0;
    let diff = move |owner: Scope| {
        let list = each();
        untrack(|| {
            let mut update = ListUpdate { order: Vec::with_capacity(list.len()), ..ListUpdate::default() };
            let mut kept: HashMap<K, (ItemId, ScopeGuard)> = HashMap::with_capacity(list.len());
            for item in list {
                let k = key(&item);
                if kept.contains_key(&k) {
                    continue;
                }
                let entry = match items.remove(&k) {
                    Some(entry) => entry,
                    None => {
                        let Some((view, guard)) = owner.run(|| child_scope(|| view(item).into_view())) else {
                            continue;
                        };
                        next_id += 1;
                        update.added.push((next_id, view, guard.scope()));
                        (next_id, guard)
                    }
                };
                update.order.push(entry.0);
                kept.insert(k, entry);
            }
            // Dropping a guard disposes the item's scope: its effects stop at once.
            update.removed = items.drain().map(|(_, (id, _guard))| id).collect();
            items = kept;
            update
        })
    };
    View::List(Box::new(ListView { diff: Box::new(diff) }))
}

/// Props of [`For`].
#[derive(crate::__private::TypedBuilder)]
#[builder(crate_module_path = crate::__private::typed_builder)]
pub struct ForProps<T, K, V, E, KF, VF>
where
    E: Fn() -> Vec<T> + 'static,
    KF: Fn(&T) -> K + 'static,
    VF: Fn(T) -> V + 'static,
{
    /// The items, read in a tracked context: `{move || matches.get()}`.
    each: E,
    /// An item's key: `{|m: &Match| m.id}`.
    key: KF,
    /// An item's view, built once per key.
    view: VF,
    #[builder(default, setter(skip))]
    _types: PhantomData<fn(T) -> (K, V)>,
}

/// A keyed list: `<For each={move || items.get()} key={|i: &Item| i.id} view={|i: Item| ...} />`.
/// Reordering moves nodes; only new keys build views.
#[allow(non_snake_case)]
pub fn For<T, K, V, E, KF, VF>(props: ForProps<T, K, V, E, KF, VF>) -> View
where
    T: 'static,
    K: Eq + Hash + 'static,
    V: IntoView,
    E: Fn() -> Vec<T> + 'static,
    KF: Fn(&T) -> K + 'static,
    VF: Fn(T) -> V + 'static,
{
    keyed(props.each, props.key, props.view)
}
