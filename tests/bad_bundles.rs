//! Bad bundles never crash a host: a missing file, a file that is not a bundle, a corrupt
//! bundle, a bundle for another ABI and a bundle that panics mid-run each give a clear error
//! and a non-zero exit code (1: unusable bundle, 3: trapped in a frame, last good frame kept).

mod support;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

struct Case {
    name: &'static str,
    bundle: PathBuf,
    code: i32,
    /// Words the error must contain (lower case).
    says: &'static [&'static str],
}

fn cases(dir: &Path) -> Vec<Case> {
    let not_wasm = dir.join("notes.txt");
    std::fs::write(&not_wasm, "these are not the bytes you are looking for").expect("write");
    let corrupt = dir.join("corrupt.wasm");
    let real = std::fs::read(support::bundle()).expect("bundle");
    std::fs::write(&corrupt, &real[..real.len() / 2]).expect("write");
    vec![
        Case { name: "missing file", bundle: dir.join("nope.wasm"), code: 1, says: &["nope.wasm"] },
        Case { name: "not a bundle", bundle: not_wasm, code: 1, says: &["notes.txt", "module"] },
        Case { name: "corrupt bundle", bundle: corrupt, code: 1, says: &["corrupt.wasm"] },
        Case {
            name: "wrong abi",
            bundle: support::wat_fixture("wrong_abi", dir),
            code: 1,
            says: &["abi", "2.0"],
        },
        Case {
            name: "panics",
            bundle: support::wat_fixture("panics_in_frame", dir),
            code: 3,
            says: &["frame 2"],
        },
    ]
}

fn check_host(host_name: &str, host: &Path, prefix: &[&str]) {
    let dir = support::scratch(&format!("bad_bundles_{host_name}"));
    for case in cases(&dir) {
        let shot = dir.join(format!("{}.png", case.name.replace(' ', "_")));
        let _ = std::fs::remove_file(&shot);
        let mut args: Vec<&OsStr> = prefix.iter().map(OsStr::new).collect();
        args.extend([
            case.bundle.as_os_str(),
            OsStr::new("--headless"),
            OsStr::new("--keys"),
            OsStr::new("right,right,enter"),
            OsStr::new("--screenshot"),
            shot.as_os_str(),
        ]);
        let output = support::run_host(host, &args);
        let log = support::text(&output);
        assert_eq!(output.status.code(), Some(case.code), "{host_name}, {}:\n{log}", case.name);
        let lower = log.to_lowercase();
        assert!(lower.contains("error"), "{host_name}, {}: no error line:\n{log}", case.name);
        for word in case.says {
            assert!(
                lower.contains(word),
                "{host_name}, {}: error does not mention {word:?}:\n{log}",
                case.name
            );
        }
        if case.code == 3 {
            // The last good frame is kept: the screenshot shows the red rect of frame 1.
            let image = support::read_png(&shot);
            let i = ((24 * image.width + 32) * 4) as usize;
            assert_eq!(&image.rgba[i..i + 3], &[255, 0, 0], "{host_name}: last good frame kept");
        } else {
            assert!(!shot.exists(), "{host_name}, {}: no frame, so no screenshot", case.name);
        }
    }
}

#[test]
fn desktop_host_survives_bad_bundles() {
    check_host("desktop", &support::desktop_host(), &["run"]);
}

#[test]
fn device_host_survives_bad_bundles() {
    check_host("device", support::device_host(), &[]);
}
