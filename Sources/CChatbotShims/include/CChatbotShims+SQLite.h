// Shims for SQLite macros that Swift cannot import. Only ChatbotStore imports this submodule.
#pragma once
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a function-pointer cast of -1: bind calls copy the bytes before returning.
static inline sqlite3_destructor_type cchatbot_sqlite3_transient(void) {
    return SQLITE_TRANSIENT;
}

/// SQLITE_CONSTRAINT_UNIQUE is an expression macro (SQLITE_CONSTRAINT | (8<<8)) that Swift does not import.
static inline int cchatbot_sqlite3_constraint_unique(void) {
    return SQLITE_CONSTRAINT_UNIQUE;
}
