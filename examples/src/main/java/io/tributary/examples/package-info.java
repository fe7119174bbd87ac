/** Runnable examples of the seed's scenarios. */
package io.tributary.examples;
