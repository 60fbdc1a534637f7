/* Checksums of a file's attributes (h5io.h ssoc_h5_seal_attributes / ssoc_h5_check_attributes).
 * HDF5 checks raw data (the Fletcher32 filter of every chunk) but nothing checks an attribute: a
 * bit flipped in the root `confidence` reads back as another plausible number. So the writer
 * digests every attribute as it writes it (h5io.c attr_write reads it back through
 * ssoc_h5_attr_digest), lists them in one root attribute when it seals the file, and the readers
 * recompute and compare every entry before they use any attribute.
 *
 * The canonical form of an attribute, hashed with SHA-256 (OpenSSL): the tag "ssoc-attribute-1",
 * the object's path and the attribute's name (each NUL-terminated), a class byte ('i' signed and
 * 'u' unsigned integer, 'f' float, 's' string, 'o' other), the rank and extents as 64-bit
 * little-endian numbers, then the values: numbers converted by HDF5 to 64-bit little-endian
 * integers or IEEE doubles, strings as a 64-bit length and their bytes, anything else as HDF5
 * reads it. An entry of the list is "OBJECT NAME DIGEST", DIGEST the first 16 hex digits (64
 * bits) of the hash: enough to tell a damaged attribute from an intact one (this guards against
 * accidents, not against someone who rewrites the list). */
#include <hdf5.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h5io_private.h"

static void put(EVP_MD_CTX *ctx, const void *p, size_t n) { EVP_DigestUpdate(ctx, p, n); }

static void put_u64(EVP_MD_CTX *ctx, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; ++i)
        b[i] = (unsigned char)(v >> (8 * i));
    put(ctx, b, 8);
}

/* The values of attribute `a` (n elements of file type ft) into the hash; -1 if unreadable. */
static int put_values(EVP_MD_CTX *ctx, hid_t a, hid_t ft, H5T_class_t cl, size_t n)
{
    int rc = 0;
    if (cl == H5T_INTEGER || cl == H5T_FLOAT) {
        const hid_t mt = cl == H5T_FLOAT ? H5T_IEEE_F64LE : H5Tget_sign(ft) == H5T_SGN_NONE ? H5T_STD_U64LE : H5T_STD_I64LE;
        unsigned char *v = malloc(n ? 8 * n : 1);
        rc = v && H5Aread(a, mt, v) >= 0 ? 0 : -1;
        if (!rc)
            put(ctx, v, 8 * n);
        free(v);
    } else if (cl == H5T_STRING && H5Tis_variable_str(ft) > 0) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ft));
        char **v = calloc(n ? n : 1, sizeof *v);
        rc = v && H5Aread(a, mt, v) >= 0 ? 0 : -1;
        for (size_t i = 0; v && i < n; ++i) {
            const size_t len = v[i] ? strlen(v[i]) : 0;
            if (!rc) {
                put_u64(ctx, len);
                put(ctx, v[i] ? v[i] : "", len);
            }
            if (v[i])
                H5free_memory(v[i]);
        }
        free(v);
        H5Tclose(mt);
    } else {
        /* fixed-length strings (NUL-padded) and any other class: the bytes HDF5 reads with the
         * file's own type; strings still hashed as length and bytes */
        const size_t es = H5Tget_size(ft);
        hid_t mt = H5Tcopy(ft);
        unsigned char *v = malloc(n * es > 0 ? n * es : 1);
        rc = v && H5Aread(a, mt, v) >= 0 ? 0 : -1;
        for (size_t i = 0; !rc && i < n; ++i) {
            const unsigned char *e = v + i * es;
            size_t len = es;
            if (cl == H5T_STRING) {
                len = strnlen((const char *)e, es);
                put_u64(ctx, len);
            }
            put(ctx, e, len);
        }
        free(v);
        H5Tclose(mt);
    }
    return rc;
}

