/** Implementation, not API: the scalar reference kernels (the definitions the vector kernels are tested against). */
package dev.pixelflow.simd.internal.scalar;
