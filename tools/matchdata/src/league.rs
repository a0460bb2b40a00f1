//! `touchline-matchdata league`: a league-size catalog next to a built one, for benchmarks and
//! load tests (see `touchline_catalog::league`). Each league match gets its own folder with
//! its own `match.json` and the files of the match it repeats (pictures, video), hard-linked
//! (copied where links cannot be made), so every URL in the league resolves under its root:
//! `touchline serve` refuses symlinks that lead out of it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use touchline_catalog::league::{League, league, repeat_details};
use touchline_catalog::{Catalog, MatchDetails, details_path, match_dir};

use crate::DataError;

/// What [`write`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// League matches.
    pub matches: usize,
    /// Top moments.
    pub moments: usize,
    /// Files hard-linked to the base catalog's.
    pub linked: usize,
    /// Files copied (no link possible, e.g. another file system).
    pub copied: usize,
}

/// Writes the league of `competitions` × `matches_per_competition` matches made from the
/// catalog built in `from` into `out` (a different folder): `catalog.json`, each match's
/// folder, and the licences.
pub fn write(
    from: &Path,
    out: &Path,
    competitions: usize,
    matches_per_competition: usize,
) -> Result<Written, DataError> {
    if out.canonicalize().ok().is_some_and(|out| from.canonicalize().is_ok_and(|from| from == out)) {
        return Err(DataError::invalid(out, "the league goes next to the base catalog, not into it"));
    }
    let base: Catalog = read_json(&from.join("catalog.json"))?;
    let League { catalog, repeats } = league(&base, competitions, matches_per_competition);
    let mut written =
        Written { matches: catalog.matches.len(), moments: catalog.top_moments.len(), linked: 0, copied: 0 };

    // Each base match's details, read once: (where they are, what they say).
    let mut details: HashMap<&str, (PathBuf, MatchDetails)> = HashMap::new();
    for (summary, source_id) in catalog.matches.iter().zip(&repeats) {
        if !details.contains_key(source_id.as_str()) {
            let path = base
                .matches
                .iter()
                .find(|m| &m.id == source_id)
                .map_or_else(|| details_path(source_id), |m| m.details.clone());
            let path = from.join(path);
            let read = read_json(&path)?;
            details.insert(source_id, (path, read));
        }
        let (details_file, source_details) = &details[source_id.as_str()];
        write_json(&out.join(&summary.details), &repeat_details(source_details, summary))?;
        // The rest of the base match's folder as it is: pictures, video.
        let folder = out.join(match_dir(&summary.id));
        link_tree(&from.join(match_dir(source_id)), &folder, Some(details_file), &mut written)?;
    }
    let licences = from.join("licences");
    if licences.is_dir() {
        link_tree(&licences, &out.join("licences"), None, &mut written)?;
    }
    write_json(&out.join("catalog.json"), &catalog)?;
    Ok(written)
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, DataError> {
    let text = std::fs::read_to_string(path).map_err(|source| DataError::io(path, source))?;
    serde_json::from_str(&text).map_err(|source| DataError::Json { path: path.to_owned(), source })
}

fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), DataError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| DataError::io(parent, source))?;
    }
    let text = serde_json::to_string_pretty(value)
        .map_err(|source| DataError::Json { path: path.to_owned(), source })?;
    std::fs::write(path, text).map_err(|source| DataError::io(path, source))
}

/// Every file under `from` (but `skip`) at the same place under `to`.
fn link_tree(from: &Path, to: &Path, skip: Option<&Path>, written: &mut Written) -> Result<(), DataError> {
    std::fs::create_dir_all(to).map_err(|source| DataError::io(to, source))?;
    let entries = std::fs::read_dir(from).map_err(|source| DataError::io(from, source))?;
    for entry in entries {
        let entry = entry.map_err(|source| DataError::io(from, source))?;
        let (path, target) = (entry.path(), to.join(entry.file_name()));
        if skip == Some(path.as_path()) {
            continue;
        }
        if path.is_dir() {
            link_tree(&path, &target, skip, written)?;
            continue;
        }
        // A league written again replaces its files (a link to an existing path fails).
        if target.exists() {
            std::fs::remove_file(&target).map_err(|source| DataError::io(&target, source))?;
        }
        if std::fs::hard_link(&path, &target).is_ok() {
            written.linked += 1;
        } else {
            std::fs::copy(&path, &target).map_err(|source| DataError::io(&path, source))?;
            written.copied += 1;
        }
    }
    Ok(())
}
