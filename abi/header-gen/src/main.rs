//! `touchline-abi-header-gen OUT.h`: writes the C++ header of the host ABI.
//!
//! The device host's CMake build runs this, so the header is never checked in and never
//! drifts from the Rust definitions in `abi/`.

use std::path::PathBuf;
use std::process::ExitCode;

/// cbindgen cannot export `&str` constants; write them from the Rust values themselves.
fn string_constants() -> String {
    use touchline_abi as abi;
    let names = [
        ("HOST_MODULE", abi::HOST_MODULE),
        ("IMPORT_LOG", abi::IMPORT_LOG),
        ("EXPORT_ABI_VERSION", abi::EXPORT_ABI_VERSION),
        ("EXPORT_INIT", abi::EXPORT_INIT),
        ("EXPORT_INPUT_BUFFER", abi::EXPORT_INPUT_BUFFER),
        ("EXPORT_FRAME", abi::EXPORT_FRAME),
        ("EXPORT_REQUESTS", abi::EXPORT_REQUESTS),
        ("EXPORT_WASI_INITIALIZE", abi::EXPORT_WASI_INITIALIZE),
    ];
    let mut out = String::from("\nnamespace touchline::abi {\n");
    for (name, value) in names {
        out.push_str(&format!("inline constexpr const char *{name} = \"{value}\";\n"));
    }
    out.push_str("}  // namespace touchline::abi\n");
    out
}

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: touchline-abi-header-gen OUT.h");
        return ExitCode::from(2);
    };
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let config = cbindgen::Config {
        language: cbindgen::Language::Cxx,
        namespace: Some("touchline::abi".into()),
        pragma_once: true,
        header: Some("// Generated from abi/src by touchline-abi-header-gen (cbindgen). Do not edit.".into()),
        no_includes: false,
        sys_includes: vec!["cstdint".into()],
        cpp_compat: true,
        enumeration: cbindgen::EnumConfig { enum_class: true, ..Default::default() },
        constant: cbindgen::ConstantConfig {
            allow_static_const: true,
            allow_constexpr: true,
            ..Default::default()
        },
        export: cbindgen::ExportConfig {
            // No extern functions cross this ABI (it is wasm exports), so name the types.
            include: [
                "Status",
                "FrameOutput",
                "EventKind",
                "Key",
                "Event",
                "DisplayListHeader",
                "CommandHeader",
                "Opcode",
                "RectF",
                "RectCmd",
                "GlyphRunCmd",
                "GlyphQuad",
                "AtlasPageCmd",
                "AtlasUploadCmd",
                "ImageFit",
                "ImageCmd",
                "ClipCmd",
                "OpacityCmd",
                "TransformCmd",
                "LinearGradientCmd",
                "GradientStop",
                "ShadowCmd",
                "ImageError",
                "RequestBuffer",
                "RequestHeader",
                "RequestKind",
                "LoadImageRequest",
                "UnloadImageRequest",
                "AnnounceRequest",
                "FetchRequest",
                "CancelFetchRequest",
                "SaveStateRequest",
                "PostMessageRequest",
                "WriteStorageRequest",
                "OpenVideoRequest",
                "ControlVideoRequest",
                "VideoOp",
                "VideoState",
                "VideoError",
                "BusSource",
                "FetchMethod",
                "FetchError",
            ]
            .map(String::from)
            .to_vec(),
            ..Default::default()
        },
        trailer: Some(string_constants()),
        ..Default::default()
    };
    match cbindgen::Builder::new().with_crate(&crate_dir).with_config(config).generate() {
        Ok(bindings) => {
            bindings.write_to_file(&out);
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("touchline-abi-header-gen: cannot generate the ABI header: {err}");
            ExitCode::FAILURE
        }
    }
}
