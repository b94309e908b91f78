/**
 * Implementation, not API: the Vector API kernels. The only package that imports
 * {@code jdk.incubator.vector}; loaded reflectively by the provider.
 */
package dev.pixelflow.simd.internal.vector;
