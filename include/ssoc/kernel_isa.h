/// @file kernel_isa.h
/// Which instruction-set variant of the sweep kernel (src/kernel.c) this process runs.
///
/// The portable build (the default, SSOC_NATIVE=OFF, on x86-64) compiles the kernel three times:
/// for baseline x86-64 (SSE2), for x86-64-v3 (AVX2, FMA, BMI2) and for x86-64-v4 (AVX-512), and
/// dispatches the kernel's public functions (include/ssoc/kernel.h) to one of them. The variants
/// call glibc's libmvec through different vector ABIs (SSE, AVX2, AVX-512), whose exp and log1p
/// differ in the last bit for a small fraction of arguments, so two variants agree only to a
/// documented tolerance (docs/BUILDING.md, "Portability"; tests/test_kernel_isa.c measures it),
/// not bit for bit. A sweep therefore runs ONE variant on all its ranks (the best that every
/// rank's CPU supports, or SSOC_KERNEL_ISA), records it in the file (root attribute
/// `kernel_isa`) and resumes only with the same one. A native build (SSOC_NATIVE=ON) or a build
/// for another architecture has a single variant, "native" or "default".
///
/// Not thread-safe against concurrent ssoc_kernel_isa_set: select before parallel work starts.
#ifndef SSOC_KERNEL_ISA_H
#define SSOC_KERNEL_ISA_H

#include "ssoc/error.h"

/// Kernel variants, in increasing order of the instruction set they need.
typedef enum ssoc_kernel_isa {
    SSOC_ISA_DEFAULT = 0, ///< baseline x86-64 (SSE2), or the only variant of a non-x86 build
    SSOC_ISA_AVX2,        ///< x86-64-v3: AVX, AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE
    SSOC_ISA_AVX512F,     ///< x86-64-v4: x86-64-v3 plus AVX-512 F, BW, CD, DQ, VL
    SSOC_ISA_NATIVE,      ///< the single variant of an SSOC_NATIVE=ON build (-march=native)
    SSOC_ISA_COUNT
} ssoc_kernel_isa;

/// Name of a variant as SSOC_KERNEL_ISA and the `kernel_isa` attribute spell it ("default",
/// "avx2", "avx512f", "native"), or NULL if out of range.
const char *ssoc_kernel_isa_name(ssoc_kernel_isa isa);
/// The variant named `name` (exactly): 0 and *out set; -1 for any other string or NULL.
int ssoc_kernel_isa_parse(const char *name, ssoc_kernel_isa *out);
/// 1 if this build contains the variant and this CPU (and OS) can run it, else 0.
int ssoc_kernel_isa_supported(ssoc_kernel_isa isa);
/// The best variant this process can run: the highest supported one.
ssoc_kernel_isa ssoc_kernel_isa_best(void);
/// The variant the SSOC_KERNEL_ISA environment variable asks for: SSOC_OK with *out set and
/// *given = 1, or *given = 0 (and *out untouched) when it is unset or empty; SSOC_EINVAL naming
/// the variable, its value and this build's variants when it names none of them. Whether the CPU
/// supports it is not checked here.
ssoc_status ssoc_kernel_isa_from_env(ssoc_kernel_isa *out, int *given, ssoc_error *err);
/// Run `isa` from now on. SSOC_EINVAL (naming it) if it is not ssoc_kernel_isa_supported.
ssoc_status ssoc_kernel_isa_set(ssoc_kernel_isa isa, ssoc_error *err);
/// The variant in use. Before any ssoc_kernel_isa_set: SSOC_KERNEL_ISA if it names a supported
/// variant, else ssoc_kernel_isa_best().
ssoc_kernel_isa ssoc_kernel_isa_current(void);

#endif
