//! Turns the real match data (`../shared/data/matches`) into the app's data: the catalog and
//! per-match details ([`catalog`]), pictures ([`picture`]) and match videos ([`video`]), written
//! as static files a CDN (or `touchline serve`) serves. Nothing of it is compiled into the
//! bundle; the pages fetch it. For benchmarks and load tests, [`league`] writes a league-size
//! catalog made from a built one.

pub mod catalog;
pub mod error;
pub mod league;
pub mod picture;
pub mod source;
pub mod video;

pub use error::DataError;
