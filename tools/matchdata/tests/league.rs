//! `touchline-matchdata league` over the fixture catalog (`assets/examples/catalog`, what
//! `build` writes): the league's every URL resolves under its own root, each match's details
//! name it, and a league is not written over its base.

use std::path::{Path, PathBuf};

use touchline_catalog::{Catalog, MatchDetails};
use touchline_matchdata::{DataError, league};

fn base() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/examples/catalog")
}

fn read<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_url_of_the_league_resolves_under_its_root() {
    let out = tempfile::tempdir().expect("temp dir");
    let written = league::write(&base(), out.path(), 3, 5).expect("the league is written");
    assert_eq!(written.matches, 15);
    assert!(written.linked + written.copied > 15, "{written:?}");

    let catalog: Catalog = read(&out.path().join("catalog.json"));
    let base_catalog: Catalog = read(&base().join("catalog.json"));
    assert_eq!(catalog, touchline_catalog::league::league(&base_catalog, 3, 5).catalog);
    assert_eq!(catalog.top_moments.len(), written.moments);
    let exists = |url: &str| assert!(out.path().join(url).is_file(), "{url} is in the league");
    for summary in &catalog.matches {
        exists(&summary.thumbnail);
        let details: MatchDetails = read(&out.path().join(&summary.details));
        assert_eq!(&details.summary, summary, "the details name the league match");
        assert!(!details.highlights.is_empty());
        for highlight in &details.highlights {
            assert!(highlight.thumbnail.starts_with(&format!("matches/{}/", summary.id)));
            exists(&highlight.thumbnail);
        }
    }
    for moment in &catalog.top_moments {
        exists(&moment.thumbnail);
    }
    assert!(out.path().join("licences").read_dir().expect("licences").next().is_some());

    // Written again (as a benchmark does on every run), it replaces its files.
    let again = league::write(&base(), out.path(), 3, 5).expect("written again");
    assert_eq!(again, written);
}

#[test]
fn the_league_is_not_written_into_its_base() {
    let error = league::write(&base(), &base(), 1, 1).expect_err("refused");
    assert!(matches!(error, DataError::Invalid { .. }), "{error}");
}

#[test]
fn a_missing_base_is_a_typed_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error =
        league::write(&dir.path().join("nothing"), &dir.path().join("out"), 1, 1).expect_err("no base");
    assert!(matches!(&error, DataError::Io { path, .. } if path.ends_with("catalog.json")), "{error}");
}
