/// @file outpath.h
/// Output files written safely: the path checked before any work, the result written to a working
/// file that was created exclusively and is locked, and published under its name by an atomic
/// rename only when complete. Used by every writer: the parameter file (`fit -o`), pictures
/// (`plot`) and the sweep's HDF5 file.
///
/// The promise, per failure mode (tests/RELIABILITY.md has the table with the tests):
/// - A path that cannot be right is refused before any work, with and without --force: empty, longer
///   than the system allows (4095 characters, 255 per name), a directory, a device, a FIFO or socket,
///   a symbolic link (ssoc replaces files, never links or what they point to), a directory that does
///   not exist or cannot be written.
/// - An existing OUT is replaced only with SSOC_OUTPATH_FORCE, and only by the finished file: a run
///   that fails or stops leaves OUT as it was.
/// - The working file is never opened through a symbolic link and never truncated before it is
///   ours: it is created with O_CREAT|O_EXCL|O_NOFOLLOW, or (OUT.partial with --force or --resume)
///   opened without truncation, locked (flock, exclusive, held until publish/release/abandon), and
///   checked to be still the file at that name. A second run on the same output sees the lock in
///   every phase of the first and is refused ("being written by another ssoc run").
/// - Publishing fsyncs the file, renames it (without --force: never over a file that appeared
///   meanwhile) and fsyncs the directory, so a crash leaves the old OUT or the new one, never a
///   half-written one under the final name. A failed rename names the reason; an OUT.partial is
///   then kept and the message says so.
///
/// Two kinds of working file:
/// - default: a hidden unique temporary DIR/.NAME.XXXXXX.tmp (no '%' in it, so PLplot cannot
///   expand it), removed when the writer gives up;
/// - SSOC_OUTPATH_PARTIAL: OUT.partial, kept when a run stops so that it can be resumed.
///
/// With MPI (the sweep), rank 0 alone calls these functions and the ranks agree on the status
/// (ssoc_par_agree): ssoc_outpath_begin on rank 0, agree; every rank opens OUT.partial through HDF5
/// (which must not take its own flock on it: H5Pset_file_locking(fapl, 0, 1), since rank 0 holds
/// the lock through another descriptor), rank 0 calling ssoc_outpath_verify just before; at the
/// end every rank closes the HDF5 file, agree, ssoc_outpath_publish on rank 0, agree. A stopped
/// run calls ssoc_outpath_release (the .partial stays for --resume); a run that failed before
/// writing anything calls ssoc_outpath_abandon (a .partial it created is removed, an existing one
/// it opened with --force or --resume is left as it was).
///
/// Where the file system has no flock (some network file systems), the lock is skipped
/// (ssoc_outpath.locked = 0) and the exclusive creation alone guards the name.
#ifndef SSOC_OUTPATH_H
#define SSOC_OUTPATH_H

#include <stddef.h>
#include <sys/types.h>

#include "ssoc/error.h"

/// Bytes of a path buffer: paths of up to SSOC_PATH_MAX - 1 = 4095 characters (Linux PATH_MAX).
#define SSOC_PATH_MAX 4096
/// Longest name of one path component (Linux NAME_MAX).
#define SSOC_NAME_MAX 255

#define SSOC_OUTPATH_FORCE 1u   ///< an existing OUT may be replaced (--force); also discards an unlocked OUT.partial
#define SSOC_OUTPATH_PARTIAL 2u ///< the working file is OUT.partial (kept when the run stops) instead of a temporary
#define SSOC_OUTPATH_RESUME 4u  ///< continue an existing, non-empty OUT.partial (implies SSOC_OUTPATH_PARTIAL)

/// An output being written. Fill with ssoc_outpath_begin; end with exactly one of
/// ssoc_outpath_publish, ssoc_outpath_release or ssoc_outpath_abandon.
typedef struct ssoc_outpath {
    char path[SSOC_PATH_MAX];      ///< OUT, as given
    char work[SSOC_PATH_MAX + 16]; ///< the working file: OUT.partial or DIR/.NAME.XXXXXX.tmp
    unsigned flags;                ///< SSOC_OUTPATH_* given to ssoc_outpath_begin
    int fd;                        ///< the working file, open read-write (-1 when ended)
    int locked;                    ///< 1 while the exclusive flock is held
    int created;                   ///< 1 if this run created the working file (0: an existing .partial)
    int empty;                     ///< 1 if it was empty when opened: new, or an OUT.partial of a run stopped
                                   ///< before it wrote anything (--resume then starts it afresh)
    dev_t dev;                     ///< identity of the working file, to notice it being replaced
    ino_t ino;
} ssoc_outpath;

/// Check that `path` (OUT) may be written with these flags, without creating, truncating or
/// locking anything. Errors (one line, naming the path and what is wrong):
/// SSOC_EINVAL for an empty path, or --resume with no OUT.partial; SSOC_EEXISTS for an existing OUT
/// without SSOC_OUTPATH_FORCE, or an OUT.partial without --resume or --force; SSOC_EIO for
/// everything else (too long, a directory, a device, a symbolic link, a directory that is missing
/// or not writable, an OUT.partial locked by another run). An empty OUT.partial may be resumed: it
/// is what a run leaves that stopped before writing anything (ssoc_outpath.empty).
ssoc_status ssoc_outpath_check(const char *path, unsigned flags, ssoc_error *err);

/// ssoc_outpath_check, then create (or, for --resume and --force over an unlocked OUT.partial,
/// open without truncating) the working file and lock it. On success `o` owns an open descriptor;
/// on failure nothing was created and `o->fd` is -1. An OUT.partial created without --force is
/// given up again (SSOC_EEXISTS) if OUT appeared meanwhile: another run finished it.
ssoc_status ssoc_outpath_begin(ssoc_outpath *o, const char *path, unsigned flags, ssoc_error *err);

/// SSOC_OK if o->work still names the file this run created or opened (not replaced by another
/// file or a symbolic link). Call before a library opens o->work by name (HDF5, PLplot).
ssoc_status ssoc_outpath_verify(const ssoc_outpath *o, ssoc_error *err);

/// Append `len` bytes to the working file. Errors name OUT and the system error ("No space left on
/// device", "File too large").
ssoc_status ssoc_outpath_write(ssoc_outpath *o, const void *data, size_t len, ssoc_error *err);

/// The working file is complete: fsync it, check that it is non-empty and still ours, rename it to
/// OUT (without SSOC_OUTPATH_FORCE never over an OUT that appeared meanwhile), fsync the directory,
/// close and unlock. On failure a temporary is removed, an OUT.partial kept (the message says where
/// the result is); either way `o` is ended.
ssoc_status ssoc_outpath_publish(ssoc_outpath *o, ssoc_error *err);

/// A run that stopped and may be resumed: close and unlock, keep the working file. NULL-safe.
void ssoc_outpath_release(ssoc_outpath *o);

/// A run that gave up: remove the working file if this run created it (and it is still ours), keep
/// an OUT.partial that existed before; close and unlock. NULL-safe, and harmless on an ended `o`.
void ssoc_outpath_abandon(ssoc_outpath *o);

/// SSOC_OK if `path` fits the system's limits: non-empty (else SSOC_EINVAL), at most 4095
/// characters, no component longer than 255 (else SSOC_EIO, the message giving the length). Every
/// file name from a command line or a configuration goes through this before it is used or stored.
ssoc_status ssoc_path_check_length(const char *path, ssoc_error *err);

#endif
