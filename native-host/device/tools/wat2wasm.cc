// touchline-wat2wasm IN.wat OUT.wasm [TRUNCATE]: turns a WAT fixture into a wasm binary with
// wasmtime's wasmtime_wat2wasm, so no .wasm file is ever checked in. With TRUNCATE, keeps only
// the first TRUNCATE bytes (a deliberately broken module).

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <wasmtime.h>

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: touchline-wat2wasm IN.wat OUT.wasm [TRUNCATE]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "touchline-wat2wasm: cannot read %s\n", argv[1]);
    return 1;
  }
  const std::string wat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  wasm_byte_vec_t wasm;
  if (wasmtime_error_t *error = wasmtime_wat2wasm(wat.data(), wat.size(), &wasm)) {
    wasm_name_t message;
    wasmtime_error_message(error, &message);
    std::fprintf(stderr, "touchline-wat2wasm: %s: %.*s\n", argv[1], static_cast<int>(message.size),
                 message.data);
    wasm_byte_vec_delete(&message);
    wasmtime_error_delete(error);
    return 1;
  }
  size_t size = wasm.size;
  if (argc == 4) {
    const long truncate = std::strtol(argv[3], nullptr, 10);
    if (truncate >= 0 && static_cast<size_t>(truncate) < size) size = static_cast<size_t>(truncate);
  }
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out.write(wasm.data, static_cast<std::streamsize>(size));
  wasm_byte_vec_delete(&wasm);
  if (!out.flush()) {
    std::fprintf(stderr, "touchline-wat2wasm: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
