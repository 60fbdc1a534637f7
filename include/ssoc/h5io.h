/// @file h5io.h
/// The only door to HDF5 (src/h5io.c is the only file that calls it). With MPI active the file
/// is opened with the MPI-IO driver on MPI_COMM_WORLD and raw data are written collectively
/// (H5FD_MPIO_COLLECTIVE); every function here is then COLLECTIVE: all ranks call it in the same
/// order with identical arguments (except the data and the selection of the write calls, where a
/// rank with nothing to write passes an empty range and still takes part). Without MPI it uses
/// the default serial driver. HDF5's own error printing is switched off: failures come back as
/// SSOC_EHDF5 with the file and object named.
#ifndef SSOC_H5IO_H
#define SSOC_H5IO_H

#include <stddef.h>
#include <stdint.h>

#include "ssoc/error.h"

/// An open HDF5 file.
typedef struct ssoc_h5 ssoc_h5;

/// Element types of datasets and attributes.
typedef enum ssoc_h5_type { SSOC_H5_F64 = 0, SSOC_H5_U8, SSOC_H5_I64, SSOC_H5_U64 } ssoc_h5_type;

/// Start HDF5 with its shutdown under our control: call before MPI is initialised (ssoc_par_init)
/// and before any other HDF5 use, and pair it with ssoc_h5_library_close before ssoc_par_finalize.
/// Without it, HDF5 shuts itself down inside MPI_Finalize, which crashes (HDF5 1.10.8) once a file
/// failed to close, e.g. on a full disk.
void ssoc_h5_library_init(void);
/// Shut HDF5 down (H5close) unless a file failed to close in this process, in which case HDF5's
/// shutdown would crash and is skipped (the process is about to exit). Files must be closed first.
void ssoc_h5_library_close(void);

/// Create (truncate) `path`. Writers open files without HDF5's own file lock: the caller holds an
/// exclusive lock on them (outpath.h), so a second writer is refused before HDF5 is called.
ssoc_status ssoc_h5_create(const char *path, ssoc_h5 **out, ssoc_error *err);
/// Open an existing file read-write.
ssoc_status ssoc_h5_open_rw(const char *path, ssoc_h5 **out, ssoc_error *err);
/// Flush metadata and raw data to the file (H5Fflush, global scope).
ssoc_status ssoc_h5_flush(ssoc_h5 *f, ssoc_error *err);
/// Close the file (NULL is harmless). Returns SSOC_EHDF5 if closing failed.
ssoc_status ssoc_h5_close(ssoc_h5 *f, ssoc_error *err);

/// Create a dataset of `rank` dims (intermediate groups are created), chunked with a Fletcher32
/// checksum per chunk. fill = 1: every chunk reads as the fill value (NaN for floats, 0 for
/// integers) until written, for datasets written piecewise and read meanwhile (in a serial file a
/// chunk is allocated when first written; under MPI all are, and filled, at creation); fill = 0:
/// no fill pass, for a dataset the caller writes whole right away (until then its chunks fail
/// their checksum).
ssoc_status ssoc_h5_dataset(ssoc_h5 *f, const char *path, ssoc_h5_type type, int rank, const size_t *dims, int fill,
                            ssoc_error *err);
/// Serial, on a file no other process has open: write the fill value into every chunk of every
/// dataset that is not in the file yet (a serial run's fill = 1 datasets allocate their chunks as
/// they are first written; parallel HDF5 needs them all in place). The data read afterwards are
/// unchanged. *nchunks (may be NULL): how many chunks it wrote.
ssoc_status ssoc_h5_fill_unallocated(const char *path, size_t *nchunks, ssoc_error *err);
/// 1 if the object exists.
int ssoc_h5_exists(ssoc_h5 *f, const char *path);

/// Write the whole dataset from `data` if `writer` is nonzero; other ranks select nothing.
ssoc_status ssoc_h5_write_all(ssoc_h5 *f, const char *path, const void *data, int writer, ssoc_error *err);
/// Write elements [off, off + n) of a 1-D dataset (n = 0: take part with nothing). Like
/// ssoc_h5_write_columns, a piecewise write: in a serial file the data may stay in HDF5's chunk
/// cache (four chunks per dataset; the least recently used go to the file as others come) until
/// ssoc_h5_flush_data, ssoc_h5_flush or ssoc_h5_close.
ssoc_status ssoc_h5_write_range(ssoc_h5 *f, const char *path, size_t off, size_t n, const void *data,
                                ssoc_error *err);
