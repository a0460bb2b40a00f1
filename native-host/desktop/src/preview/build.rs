//! Building the preview bundle with cargo, and what the compiler said when it could not.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// The package the preview bundle is (`preview/` in the workspace).
pub const PREVIEW_PACKAGE: &str = "touchline-preview";
/// The cargo profile it is built with: incremental, unoptimized, its dependencies at `-O1`.
pub const PREVIEW_PROFILE: &str = "preview";
/// The target it is built for.
pub const TARGET: &str = "wasm32-wasip1";
/// How much of the compiler's messages a build error keeps (what fits a screen).
const MAX_MESSAGE_BYTES: usize = 8 * 1024;

/// How to build the bundle.
#[derive(Clone, Debug)]
pub struct BundleBuilder {
    /// The workspace root (where `Cargo.toml` names `preview` as a member).
    pub workspace: PathBuf,
    /// Cargo's target directory (`CARGO_TARGET_DIR`); the workspace's `target/` when `None`.
    pub target_dir: Option<PathBuf>,
}

/// A bundle that built.
#[derive(Debug)]
pub struct Built {
    /// The module's bytes.
    pub wasm: Vec<u8>,
    /// How long cargo took.
    pub duration: Duration,
}

/// Why the bundle did not build.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The sources do not compile: the compiler's errors, as it renders them.
    #[error("the preview bundle does not compile:\n{message}")]
    Compiler {
        /// The rendered errors (at most 8 KiB).
        message: String,
    },
    /// Cargo could not be run, or failed without a compiler error (its last lines).
    #[error("cargo failed: {0}")]
    Cargo(String),
    /// Cargo built it but the module cannot be read.
    #[error("cannot read the built bundle {path}: {message}")]
    Output {
        /// Where cargo said it wrote the module.
        path: PathBuf,
        /// Why it cannot be read.
        message: String,
    },
}

impl BuildError {
    /// What to show on screen and print.
    pub fn message(&self) -> String {
        match self {
            BuildError::Compiler { message } => message.clone(),
            other => other.to_string(),
        }
    }
}

/// One line of `cargo build --message-format json`, as far as the builder reads it.
#[derive(Deserialize)]
struct CargoLine {
    reason: String,
    #[serde(default)]
    message: Option<Diagnostic>,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    #[serde(default)]
    rendered: Option<String>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
}

impl BundleBuilder {
    /// The builder for the workspace at `workspace`.
    pub fn new(workspace: impl Into<PathBuf>) -> Self {
        Self { workspace: workspace.into(), target_dir: None }
    }

    /// The cargo command that builds the bundle.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.current_dir(&self.workspace).args([
            "build",
            "-p",
            PREVIEW_PACKAGE,
            "--target",
            TARGET,
            "--profile",
            PREVIEW_PROFILE,
            "--message-format",
            "json",
        ]);
        if let Some(dir) = &self.target_dir {
            cmd.env("CARGO_TARGET_DIR", dir);
        }
        cmd
    }

    /// Builds the bundle (blocking: the preview calls it from its build thread).
    pub fn build(&self) -> Result<Built, BuildError> {
        let started = Instant::now();
        let output = self.command().stdin(Stdio::null()).output().map_err(|e| {
            BuildError::Cargo(format!("cannot run cargo in {}: {e}", self.workspace.display()))
        })?;
        let duration = started.elapsed();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let (errors, module) = read_cargo_lines(&stdout);
        if !output.status.success() {
            if !errors.is_empty() {
                return Err(BuildError::Compiler { message: truncate(errors.join("\n")) });
            }
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(12).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(BuildError::Cargo(format!("{} ({})", tail.join("\n"), output.status)));
        }
        let path = module.ok_or_else(|| {
            BuildError::Cargo(format!("cargo did not say where it wrote {PREVIEW_PACKAGE}'s .wasm"))
        })?;
        let wasm = std::fs::read(&path)
            .map_err(|e| BuildError::Output { path: path.clone(), message: e.to_string() })?;
        Ok(Built { wasm, duration })
    }
}

