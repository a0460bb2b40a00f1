//! `touchline keygen | release | serve`: makes, signs and serves bundle releases
//! (`docs/delivery.md`).

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use touchline_desktop::{release, serve};

/// Touchline's release tool.
#[derive(Debug, Parser)]
#[command(name = "touchline", version, about = "Makes, signs and serves Touchline bundle releases")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Writes a new Ed25519 key pair: NAME.secret and NAME.public.
    Keygen(release::KeygenArgs),
    /// Builds (or takes) a bundle, signs a manifest for it and lays out a release directory.
    Release(release::ReleaseArgs),
    /// Serves a release directory over HTTP like a CDN, with faults for tests.
    Serve(serve::ServeArgs),
}

/// Prints to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn print_lines(lines: &[String]) {
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Keygen(args) => {
            release::keygen(args).map(|line| print_lines(&[line])).map_err(|e| e.to_string())
        }
        Command::Release(args) => {
            release::release(args).map(|lines| print_lines(&lines)).map_err(|e| e.to_string())
        }
        Command::Serve(args) => serve::serve(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