/// Write columns [c0, c1) of a [nT][nrho][nx] dataset, a column being one (rho, x) pair counted
/// x-fastest (c = irho * nx + ix), from buf laid out [nT][c1 - c0]. c0 == c1: take part with nothing.
/// A piecewise write (see ssoc_h5_flush_data).
ssoc_status ssoc_h5_write_columns(ssoc_h5 *f, const char *path, size_t c0, size_t c1, const void *buf,
                                  ssoc_error *err);
/// Push the raw data of every piecewise write so far to the file (the OS), in a serial file, with
/// the metadata that finds them (H5Fflush: chunks allocated since the last flush extend the file);
/// the order of two such calls is the order in which their data reach the file (a kill -9 between
/// them loses the second only). A no-op under MPI, whose collective writes go straight to the file.
ssoc_status ssoc_h5_flush_data(ssoc_h5 *f, ssoc_error *err);
/// Read a whole dataset into `data` (every rank reads). Its element count must equal `n`.
ssoc_status ssoc_h5_read_all(ssoc_h5 *f, const char *path, ssoc_h5_type type, size_t n, void *data,
                             ssoc_error *err);

/// Attribute of object `obj` ("/" for the root): a UTF-8 string (variable length).
ssoc_status ssoc_h5_attr_str(ssoc_h5 *f, const char *obj, const char *name, const char *value, ssoc_error *err);
/// Attribute: a fixed-length string (netCDF's `char` text), for the CF attributes that must not be
/// netCDF-4 `string`s (`Conventions`, `units`); h5py reads it as bytes.
ssoc_status ssoc_h5_attr_text(ssoc_h5 *f, const char *obj, const char *name, const char *value, ssoc_error *err);
/// Attribute: an array of n strings.
ssoc_status ssoc_h5_attr_strs(ssoc_h5 *f, const char *obj, const char *name, const char *const *v, size_t n,
                              ssoc_error *err);
/// Attribute: n numbers (a scalar when n == 1) of `type`, replacing any attribute of that name.
ssoc_status ssoc_h5_attr_num(ssoc_h5 *f, const char *obj, const char *name, ssoc_h5_type type, const void *v,
                             size_t n, ssoc_error *err);
/// Read a string attribute (malloc'd copy in *out; caller frees). SSOC_EHDF5 if missing.
ssoc_status ssoc_h5_attr_get_str(ssoc_h5 *f, const char *obj, const char *name, char **out, ssoc_error *err);
/// Read a numeric attribute of n elements.
ssoc_status ssoc_h5_attr_get_num(ssoc_h5 *f, const char *obj, const char *name, ssoc_h5_type type, void *v,
                                 size_t n, ssoc_error *err);

/// Make 1-D dataset `path` a dimension scale named `name` (H5DSset_scale).
ssoc_status ssoc_h5_make_scale(ssoc_h5 *f, const char *path, const char *name, ssoc_error *err);
/// Attach scale scales[i] to dimension i of dataset `path`, for i < n (H5DSattach_scale).
ssoc_status ssoc_h5_attach_scales(ssoc_h5 *f, const char *path, const char *const *scales, unsigned n,
                                  ssoc_error *err);

/// Seal the file's attributes: write the root attribute `attribute_checksums`, one entry "OBJECT
/// NAME DIGEST" for every attribute written through this module (the ssoc_h5_attr_* writers; not
/// HDF5's dimension-scale bookkeeping CLASS, NAME, REFERENCE_LIST, DIMENSION_LIST), DIGEST being the
/// first 16 hex digits of the SHA-256 of the attribute's canonical form as read back from the file
/// (its object, name, type class, shape and values as little-endian 64-bit numbers or UTF-8
/// strings: src/h5io_attrsum.c). After ssoc_h5_check_attributes, the list checked is carried on.
/// Call after every change of attributes that a reader relies on, before the file is flushed.
/// Collective (every rank must have written the same values).
ssoc_status ssoc_h5_seal_attributes(ssoc_h5 *f, ssoc_error *err);
/// Check every entry of `attribute_checksums` against the attribute it names. SSOC_EHDF5 "PATH:
/// attribute NAME [of OBJECT] fails its checksum: the file is corrupted" for the first that
/// differs (or is missing), or when the list itself is missing. On success the list is this
/// handle's, so that a later seal keeps the entries of attributes written before this session.
ssoc_status ssoc_h5_check_attributes(ssoc_h5 *f, ssoc_error *err);

#endif
