//! `Rail`: a horizontal, virtualized list of tiles. A rail of 10,000 items mounts a pool of
//! tiles for the ones in view and recycles them as focus moves: each tile is built once, for
//! a slot, and shows whichever item its slot stands for (a `Memo<usize>`); spacers stand for
//! the items on either side. Focus and the rail's focus memory follow the item, not the tile.

use std::marker::PhantomData;

use crate::prelude::*;
use crate::theme::use_theme;

/// Props of [`Rail`].
#[derive(crate::__private::TypedBuilder)]
#[builder(crate_module_path = crate::__private::typed_builder)]
pub struct RailProps<V, C>
where
    V: Fn(Memo<usize>) -> C + 'static,
{
    /// How many items the rail lists.
    count: usize,
    /// A tile's width in pixels.
    item_width: f32,
    /// A tile's height in pixels.
    item_height: f32,
    /// A tile's content, given the index of the item it shows (it changes as tiles recycle).
    view: V,
    /// Space between tiles (the theme's `md` when not given).
    #[builder(default, setter(strip_option))]
    gap: Option<f32>,
    /// Tiles mounted: enough to fill the rail's width plus one on each side.
    #[builder(default = 12)]
    pool: usize,
    /// OK on a tile: the item's index.
    #[builder(default, setter(transform = |f: impl Fn(usize) + 'static| Some(Callback::new(f))))]
    on_select: Option<Callback<usize>>,
    /// Focus reached a tile: the item's index.
    #[builder(default, setter(transform = |f: impl Fn(usize) + 'static| Some(Callback::new(f))))]
    on_focus_item: Option<Callback<usize>>,
    /// What the rail is called, for a screen reader.
    #[builder(default, setter(into))]
    label: String,
    #[builder(default, setter(skip))]
    _types: PhantomData<fn() -> C>,
}

/// A virtualized horizontal list: `count` items, `pool` tiles mounted. It stretches across its
/// parent (put it in a column), reaching into the parent's padding by as much as a focused tile
/// grows, so that the first tile is not clipped when it has the focus. Down and up from a
/// rail land on the tile at the same place in the next (index alignment); a rail remembers
/// its item when focus comes back; it scrolls (animated) to keep focus in view.
#[allow(non_snake_case)]
pub fn Rail<V, C>(props: RailProps<V, C>) -> View
where
    V: Fn(Memo<usize>) -> C + 'static,
    C: IntoView,
{
    let RailProps {
        count, item_width, item_height, view, gap, pool, on_select, on_focus_item, label, ..
    } = props;
    let theme = use_theme();
    let t = theme.get_untracked();
    let gap = gap.unwrap_or(t.spacing.md);
    let pool = pool.clamp(1, count.max(1)).min(count);
    let step = item_width + gap;
    // Focus scales a tile about its centre, so the first tile grows past the rail's left edge:
    // the rail reaches that far into its parent's margin on both sides and pads it back, and
    // the grown tile is not clipped (its siblings stay where they were).
    let bleed = (item_width * (t.focus.scale - 1.0) / 2.0).max(0.0).ceil();
    // The first item the pool shows: the focused item stays a few tiles from the left edge.
    let lead = pool.saturating_sub(1) / 2;
    let first = signal(0usize);
    let window_start = move |item: usize| item.saturating_sub(lead).min(count - pool);
    let tiles: Vec<View> = (0..pool)
        .map(|slot| {
            let item = memo(move || first.get() + slot);
            let focused = signal(false);
            let (on_select, on_focus_item) = (on_select.clone(), on_focus_item.clone());
            let content = view(item).into_view();
            view! {
                <column focusable role=Role::Tile item_key={move || item.get() as u64}
                        width={item_width} height={item_height} shrink=0 radius={t.radius.md}
                        border_width={t.focus.ring_width} padding={t.focus.ring_width}
                        focus_color={Color::TRANSPARENT}
                        transition={t.focus.transition} clip
                        background={move || theme.with(|t| t.colors.surface)}
                        border_color={move || if focused.get() { theme.with(|t| t.focus.ring) } else { Color::TRANSPARENT }}
                        scale={move || if focused.get() { theme.with(|t| t.focus.scale) } else { 1.0 }}
                        on_focus={move || {
                            focused.set(true);
                            let at = item.get_untracked();
                            first.set(window_start(at));
                            if let Some(cb) = &on_focus_item { cb.call(at) }
                        }}
                        on_blur={move || focused.set(false)}
                        on_select={move || if let Some(cb) = &on_select { cb.call(item.get_untracked()) }}>
                    {content}
                </column>
            }
        })
        .collect();
    view! {
        <row index_align remember item_count={count} label={&label} overflow=Overflow::Scroll
             reveal_padding={t.spacing.xl} margin_x={-bleed} padding_x={bleed} padding_y={t.spacing.sm} gap={gap}>
            <r#box shrink=0 width_px={move || first.get() as f32 * step - gap} visible={move || first.get() > 0} />
            {tiles}
            <r#box shrink=0 width_px={move || (count - pool - first.get()) as f32 * step - gap}
                   visible={move || first.get() + pool < count} />
        </row>
    }
}
