/* Shared pieces of the fuzz harnesses (libFuzzer with clang, or the plain replay driver with gcc).
 * The readers under test take a path, so each input is written to an in-memory file (memfd) and
 * read back through /proc/self/fd/N: no disk traffic, and one file per process. A harness aborts
 * (which libFuzzer and the replay driver report as a crash) when a contract of the library is
 * broken: a non-OK status without a message, a message that is not one line, NaN where SSOC_OK
 * promised finite values. */
#ifndef SSOC_FUZZ_COMMON_H
#define SSOC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/error.h"

/// Path of a file whose content is exactly data[0..size) (valid until the next call).
const char *fz_file(const uint8_t *data, size_t size);

/// Abort with a message on stderr when `cond` is false (harness invariant, not an assert: it must
/// also fire in Release builds).
#define FZ_CHECK(cond, ...)                                                                                       \
    do {                                                                                                          \
        if (!(cond))                                                                                              \
            fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                                      \
    } while (0)

/// Print "fuzz invariant broken" with the formatted detail and abort.
_Noreturn void fz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/// Check the error-record contract after a call that returned `st`: SSOC_OK leaves nothing to
/// check; otherwise err->code == st, the message is non-empty and holds no line break or other
/// control character (the CLI prints it as one line).
void fz_check_error(ssoc_status st, const ssoc_error *err);

/// The libFuzzer entry point every harness defines.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
