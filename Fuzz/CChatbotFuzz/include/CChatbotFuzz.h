// libFuzzer's driver, for the fuzz targets' own `main` (see Fuzz/CChatbotFuzz/CChatbotFuzz.c).
#ifndef CCHATBOT_FUZZ_H
#define CCHATBOT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer on `argc`/`argv` with `test_one_input` as the target and returns its exit code.
///
/// SwiftPM links an executable target with `main` aliased to `<Module>_main`, the entry point it
/// has the compiler emit for `main.swift`; that `main` wins over libFuzzer's own, so a fuzz
/// target's `main.swift` calls this instead of relying on libFuzzer's `main`.
int cchatbot_fuzz_run(int argc, char *_Nullable *_Nonnull argv,
                      int (*_Nonnull test_one_input)(const uint8_t *_Nonnull data, size_t size));

#endif
