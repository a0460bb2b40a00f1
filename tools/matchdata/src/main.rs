//! `touchline-matchdata build`: the match data in, the app's catalog out (JSON, pictures,
//! videos), as static files for `touchline serve` or a CDN. See `docs/match-data.md`.
//! `touchline-matchdata league`: a league-size catalog made from a built one, for benchmarks.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use touchline_matchdata::picture::{Fonts, Painter};
use touchline_matchdata::source::MatchSource;
use touchline_matchdata::video::{self, VideoSettings};
use touchline_matchdata::{DataError, catalog, league, source};

#[derive(Parser)]
#[command(version, about = "Turns the real match data into the app's catalog, pictures and videos")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Writes the catalog, its pictures and (with --video) the match videos into a folder.
    Build(BuildArgs),
    /// For benchmarks and load tests: writes a league-size catalog made from a built one (its
    /// matches repeated in made-up competitions, each under its own id and folder).
    League(LeagueArgs),
}

/// Which videos to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum VideoChoice {
    /// None: the catalog and pictures only.
    None,
    /// Every match, whole; a video already rendered with the same settings is kept.
    Full,
}

#[derive(clap::Args)]
struct BuildArgs {
    /// The match data: one folder per match.
    #[arg(long, default_value = "data/matches")]
    data: PathBuf,
    /// Where the catalog goes.
    #[arg(long, default_value = "target/site/catalog")]
    out: PathBuf,
    /// The app's fonts (Inter Regular, SemiBold, Bold).
    #[arg(long)]
    fonts: Option<PathBuf>,
    /// Which videos to render.
    #[arg(long, value_enum, default_value = "none")]
    video: VideoChoice,
    /// Video size, `WxH`.
    #[arg(long, default_value = "1280x720", value_parser = parse_size)]
    video_size: (u32, u32),
    /// Video frames per second.
    #[arg(long, default_value_t = 25)]
    fps: u32,
    /// Render only the first seconds of each match (to try settings; the video's timeline is
    /// still the match's from 0).
    #[arg(long)]
    video_until: Option<f64>,
    /// Pictures' size, `WxH`.
    #[arg(long, default_value = "480x270", value_parser = parse_size)]
    picture_size: (u32, u32),
}

#[derive(clap::Args)]
struct LeagueArgs {
    /// A catalog `build` wrote.
    #[arg(long, default_value = "target/site/catalog")]
    from: PathBuf,
    /// Where the league catalog goes (not the same folder).
    #[arg(long)]
    out: PathBuf,
    /// How many competitions.
    #[arg(long, default_value_t = 8)]
    competitions: usize,
    /// Matches (rounds) per competition.
    #[arg(long, default_value_t = 30)]
    matches: usize,
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text.split_once('x').ok_or_else(|| format!("{text:?}: expected WxH"))?;
    let number = |part: &str| part.parse::<u32>().map_err(|_| format!("{text:?}: expected WxH"));
    let size = (number(w)?, number(h)?);
    if size.0 < 16 || size.1 < 16 || size.0 > 3840 || size.1 > 2160 {
        return Err(format!("{text:?}: sizes go from 16x16 to 3840x2160"));
    }
    Ok(size)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => build(&args),
        Command::League(args) => write_league(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("touchline-matchdata: {error}");
            ExitCode::FAILURE
        }
    }
}