int ssoc_h5_attr_digest(hid_t a, const char *obj, const char *name, char hex[17])
{
    hid_t ft = H5Aget_type(a), sp = H5Aget_space(a);
    const H5T_class_t cl = H5Tget_class(ft);
    const int rank = H5Sget_simple_extent_ndims(sp);
    const hssize_t np = H5Sget_simple_extent_npoints(sp);
    hsize_t dims[H5S_MAX_RANK] = {0};
    int rc = rank < 0 || np < 0 || ft < 0 ? -1 : 0;
    if (!rc)
        H5Sget_simple_extent_dims(sp, dims, NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        rc = -1;
    if (!rc) {
        const char tag = cl == H5T_INTEGER ? (H5Tget_sign(ft) == H5T_SGN_NONE ? 'u' : 'i')
                         : cl == H5T_FLOAT ? 'f'
                         : cl == H5T_STRING ? 's'
                                            : 'o';
        put(ctx, "ssoc-attribute-1", 17);
        put(ctx, obj, strlen(obj) + 1);
        put(ctx, name, strlen(name) + 1);
        put(ctx, &tag, 1);
        put_u64(ctx, (uint64_t)rank);
        for (int i = 0; i < rank; ++i)
            put_u64(ctx, dims[i]);
        rc = put_values(ctx, a, ft, cl, (size_t)np);
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    if (!rc && (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen < 8))
        rc = -1;
    for (int i = 0; !rc && i < 8; ++i)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    EVP_MD_CTX_free(ctx);
    H5Sclose(sp);
    H5Tclose(ft);
    return rc;
}

/* ------------------------------------------------------------------ writing the list */

static int by_entry(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

ssoc_status ssoc_h5_attrsum_write(hid_t file, const char *fname, char **entries, size_t n, ssoc_error *err)
{
    qsort(entries, n, sizeof *entries, by_entry);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hsize_t d = n;
    hid_t sp = H5Screate_simple(1, &d, NULL);
    if (H5Aexists(file, SSOC_H5_ATTRSUM) > 0)
        H5Adelete(file, SSOC_H5_ATTRSUM);
    hid_t a = H5Acreate2(file, SSOC_H5_ATTRSUM, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    ssoc_status st = SSOC_OK;
    if (a < 0 || H5Awrite(a, t, entries) < 0)
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: cannot write attribute %s", fname, SSOC_H5_ATTRSUM);
    if (a >= 0)
        H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    return st;
}

/* ------------------------------------------------------------------ checking it */

/* "attribute NAME" for the root, "attribute NAME of OBJECT" otherwise */
static ssoc_status bad_attr(ssoc_error *err, const char *fname, const char *obj, const char *name, const char *what)
{
    const int root = !strcmp(obj, "/");
    return SSOC_ERR(err, SSOC_EHDF5, "%s: attribute %s%s%s %s: the file is corrupted", fname, name, root ? "" : " of ",
                    root ? "" : obj, what);
}

static ssoc_status check_entry(hid_t file, const char *fname, const char *entry, size_t k, ssoc_error *err)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", entry ? entry : "");
    char *sp1 = strchr(buf, ' '), *sp2 = strrchr(buf, ' ');
    if (!sp1 || sp1 == sp2 || strlen(sp2 + 1) != 16 || buf[0] != '/')
        return SSOC_ERR(err, SSOC_EHDF5, "%s: entry %zu of attribute %s is malformed: the file is corrupted", fname, k,
                        SSOC_H5_ATTRSUM);
    *sp1 = *sp2 = '\0';
    const char *obj = buf, *name = sp1 + 1, *want = sp2 + 1;
    if (strcmp(obj, "/") && !ssoc_h5_link_exists(file, obj))
        return SSOC_ERR(err, SSOC_EHDF5, "%s: %s is missing (its attributes are listed in %s): the file is corrupted",
                        fname, obj, SSOC_H5_ATTRSUM);
    if (H5Aexists_by_name(file, obj, name, H5P_DEFAULT) <= 0)
        return bad_attr(err, fname, obj, name, "is missing");
    hid_t a = H5Aopen_by_name(file, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    char hex[17] = "";
    const int rc = a < 0 ? -1 : ssoc_h5_attr_digest(a, obj, name, hex);
    if (a >= 0)
        H5Aclose(a);
    if (rc || strcmp(hex, want) != 0)
        return bad_attr(err, fname, obj, name, "fails its checksum");
    return SSOC_OK;
}

ssoc_status ssoc_h5_attrsum_check(hid_t file, const char *fname, char ***entries, size_t *n_entries, ssoc_error *err)
{
    if (H5Aexists(file, SSOC_H5_ATTRSUM) <= 0)
        return SSOC_ERR(err, SSOC_EHDF5, "%s: no attribute %s (the attributes' checksums): the file is corrupted", fname,
                        SSOC_H5_ATTRSUM);
    hid_t a = H5Aopen(file, SSOC_H5_ATTRSUM, H5P_DEFAULT);
    hid_t ft = a >= 0 ? H5Aget_type(a) : -1, sp = a >= 0 ? H5Aget_space(a) : -1;
    const hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    ssoc_status st = SSOC_OK;
    char **v = NULL;
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    if (a < 0 || n < 1 || H5Tget_class(ft) != H5T_STRING || H5Tis_variable_str(ft) <= 0 ||
        !(v = calloc((size_t)n, sizeof *v)) || H5Aread(a, mt, v) < 0)
        st = SSOC_ERR(err, SSOC_EHDF5, "%s: attribute %s is unreadable: the file is corrupted", fname, SSOC_H5_ATTRSUM);
    for (hssize_t k = 0; !st && k < n; ++k)
        st = check_entry(file, fname, v[k], (size_t)k, err);
    /* the verified list, in the caller's memory, for a writer that goes on adding to it */
    char **copy = entries && !st ? calloc((size_t)n, sizeof *copy) : NULL;
    if (entries && !st && !copy)
        st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    for (hssize_t k = 0; copy && k < n; ++k)
        if (!(copy[k] = strdup(v[k])))
            st = SSOC_ERR(err, SSOC_ENOMEM, "out of memory");
    if (entries && !st) {
        *entries = copy;
        *n_entries = (size_t)n;
    } else if (copy) {
        for (hssize_t k = 0; k < n; ++k)
            free(copy[k]);
        free(copy);
    }
    for (hssize_t k = 0; v && k < n; ++k)
        if (v[k])
            H5free_memory(v[k]);
    free(v);
    H5Tclose(mt);
    if (sp >= 0)
        H5Sclose(sp);
    if (ft >= 0)
        H5Tclose(ft);
    if (a >= 0)
        H5Aclose(a);
    return st;
}
