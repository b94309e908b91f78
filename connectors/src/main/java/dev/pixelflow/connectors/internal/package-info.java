/**
 * Implementation of the connectors module (image decoding, JSON writing); not public API, may change
 * without notice. Use the types in {@code dev.pixelflow.connectors}.
 */
package dev.pixelflow.connectors.internal;
