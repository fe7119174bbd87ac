/**
 * The seed's stream-processing example, user-activity monitoring: page views and clicks per user
 * per minute, active users over a sliding five minutes, sessions, enrichment from a user-profile
 * table, a live leaderboard, and fraud alerts appended to the log as events.
 */
package io.tributary.examples.activity;
