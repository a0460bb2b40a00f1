# Installs what building and testing Touchline needs, idempotently. Sourced by
# tools/run-app.sh and tools/test-all.sh; safe to run again and again.

# Debian packages: CMake and a C++ toolchain for the device host, SDL2 (window), cairo
# (renderer, PNG), stb_image (the device host's image decoder), libcurl (its http and https
# fetches, bundle downloads and legacy JS reports), OpenSSL's libcrypto and nlohmann-json (its
# bundle delivery: SHA-256, Ed25519 signatures, manifests), Duktape (its legacy JS VM), xxHash
# (checksums of its precompiled modules and start-up snapshots), GStreamer with its base and
# good plugins (encoding the match videos: vp8enc, webmmux; playing them in both hosts), Xvfb
# and xauth (real windows in tests), pkg-config.
TOUCHLINE_APT_PACKAGES="cmake g++ pkg-config libsdl2-dev libcairo2-dev libstb-dev libcurl4-openssl-dev libssl-dev nlohmann-json3-dev duktape-dev libxxhash-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good xvfb xauth"

touchline_setup() {
    local missing=()
    for pkg in $TOUCHLINE_APT_PACKAGES; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "setup: installing ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    if ! rustup target list --installed | grep -qx wasm32-wasip1; then
        echo "setup: adding the wasm32-wasip1 target"
        rustup target add wasm32-wasip1
    fi
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
    if ! cargo nextest --version >/dev/null 2>&1; then
        echo "setup: installing cargo-nextest"
        cargo install --locked cargo-nextest
    fi
}

# Builds the fault-injection test bundle (`--features fault-injection`, its own profile, so the
# shipping bundle is never overwritten) and prints its path.
touchline_build_fault_bundle() {
    cargo build -q -p touchline-pages --target wasm32-wasip1 --profile bundle-faults --features fault-injection >&2
    echo "target/wasm32-wasip1/bundle-faults/touchline_pages.wasm"
}

# Builds the bundle (wasm32-wasip1, the `bundle` profile) and prints its path.
touchline_build_bundle() {
    cargo build -q -p touchline-pages --target wasm32-wasip1 --profile bundle >&2
    echo "target/wasm32-wasip1/bundle/touchline_pages.wasm"
}

# Builds the designer preview's bundle (debug-fast: `--profile preview`) and prints its path.
touchline_build_preview_bundle() {
    cargo build -q -p touchline-preview --target wasm32-wasip1 --profile preview >&2
    echo "target/wasm32-wasip1/preview/touchline_preview.wasm"
}

# Builds the engine benchmarks' wasm module (built like the bundle) and prints its path.
touchline_build_bench_module() {
    cargo build -q -p touchline-bench --target wasm32-wasip1 --profile bundle >&2
    echo "target/wasm32-wasip1/bundle/touchline_bench.wasm"
}

# Configures and builds the C++ device host into target/device-host (the first build compiles
# wasmtime's C API, several minutes; later builds reuse it).
# Extra arguments go to the CMake configure step (e.g. -DTOUCHLINE_CLI=...).
touchline_build_device_host() {
    cmake -S native-host/device -B target/device-host -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
    cmake --build target/device-host -j"$(nproc)"
}
