/** The seed's IoT example: per-sensor averages over hopping windows and an anomaly alert when a reading departs from its sensor's recent average. */
package io.tributary.examples.iot;
