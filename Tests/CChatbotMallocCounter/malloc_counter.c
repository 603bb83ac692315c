#include "CChatbotMallocCounter.h"

#include <errno.h>
#include <stddef.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CCHATBOT_NO_INTERPOSER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CCHATBOT_NO_INTERPOSER 1
#endif

#ifdef CCHATBOT_NO_INTERPOSER

uint64_t cchatbot_malloc_count(void) { return 0; }
int cchatbot_malloc_counter_active(void) { return 0; }

#else

// glibc's allocator under its own names (exported since glibc 2.2.5), so no dlsym is needed, and
// dlsym's own allocations cannot recurse.
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

// initial-exec: the executable's own TLS block, reached without __tls_get_addr (which may
// allocate).
static _Thread_local uint64_t allocations __attribute__((tls_model("initial-exec")));

uint64_t cchatbot_malloc_count(void) { return allocations; }
int cchatbot_malloc_counter_active(void) { return 1; }

void *malloc(size_t size) {
    allocations += 1;
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    allocations += 1;
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    allocations += 1;
    return __libc_realloc(pointer, size);
}

void free(void *pointer) { __libc_free(pointer); }

void *memalign(size_t alignment, size_t size) {
    allocations += 1;
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    allocations += 1;
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment == 0 || alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) {
        return EINVAL;
    }
    allocations += 1;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}

#endif
