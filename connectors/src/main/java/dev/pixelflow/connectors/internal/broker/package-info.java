/** Implementation details of {@link dev.pixelflow.connectors.LocalKafkaBroker}: classpath lookup, files, ports. */
package dev.pixelflow.connectors.internal.broker;
