/// @file ssoc.h
/// Umbrella header of libssoc: include this to get the whole public interface. Every header
/// under include/ssoc is here, and none of them needs a third-party header (MPI, HDF5, PLplot,
/// cJSON, GSL): tests/test_umbrella.c compiles this with libssoc's include path alone.
///
/// The layers (README.md, "Architecture"): the science core (model, stats, data, fit, boot,
/// rules, kernel), MPI behind par, HDF5 behind h5io and sweepfile, PLplot behind plot, and the
/// files, configuration, reports and the sweep driver on top.
#ifndef SSOC_SSOC_H
#define SSOC_SSOC_H

#include "ssoc/error.h"
#include "ssoc/version.h"

/* the science core */
#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/fit.h"
#include "ssoc/kernel.h"
#include "ssoc/kernel_isa.h"
#include "ssoc/model.h"
#include "ssoc/monitor.h"
#include "ssoc/rules.h"
#include "ssoc/stats.h"

/* parallel and I/O */
#include "ssoc/h5io.h"
#include "ssoc/io.h"
#include "ssoc/outpath.h"
#include "ssoc/par.h"
#include "ssoc/sweepfile.h"

/* files, configuration, reports, pictures, the sweep */
#include "ssoc/config.h"
#include "ssoc/paramfile.h"
#include "ssoc/plausible.h"
#include "ssoc/plot.h"
#include "ssoc/progress.h"
#include "ssoc/query.h"
#include "ssoc/report.h"
#include "ssoc/suggest.h"
#include "ssoc/sweep.h"
#include "ssoc/validate.h"

#endif
