/* Private: declare libm functions as SIMD-callable so gcc uses glibc's libmvec variants inside
 * `#pragma omp simd` loops without -ffast-math (docs/BUILDING.md, "Vector math"). Include after
 * <math.h>. */
#ifndef SSOC_VECMATH_H
#define SSOC_VECMATH_H
#include <math.h>
#pragma omp declare simd notinbranch
double exp(double);
#pragma omp declare simd notinbranch
double log(double);
#pragma omp declare simd notinbranch
double log1p(double);
#pragma omp declare simd notinbranch
double pow(double, double);
#endif
