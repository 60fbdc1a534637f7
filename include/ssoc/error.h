/// @file error.h
/// Status codes and the caller-owned error record used by every libssoc function.
/// The library never prints, exits or aborts: it returns a status and fills an ssoc_error.
#ifndef SSOC_ERROR_H
#define SSOC_ERROR_H

#include <stddef.h>

/// Status returned by library functions. SSOC_OK is zero.
typedef enum ssoc_status {
    SSOC_OK = 0,
    SSOC_EINVAL,      ///< invalid argument or option value
    SSOC_EIO,         ///< file could not be opened, read or written
    SSOC_EDATA,       ///< malformed or physically invalid input data
    SSOC_EFIT,        ///< a fit stage failed (too few points, singular design, no convergence)
    SSOC_ENOMEM,      ///< allocation failed
    SSOC_ECONFIG,     ///< invalid configuration file or override
    SSOC_EHDF5,       ///< HDF5 library error or a file that is not what was expected
    SSOC_EMPI,        ///< MPI error
    SSOC_EINTERRUPTED,///< run stopped on request (signal) and can be resumed
    SSOC_EEXISTS,     ///< output exists and overwriting was not allowed
    SSOC_EVERIFY,     ///< a verification or consistency check failed
    SSOC_ESTATUS_COUNT
} ssoc_status;

/// Caller-owned error record. `msg` is one line with context (file:line:field where it applies),
/// without the "ssoc: COMMAND:" prefix; src_file/src_line say where in ssoc it was raised.
typedef struct ssoc_error {
    ssoc_status code;
    char msg[1024];
    const char *src_file;
    int src_line;
} ssoc_error;

/// Fill `err` (which may be NULL) with code and a printf-style message. Returns `code`, so a
/// function can `return SSOC_ERR(err, SSOC_EDATA, "...")`.
ssoc_status ssoc_error_set(ssoc_error *err, ssoc_status code, const char *src_file, int src_line,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/// Reset an error record to SSOC_OK with an empty message. NULL is harmless.
void ssoc_error_clear(ssoc_error *err);

/// Short name of a status code ("data error", ...). Never NULL.
const char *ssoc_status_str(ssoc_status code);

/// Raise an error with the caller's source position.
#define SSOC_ERR(err, code, ...) ssoc_error_set((err), (code), __FILE__, __LINE__, __VA_ARGS__)

#endif