fn build(args: &BuildArgs) -> Result<(), DataError> {
    let started = Instant::now();
    let with_tracking = true;
    let sources = source::load_all(&args.data, with_tracking)?;
    let site = catalog::build(&sources);
    let written = catalog::write(&site, &sources, &args.out)?;
    println!(
        "catalog: {} matches, {} highlights, {} top moments, {} files in {} ({} ms)",
        site.catalog.matches.len(),
        site.matches.iter().map(|m| m.highlights.len()).sum::<usize>(),
        site.catalog.top_moments.len(),
        written.len(),
        args.out.display(),
        started.elapsed().as_millis()
    );

    let fonts_dir = args.fonts.clone().unwrap_or_else(Fonts::default_dir);
    let started = Instant::now();
    let mut painter = Painter::new(Fonts::load(&fonts_dir)?);
    let (width, height) = args.picture_size;
    catalog::write_pictures(&site, &sources, &args.out, &mut painter, args.picture_size)?;
    println!("pictures: {} at {width}x{height} ({} ms)", site.pictures.len(), started.elapsed().as_millis());

    if args.video == VideoChoice::Full {
        let settings = VideoSettings {
            width: args.video_size.0,
            height: args.video_size.1,
            fps: args.fps,
            ..VideoSettings::default()
        };
        render_videos(&sources, &settings, args.video_until, &args.out, &fonts_dir)?;
    }
    Ok(())
}

fn write_league(args: &LeagueArgs) -> Result<(), DataError> {
    let started = Instant::now();
    let written = league::write(&args.from, &args.out, args.competitions, args.matches)?;
    println!(
        "league: {} matches in {} competitions, {} top moments, {} files linked, {} copied, in {} ({} ms)",
        written.matches,
        args.competitions,
        written.moments,
        written.linked,
        written.copied,
        args.out.display(),
        started.elapsed().as_millis()
    );
    Ok(())
}

/// What a rendered video was made from: a video whose stamp matches is not rendered again.
fn stamp(source: &MatchSource, settings: &VideoSettings, until: f64) -> String {
    format!(
        "touchline-matchdata {} · {} · {}x{} {} fps {} bit/s · {:.3} of {:.3} s · {} events · {} tracking frames\n",
        env!("CARGO_PKG_VERSION"),
        source.id,
        settings.width,
        settings.height,
        settings.fps,
        settings.bitrate,
        until,
        source.duration_s(),
        source.events.len(),
        source.tracking.as_ref().map_or(0, |tracking| tracking.frames.len()),
    )
}

/// Renders every match's video, one match per thread (each encoder uses one core: libvpx's
/// own threads spin on a busy machine), skipping those already rendered with these settings.
fn render_videos(
    sources: &[MatchSource],
    settings: &VideoSettings,
    until: Option<f64>,
    out: &Path,
    fonts_dir: &Path,
) -> Result<(), DataError> {
    std::thread::scope(|scope| {
        let renders: Vec<_> = sources
            .iter()
            .map(|source| {
                let until = until.unwrap_or(f64::INFINITY).min(source.duration_s());
                scope.spawn(move || render_video(source, settings, until, out, fonts_dir))
            })
            .collect();
        renders.into_iter().try_for_each(|render| {
            render.join().unwrap_or_else(|_| {
                Err(DataError::Video { path: out.to_owned(), message: "a render thread panicked".into() })
            })
        })
    })
}

fn render_video(
    source: &MatchSource,
    settings: &VideoSettings,
    until: f64,
    out: &Path,
    fonts_dir: &Path,
) -> Result<(), DataError> {
    let path = out.join(catalog::video_path(&source.id));
    let stamp_path = path.with_extension("stamp");
    let wanted = stamp(source, settings, until);
    if path.is_file() && std::fs::read_to_string(&stamp_path).is_ok_and(|kept| kept == wanted) {
        println!("video: {} is up to date", path.display());
        return Ok(());
    }
    println!(
        "video: rendering {} ({:.0} s of match at {}x{}, {} fps)…",
        source.id, until, settings.width, settings.height, settings.fps
    );
    let mut painter = Painter::new(Fonts::load(fonts_dir)?);
    let stats = video::render(source, 0.0..until, settings, &path, &mut painter)?;
    std::fs::write(&stamp_path, wanted)
        .map_err(|error| DataError::Io { path: stamp_path.clone(), source: error })?;
    println!(
        "video: {} — {} frames in {:.1} s ({:.0} fps, painting {:.1} s), {:.1} MB",
        path.display(),
        stats.frames,
        stats.wall_s,
        stats.frames as f64 / stats.wall_s.max(1e-9),
        stats.paint_s,
        stats.bytes as f64 / 1e6
    );
    Ok(())
}
