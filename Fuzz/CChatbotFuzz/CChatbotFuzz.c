#include "CChatbotFuzz.h"

// Declared by libFuzzer (compiler-rt's FuzzerInterface.h, not installed with the toolchain).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*user_callback)(const uint8_t *data, size_t size));

int cchatbot_fuzz_run(int argc, char **argv, int (*test_one_input)(const uint8_t *data, size_t size)) {
    return LLVMFuzzerRunDriver(&argc, &argv, test_one_input);
}
