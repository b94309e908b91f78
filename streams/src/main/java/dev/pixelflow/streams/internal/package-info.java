/**
 * Implementation details of {@code dev.pixelflow.streams}: not a public API, may change without notice.
 * Classes here trust their callers (arguments are validated by the public facade) and only {@code assert}.
 */
package dev.pixelflow.streams.internal;
