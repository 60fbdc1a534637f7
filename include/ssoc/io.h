/// @file io.h
/// Small file-system helpers shared by the writers: atomic replacement and existence checks.
#ifndef SSOC_IO_H
#define SSOC_IO_H

#include <stddef.h>

#include "ssoc/error.h"

/// Write `len` bytes to `path` atomically: a temporary file `path.tmp.PID` in the same directory is
/// written, fsync'ed and renamed over `path`, so readers never see a partial file and a crash leaves
/// either the old file or the new one. If `overwrite` is 0 and `path` exists, fails with
/// SSOC_EEXISTS and touches nothing. Errors name the path and the system error.
ssoc_status ssoc_io_write_atomic(const char *path, const void *data, size_t len, int overwrite, ssoc_error *err);

/// 1 if `path` exists (any type), else 0.
int ssoc_io_exists(const char *path);

/// Current UTC time as ISO 8601 "YYYY-MM-DDThh:mm:ssZ" into buf (at least 21 bytes).
void ssoc_io_utc_now(char *buf, size_t len);

#endif
