/**
 * Personalization with stream processing, the seed's fourth use case: real-time "also viewed"
 * recommendations from browsing sessions, and live A/B test results (conversion per variant).
 * {@link io.tributary.examples.personalization.Personalization} is the topology,
 * {@link io.tributary.examples.personalization.PersonalizationExample} runs it on an embedded store.
 */
package io.tributary.examples.personalization;
