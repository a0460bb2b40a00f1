//! The match catalog, fetched at run time from where the host serves it: `catalog/` under the
//! host's asset root (or its origin), written by `touchline-matchdata` (docs/match-data.md).
//! Examples and tests point pages at a fixture copy with [`provide_catalog`].

use touchline_catalog::{Catalog, MatchDetails};
use touchline_ui::{Color, FetchError, fetch_json, provide_context, use_context};

/// Where the catalog is: the URL its relative paths are joined to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogSource {
    base: String,
}

impl Default for CatalogSource {
    fn default() -> Self {
        Self::new("catalog/")
    }
}

impl CatalogSource {
    /// The catalog under `base` (ending in `/`, or one is added).
    pub fn new(base: impl Into<String>) -> Self {
        let mut base = base.into();
        if !base.is_empty() && !base.ends_with('/') {
            base.push('/');
        }
        Self { base }
    }

    /// A catalog path (`matches/x/thumbnail.png`) as a URL the host can load.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Fetches `catalog.json`.
    pub async fn catalog(self) -> Result<Catalog, FetchError> {
        fetch_json(self.url("catalog.json")).await
    }

    /// Fetches a match's details (`path` as the catalog gives it).
    pub async fn details(self, path: String) -> Result<MatchDetails, FetchError> {
        fetch_json(self.url(&path)).await
    }
}

/// Makes pages under this scope read the catalog at `base`.
pub fn provide_catalog(base: impl Into<String>) {
    provide_context(CatalogSource::new(base));
}

/// The catalog pages under this scope read (`catalog/` unless provided).
pub fn use_catalog() -> CatalogSource {
    use_context::<CatalogSource>().unwrap_or_default()
}

/// A catalog colour (`#rrggbb`); `None` when it is not one.
pub fn kit_color(text: &str) -> Option<Color> {
    let hex = text.strip_prefix('#').filter(|hex| hex.len() == 6)?;
    u32::from_str_radix(hex, 16).ok().map(Color::hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_the_base() {
        assert_eq!(CatalogSource::default().url("catalog.json"), "catalog/catalog.json");
        assert_eq!(CatalogSource::new("examples/catalog").url("m/t.png"), "examples/catalog/m/t.png");
        assert_eq!(CatalogSource::new("").url("catalog.json"), "catalog.json");
    }

    #[test]
    fn kit_colours_are_six_hex_digits() {
        assert_eq!(kit_color("#e4070c"), Some(Color::hex(0xe4070c)));
        assert_eq!(kit_color("e4070c"), None);
        assert_eq!(kit_color("#e407"), None);
        assert_eq!(kit_color("#zz070c"), None);
    }
}
