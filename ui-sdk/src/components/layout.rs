//! `Row`, `Column` and `Grid`: containers spaced by the theme.
//!
//! ```ignore
//! view! {
//!     <Column padding=48.0>
//!         <Text variant=TextVariant::Heading>"Highlights"</Text>
//!         <Row align=Align::Center>{tiles}</Row>
//!         <Grid columns=4>{cards}</Grid>
//!     </Column>
//! }
//! ```
//!
//! Spacing is read when the container is built (elements take gaps and padding fixed; the
//! built-in themes share their spacing).

use crate::prelude::*;
use crate::theme::use_theme;

/// The gap to use: the one given, or the theme's medium spacing.
fn gap_or_theme(gap: Option<f32>) -> f32 {
    gap.unwrap_or_else(|| use_theme().with_untracked(|t| t.spacing.md))
}

/// Children left to right, `gap` apart (the theme's medium spacing by default).
#[component]
pub fn Row(
    /// Space between children in pixels (the theme's medium spacing by default).
    #[prop(optional)]
    gap: Option<f32>,
    /// Inner spacing on every side, in pixels.
    #[prop(optional)]
    padding: f32,
    /// Cross-axis (vertical) alignment of the children.
    #[prop(optional)]
    align: Align,
    /// Main-axis (horizontal) distribution of the children.
    #[prop(optional)]
    justify: Align,
    /// Children wrap onto new lines when they do not fit.
    #[prop(optional)]
    wrap: bool,
    /// Width (automatic by default).
    #[prop(optional, into)]
    width: Length,
    /// Height (automatic by default).
    #[prop(optional, into)]
    height: Length,
    /// The children.
    #[prop(optional)]
    children: Children,
) -> View {
    let gap = gap_or_theme(gap);
    view! {
        <row gap=gap padding=padding align=align justify=justify wrap=wrap width=width height=height>
            {children.build()}
        </row>
    }
}

/// Children top to bottom, `gap` apart (the theme's medium spacing by default).
#[component]
pub fn Column(
    /// Space between children in pixels (the theme's medium spacing by default).
    #[prop(optional)]
    gap: Option<f32>,
    /// Inner spacing on every side, in pixels.
    #[prop(optional)]
    padding: f32,
    /// Cross-axis (horizontal) alignment of the children.
    #[prop(optional)]
    align: Align,
    /// Main-axis (vertical) distribution of the children.
    #[prop(optional)]
    justify: Align,
    /// Width (automatic by default).
    #[prop(optional, into)]
    width: Length,
    /// Height (automatic by default).
    #[prop(optional, into)]
    height: Length,
    /// The children.
    #[prop(optional)]
    children: Children,
) -> View {
    let gap = gap_or_theme(gap);
    view! {
        <column gap=gap padding=padding align=align justify=justify width=width height=height>
            {children.build()}
        </column>
    }
}

/// Children on a grid of `columns` equal columns (`1fr` each), filled row by row, `gap` apart
/// both ways (the theme's medium spacing by default).
#[component]
pub fn Grid(
    /// How many equal columns (at least one).
    columns: usize,
    /// Space between cells in pixels, both ways (the theme's medium spacing by default).
    #[prop(optional)]
    gap: Option<f32>,
    /// Inner spacing on every side, in pixels.
    #[prop(optional)]
    padding: f32,
    /// Alignment of each child in its cell, vertically (stretched by default).
    #[prop(optional)]
    align: Align,
    /// Width (automatic by default).
    #[prop(optional, into)]
    width: Length,
    /// Height (automatic by default).
    #[prop(optional, into)]
    height: Length,
    /// The children, one per cell.
    #[prop(optional)]
    children: Children,
) -> View {
    let gap = gap_or_theme(gap);
    let template = format!("repeat({}, 1fr)", columns.max(1));
    view! {
        <grid columns={template.as_str()} gap=gap padding=padding align=align width=width height=height>
            {children.build()}
        </grid>
    }
}
