/**
 * Implementation, not API: the kernel interface, the provider that picks scalar or Vector API kernels, the
 * compute thread pool and the validated op geometries. May change without notice.
 */
package dev.pixelflow.simd.internal;
