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

/* Write it for the file as it is now (ssoc_h5_seal_attributes), or check every entry
 * (ssoc_h5_check_attributes); `fname` names the file in messages. */
ssoc_status ssoc_h5_attrsum_write(hid_t file, const char *fname, ssoc_error *err);
ssoc_status ssoc_h5_attrsum_check(hid_t file, const char *fname, ssoc_error *err);

#endif
