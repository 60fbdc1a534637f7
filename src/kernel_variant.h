/* Private. src/kernel.c is compiled once per instruction-set variant of the portable build
 * (CMakeLists.txt: baseline x86-64, x86-64-v3 with AVX2, x86-64-v4 with AVX-512), each with
 * SSOC_KERNEL_VARIANT set to the variant's name, so its public functions get that suffix here and
 * src/kernel_isa.c dispatches the unsuffixed names to one variant per process (docs/BUILDING.md,
 * "Portability"). Include before "ssoc/kernel.h", so the declarations are renamed alike. */
#ifndef SSOC_KERNEL_VARIANT_H
#define SSOC_KERNEL_VARIANT_H
#ifdef SSOC_KERNEL_VARIANT
#define SSOC_KV_CAT_(a, b) a##_##b
#define SSOC_KV_CAT(a, b) SSOC_KV_CAT_(a, b)
#define SSOC_KV(name) SSOC_KV_CAT(name, SSOC_KERNEL_VARIANT)
#define ssoc_paramsets_alloc SSOC_KV(ssoc_paramsets_alloc)
#define ssoc_paramsets_free SSOC_KV(ssoc_paramsets_free)
#define ssoc_column_init SSOC_KV(ssoc_column_init)
#define ssoc_kernel_eval SSOC_KV(ssoc_kernel_eval)
#define ssoc_kernel_quantiles SSOC_KV(ssoc_kernel_quantiles)
#define ssoc_kernel_quantiles_scratch SSOC_KV(ssoc_kernel_quantiles_scratch)
#define ssoc_kernel_quantiles_ws SSOC_KV(ssoc_kernel_quantiles_ws)
#define ssoc_kernel_band SSOC_KV(ssoc_kernel_band)
#define ssoc_kernel_ws_alloc SSOC_KV(ssoc_kernel_ws_alloc)
#define ssoc_kernel_ws_free SSOC_KV(ssoc_kernel_ws_free)
#define ssoc_kernel_column SSOC_KV(ssoc_kernel_column)
#endif
#endif
