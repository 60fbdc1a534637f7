/* Private to the HDF5 module (h5io.c, sweepfile_read.c, sweepfile_write.c): what the serial
 * reader shares with the collective door to HDF5. */
#ifndef SSOC_H5IO_PRIVATE_H
#define SSOC_H5IO_PRIVATE_H

#include <hdf5.h>

/* 1 if the object `path` exists in `file`, checked component by component so that a missing
 * group is "no" rather than an HDF5 error. */
int ssoc_h5_link_exists(hid_t file, const char *path);

#endif
