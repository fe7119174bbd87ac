/** Benchmarks of Tributary side by side with peers. */
package io.tributary.benchmarks;
