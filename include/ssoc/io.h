/// @file io.h
/// Small file-system helpers: bounded reading of input files, atomic replacement of small outputs
/// (through outpath.h), existence and free-space checks.
#ifndef SSOC_IO_H
#define SSOC_IO_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/error.h"

/// Write `len` bytes to `path` atomically (ssoc_outpath_begin, write, ssoc_outpath_publish): a hidden
/// temporary beside `path`, created exclusively, is written, fsync'ed and renamed to `path`, so
/// readers never see a partial file and a crash leaves either the old file or the new one. `path`
/// is checked first (outpath.h: never a device, directory or symbolic link); if `overwrite` is 0
/// and `path` exists, fails with SSOC_EEXISTS and touches nothing. Errors name the path and the
/// system error.
ssoc_status ssoc_io_write_atomic(const char *path, const void *data, size_t len, int overwrite, ssoc_error *err);

/// 1 if `path` exists (any type), else 0.
int ssoc_io_exists(const char *path);

/// Space for writing `path`: *avail = bytes available on the file system of its directory
/// (statvfs f_bavail x f_frsize), *held = bytes `path` itself occupies now (0 if it does not exist),
/// which come back when it is truncated. Errors name the directory and the system error.
ssoc_status ssoc_io_space(const char *path, uint64_t *avail, uint64_t *held, ssoc_error *err);

/// Size limits of ssoc_io_read_file per kind of input [bytes]. A CSV of MD points of ~80 bytes per
/// row holds ~3 million rows in 256 MB; a configuration is a few hundred bytes; a parameter file
/// with a B x 8 replicate table takes ~200 bytes per replicate (B = 10^7 fits in 2 GB).
#define SSOC_READ_MAX_CSV ((size_t)256 << 20)
#define SSOC_READ_MAX_CONFIG ((size_t)1 << 20)
#define SSOC_READ_MAX_PARAMS ((size_t)2048 << 20)

/// ssoc_io_read_file flag: the input is text; a NUL byte is refused as "FILE:LINE: NUL byte in the
/// line (not a text file?)", lines counted at LF, CRLF or a lone CR.
#define SSOC_READ_TEXT 1u

/// Read a whole input file into a NUL-terminated buffer (*buf, caller frees; *len bytes without
/// the terminator), bounded in size and never blocking on a FIFO without a writer. `what` names the
/// kind of file in messages ("CSV data file"). Refused, SSOC_EIO with one line naming `path`:
/// a path over the system's limits (ssoc_path_check_length), a directory, a device, a socket, a
/// FIFO or pipe with no writer, a regular file larger than `limit` bytes (by its size, before
/// reading), a stream that goes past `limit` (read stops there), a NUL byte with SSOC_READ_TEXT
/// (read stops there). A pipe with a writer is read to its end (/dev/stdin, <(...)).
ssoc_status ssoc_io_read_file(const char *path, const char *what, size_t limit, unsigned flags, char **buf, size_t *len,
                              ssoc_error *err);

/// SSOC_OK if `path` names a regular file (following links) within the system's path limits;
/// otherwise SSOC_EIO "PATH: is a directory, not a WHAT" (a device, FIFO, socket likewise), or
/// "PATH: cannot open: REASON" when it does not exist. For inputs that are opened by name by a
/// library (HDF5) and must not block or be streamed.
ssoc_status ssoc_io_check_regular(const char *path, const char *what, ssoc_error *err);

/// After a failed write to `path` whose cause is unknown (HDF5 does not pass errno on): if the file
/// system of its directory is (nearly) full, less than 16 MB or 1% free, put ": the file system is
/// full (N kB free)" into buf, else "". Never fails; buf of at least 96 bytes.
void ssoc_io_full_note(const char *path, char *buf, size_t cap);

/// Current UTC time as ISO 8601 "YYYY-MM-DDThh:mm:ssZ" into buf (at least 21 bytes).
void ssoc_io_utc_now(char *buf, size_t len);

#endif
