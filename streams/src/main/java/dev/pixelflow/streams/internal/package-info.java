/**
 * Implementation of {@code dev.pixelflow.streams}: batch assembly, offset tracking and the stages of the job.
 * Not an API: anything here may change without notice.
 */
@NullMarked
package dev.pixelflow.streams.internal;

import org.jspecify.annotations.NullMarked;
