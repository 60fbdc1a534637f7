/* Private to the HDF5 module (h5io.c, h5io_attrsum.c, sweepfile_read.c, sweepfile_write.c): what
 * the serial reader shares with the collective door to HDF5. */
#ifndef SSOC_H5IO_PRIVATE_H
#define SSOC_H5IO_PRIVATE_H

#include <hdf5.h>

#include "ssoc/error.h"

/* 1 if the object `path` exists in `file`, checked component by component so that a missing
 * group is "no" rather than an HDF5 error. */
int ssoc_h5_link_exists(hid_t file, const char *path);

/* The root attribute that lists every attribute with its checksum (h5io_attrsum.c). */
#define SSOC_H5_ATTRSUM "attribute_checksums"

/* The entry "OBJECT NAME DIGEST" of open attribute `a` (named `name`, of object `obj`): DIGEST into
 * hex, 16 hex digits and a NUL. -1 if the attribute cannot be read. */
int ssoc_h5_attr_digest(hid_t a, const char *obj, const char *name, char hex[17]);
/* Write the list from n entries (sorted here), replacing the file's; or check every entry of the
 * file's list, and on success (when `entries` is not NULL) hand a malloc'd copy of it to the caller
 * (strings and array: free them). `fname` names the file in messages. */
ssoc_status ssoc_h5_attrsum_write(hid_t file, const char *fname, char **entries, size_t n, ssoc_error *err);
ssoc_status ssoc_h5_attrsum_check(hid_t file, const char *fname, char ***entries, size_t *n, ssoc_error *err);

#endif