/// The rendered compiler errors, and the module cargo wrote.
fn read_cargo_lines(stdout: &str) -> (Vec<String>, Option<PathBuf>) {
    let mut errors = Vec::new();
    let mut module = None;
    for line in stdout.lines().filter(|l| l.starts_with('{')) {
        let Ok(line) = serde_json::from_str::<CargoLine>(line) else { continue };
        match line.reason.as_str() {
            "compiler-message" => {
                if let Some(Diagnostic { level, rendered: Some(rendered) }) = line.message
                    && level == "error"
                {
                    errors.push(rendered.trim_end().to_owned());
                }
            }
            "compiler-artifact"
                if line.target.is_some_and(|t| t.name == PREVIEW_PACKAGE.replace('-', "_")) =>
            {
                module = line.filenames.into_iter().find(|f| f.extension().is_some_and(|e| e == "wasm"));
            }
            _ => {}
        }
    }
    (errors, module)
}

/// At most [`MAX_MESSAGE_BYTES`], cut at a line.
fn truncate(text: String) -> String {
    if text.len() <= MAX_MESSAGE_BYTES {
        return text;
    }
    let mut cut = MAX_MESSAGE_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = text[..cut].rfind('\n').unwrap_or(cut);
    format!("{}\n…", &text[..cut])
}

/// Whether `path` (in the workspace at `workspace`) is a source the bundle is built from: Rust,
/// a manifest, the lock file; not in the target directory or git's.
pub fn is_source(workspace: &Path, path: &Path) -> bool {
    let inside = path.strip_prefix(workspace).unwrap_or(path);
    let in_target = inside.components().any(|c| c.as_os_str() == "target" || c.as_os_str() == ".git");
    !in_target && path.extension().is_some_and(|e| e == "rs" || e == "toml" || e == "lock")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_errors_and_the_module_from_cargo_lines() {
        let stdout = r#"{"reason":"compiler-message","message":{"level":"warning","rendered":"warning: unused"}}
{"reason":"compiler-message","message":{"level":"error","rendered":"error: expected `;`\n --> pages/src/home.rs:3:5\n"}}
{"reason":"compiler-artifact","target":{"name":"touchline_pages"},"filenames":["/t/libtouchline_pages.rlib"]}
{"reason":"compiler-artifact","target":{"name":"touchline_preview"},"filenames":["/t/touchline_preview.rlib","/t/touchline_preview.wasm"]}
not json
{"reason":"build-finished","success":true}"#;
        let (errors, module) = read_cargo_lines(stdout);
        assert_eq!(errors, ["error: expected `;`\n --> pages/src/home.rs:3:5"]);
        assert_eq!(module, Some(PathBuf::from("/t/touchline_preview.wasm")));
    }

    #[test]
    fn long_messages_are_cut_at_a_line() {
        let text = "error: x\n".repeat(2000);
        let cut = truncate(text);
        assert!(cut.len() <= MAX_MESSAGE_BYTES + 4);
        assert!(cut.ends_with("error: x\n…"));
    }

    #[test]
    fn sources_are_rust_and_manifests_outside_target() {
        let w = Path::new("/w");
        assert!(is_source(w, Path::new("/w/pages/src/home.rs")));
        assert!(is_source(w, Path::new("/w/Cargo.toml")));
        assert!(!is_source(w, Path::new("/w/target/debug/build/x.rs")));
        assert!(!is_source(w, Path::new("/w/pages/src/home.rs.swp")));
        assert!(!is_source(w, Path::new("/w/docs/designers.md")));
        // A workspace inside another's target directory (the preview's tests make one).
        let copy = Path::new("/main/target/copy");
        assert!(is_source(copy, Path::new("/main/target/copy/pages/src/home.rs")));
    }
}
