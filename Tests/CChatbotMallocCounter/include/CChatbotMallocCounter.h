// Counts the heap allocations of the calling thread (tests and benchmarks only).
//
// The process's malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign are defined in
// malloc_counter.c: each adds one to a thread-local count and forwards to glibc's own
// (__libc_malloc …), so the allocator is glibc's as before. Linking this target into an
// executable interposes them for every library in the process; a thread's count is its own, so
// tests running in parallel on other threads do not disturb it.
//
// Under AddressSanitizer (which interposes the same functions) nothing is defined and
// cchatbot_malloc_counter_active() returns 0.
#pragma once
#include <stdint.h>

/// Allocations made by the calling thread since it started.
uint64_t cchatbot_malloc_count(void);

/// 1 when the functions are interposed and counting, 0 otherwise.
int cchatbot_malloc_counter_active(void);
