"""A sweep file read the way a netCDF/xarray user reads it (tests/cli_netcdf.sh).

    netcdf_check.py FILE x=AXIS rho=AXIS T=AXIS

AXIS is the grid axis as the configuration gave it: start:stop:count (numpy.linspace) or a comma
list. For each engine (netcdf4: the netCDF-C library; h5netcdf: h5py) and EVERY group of the file
(found with h5py, not from a list), xarray.open_dataset must open the group with named dimensions
only (no phony_dim_*), every variable must carry long_name, and units unless it is a flag variable
(CF flag_masks/flag_values with flag_meanings) or a parameter table (parameter_units, one per
column); every grid coordinate a group holds must equal the configured axis to the bit with its
units. Then it decodes flags with nothing but their CF attributes: /extrapolated's T_outside_data
bit is set exactly at the grid temperatures outside the data's (attribute data_T_range), and the
rule status codes name their meaning. Prints one line per group and engine; exits non-zero with
the first failure.
"""
import sys

import h5py
import numpy as np
import xarray as xr

UNITS = {"x": "1", "rho": "g/cm3", "T": "K"}


def axis(spec):
    if ":" in spec:
        a, b, n = spec.split(":")
        return np.linspace(float(a), float(b), int(n))
    return np.array([float(v) for v in spec.split(",")])


def fail(msg):
    sys.exit("netcdf_check: " + msg)


def groups(path):
    found = ["/"]
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: found.append("/" + n) if isinstance(o, h5py.Group) else None)
    return found


def flag_names(var, value):
    """The flag_meanings that apply to `value`, from the variable's CF attributes alone."""
    meanings = var.attrs["flag_meanings"].split()
    if "flag_masks" in var.attrs:
        return [m for m, k in zip(meanings, np.atleast_1d(var.attrs["flag_masks"])) if int(value) & int(k)]
    return [m for m, k in zip(meanings, np.atleast_1d(var.attrs["flag_values"])) if int(value) == int(k)]


def check_group(path, group, engine, grid):
    ds = xr.open_dataset(path, group=None if group == "/" else group.lstrip("/"), engine=engine)
    try:
        where = "%s %s" % (engine, group)
        phony = [d for d in ds.dims if str(d).startswith("phony_dim")]
        if phony:
            fail("%s: unnamed dimensions %s" % (where, phony))
        for name, var in ds.variables.items():
            a = var.attrs
            if "long_name" not in a:
                fail("%s: %s has no long_name" % (where, name))
            flags = "flag_meanings" in a and ("flag_masks" in a or "flag_values" in a)
            table = "parameter_units" in a
            if not (flags or table or "units" in a) and var.dtype.kind == "f":
                fail("%s: %s has no units" % (where, name))
            if table and len(a["parameter_units"]) != var.shape[-1]:
                fail("%s: %s: %d parameter_units for %d columns" % (where, name, len(a["parameter_units"]),
                                                                    var.shape[-1]))
        for c in ("x", "rho", "T"):
            if c in ds.dims and group != "/fit/data":
                if c not in ds.coords:
                    fail("%s: dimension %s has no coordinate values" % (where, c))
                if not np.array_equal(ds[c].values, grid[c]):
                    fail("%s: coordinate %s = %s, configured %s" % (where, c, ds[c].values, grid[c]))
                if ds[c].attrs.get("units") != UNITS[c]:
                    fail("%s: coordinate %s has units %r" % (where, c, ds[c].attrs.get("units")))
        if group == "/":
            if ds.attrs.get("Conventions") != "CF-1.10":
                fail("%s: Conventions = %r" % (where, ds.attrs.get("Conventions")))
            ex = ds["extrapolated"]
            lo, hi = ex.attrs["data_T_range"]
            for it, T in enumerate(ds["T"].values):
                outside = not (lo <= T <= hi)
                got = {("T_outside_data" in flag_names(ex, v)) for v in np.unique(ex.values[it])}
                if got != {outside}:
                    fail("%s: /extrapolated at T = %g decodes T_outside_data %s, expected %s" % (where, T, got,
                                                                                                outside))
        if group == "/rules":
            st = ds["rho_opt_status"]
            codes = np.unique(st.values)
            names = [flag_names(st, v) for v in codes]
            if any(len(n) != 1 for n in names) or "defined" not in sum(names, []):
                fail("%s: rho_opt_status codes %s decode to %s" % (where, codes, names))
        if group == "/fit":
            if ds["params_boot"].dims != ("replicate", "parameter"):
                fail("%s: params_boot has dimensions %s" % (where, ds["params_boot"].dims))
            if "params_jack" in ds and ds["params_jack"].dims != ("point", "parameter"):
                fail("%s: params_jack has dimensions %s" % (where, ds["params_jack"].dims))
        print("%-8s %-12s %-28s %s" % (engine, group, dict(ds.sizes), sorted(ds.data_vars)))
    finally:
        ds.close()


def main():
    path = sys.argv[1]
    grid = dict(a.split("=", 1) for a in sys.argv[2:])
    grid = {k: axis(v) for k, v in grid.items()}
    gs = groups(path)
    for want in ("/", "/sigma", "/structure", "/rules", "/fit", "/fit/data", "/progress"):
        if want not in gs:
            fail("no group %s in %s" % (want, path))
    for engine in ("netcdf4", "h5netcdf"):
        for g in gs:
            check_group(path, g, engine, grid)


if __name__ == "__main__":
    main()
