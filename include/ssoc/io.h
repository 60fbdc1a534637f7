/// @file io.h
/// Small file-system helpers shared by the writers: atomic replacement and existence checks.
#ifndef SSOC_IO_H
#define SSOC_IO_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/error.h"

/// Write `len` bytes to `path` atomically: a temporary file `path.tmp.PID` in the same directory is
/// written, fsync'ed and renamed over `path`, so readers never see a partial file and a crash leaves
/// either the old file or the new one. If `overwrite` is 0 and `path` exists, fails with
/// SSOC_EEXISTS and touches nothing. Errors name the path and the system error.
ssoc_status ssoc_io_write_atomic(const char *path, const void *data, size_t len, int overwrite, ssoc_error *err);

/// 1 if `path` exists (any type), else 0.
int ssoc_io_exists(const char *path);

/// Space for writing `path`: *avail = bytes available on the file system of its directory
/// (statvfs f_bavail x f_frsize), *held = bytes `path` itself occupies now (0 if it does not exist),
/// which come back when it is truncated. Errors name the directory and the system error.
ssoc_status ssoc_io_space(const char *path, uint64_t *avail, uint64_t *held, ssoc_error *err);

/// Current UTC time as ISO 8601 "YYYY-MM-DDThh:mm:ssZ" into buf (at least 21 bytes).
void ssoc_io_utc_now(char *buf, size_t len);

#endif
