//! `touchline-desktop run BUNDLE.wasm [flags]`: see `docs/host-abi.md`.

fn main() -> std::process::ExitCode {
    touchline_desktop::run_cli(std::env::args_os())
}
