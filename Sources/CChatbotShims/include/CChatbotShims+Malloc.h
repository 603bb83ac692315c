// glibc's heap statistics. Swift's Glibc module does not include <malloc.h>, so this submodule does;
// only ChatbotRPC (ProcessMetrics) imports it.
#pragma once
#include <malloc.h>
