/**
 * Implementation of {@code dev.pixelflow.streams}: sampler buffers, batch assembly, offset tracking and the
 * stages of the job. Not a public API: anything here may change without notice. Classes here trust their
 * callers (arguments are validated by the public facade) and only {@code assert}.
 */
@NullMarked
package dev.pixelflow.streams.internal;

import org.jspecify.annotations.NullMarked;
