/// @file ssoc.h
/// Umbrella header of libssoc: include this to get the whole public interface.
#ifndef SSOC_SSOC_H
#define SSOC_SSOC_H

#include "ssoc/boot.h"
#include "ssoc/data.h"
#include "ssoc/error.h"
#include "ssoc/fit.h"
#include "ssoc/io.h"
#include "ssoc/model.h"
#include "ssoc/paramfile.h"
#include "ssoc/stats.h"
#include "ssoc/validate.h"
#include "ssoc/version.h"

#endif
