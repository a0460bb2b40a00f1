//! The match catalog, fetched at run time from where the host serves it: `catalog/` under the
//! host's asset root (or its origin), written by `touchline-matchdata` (docs/match-data.md).
//! Examples and tests point pages at a fixture copy with [`provide_catalog`].

use touchline_catalog::{Catalog, MatchDetails, details_path};
use touchline_ui::{Color, FetchError, fetch_json, provide_context, use_context};

/// Where the catalog is: the URL its relative paths are joined to, and the one its videos'
/// paths are joined to (the same unless they come from elsewhere: a video CDN, or videos
/// rendered for the examples).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogSource {
    base: String,
    videos: String,
}

impl Default for CatalogSource {
    fn default() -> Self {
        Self::new("catalog/")
    }
}

impl CatalogSource {
    /// The catalog under `base` (ending in `/`, or one is added).
    pub fn new(base: impl Into<String>) -> Self {
        let base = directory(base.into());
        Self { videos: base.clone(), base }
    }

    /// The same catalog, its videos under `base`.
    pub fn with_videos(self, base: impl Into<String>) -> Self {
        Self { videos: directory(base.into()), ..self }
    }

    /// A catalog path (`matches/x/thumbnail.png`) as a URL the host can load.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A video's catalog path (`matches/x/video.webm`) as a URL the host can play.
    pub fn video_url(&self, path: &str) -> String {
        format!("{}{path}", self.videos)
    }

    /// Fetches `catalog.json`.
    pub async fn catalog(self) -> Result<Catalog, FetchError> {
        fetch_json(self.url("catalog.json")).await
    }

    /// Fetches a match's details (`path` as the catalog gives it).
    pub async fn details(self, path: String) -> Result<MatchDetails, FetchError> {
        fetch_json(self.url(&path)).await
    }

    /// Fetches the details of the match `match_id` (where the tool writes them).
    pub async fn match_details(self, match_id: String) -> Result<MatchDetails, FetchError> {
        self.details(details_path(&match_id)).await
    }
}

/// `path` ending in `/` (unless empty, which means the asset root).
fn directory(mut path: String) -> String {
    if !path.is_empty() && !path.ends_with('/') {
        path.push('/');
    }
    path
}

/// Makes pages under this scope read the catalog at `base`.
pub fn provide_catalog(base: impl Into<String>) {
    provide_context(CatalogSource::new(base));
}

/// Makes pages under this scope read `source`.
pub fn provide_catalog_source(source: CatalogSource) {
    provide_context(source);
}

/// The fixture catalog's match that previews of match pages show (the 2018 World Cup final).
pub const FIXTURE_MATCH: &str = "france-croatia-2018";
/// The fixture catalog's team the team page's preview shows.
pub const FIXTURE_TEAM: &str = "FRA";

/// Where the examples find their data: the fixture catalog (`assets/examples/catalog`, the
/// tool's output, in git) and the match videos rendered for them into
/// `assets/examples/videos` (not in git: `tools/example-videos.sh` renders them in about a
/// minute; without them the pages say the video is not available).
pub fn provide_example_catalog() {
    provide_catalog_source(CatalogSource::new("examples/catalog").with_videos("examples/videos"));
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
        let split = CatalogSource::new("catalog").with_videos("https://cdn.example/v");
        assert_eq!(split.url("m/t.png"), "catalog/m/t.png");
        assert_eq!(split.video_url("m/video.webm"), "https://cdn.example/v/m/video.webm");
    }

    #[test]
    fn kit_colours_are_six_hex_digits() {
        assert_eq!(kit_color("#e4070c"), Some(Color::hex(0xe4070c)));
        assert_eq!(kit_color("e4070c"), None);
        assert_eq!(kit_color("#e407"), None);
        assert_eq!(kit_color("#zz070c"), None);
    }
}
