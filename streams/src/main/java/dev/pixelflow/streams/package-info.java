/** Actor protocols, actors and stream graphs for online training and inference (grows with the pipeline). */
package dev.pixelflow.streams;
