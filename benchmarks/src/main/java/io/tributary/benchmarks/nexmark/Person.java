package io.tributary.benchmarks.nexmark;

/**
 * A person who registers to buy or sell (NEXMark's {@code Person}).
 *
 * @param id           the person's id (from 1000)
 * @param name         first and last name
 * @param emailAddress a made-up address
 * @param creditCard   16 digits in groups of four
 * @param city         one of ten US cities
 * @param state        one of six US states (AZ, CA, ID, OR, WA, WY)
 * @param dateTime     registration time, epoch milliseconds
 * @param extra        padding up to the average person size
 */
public record Person(long id, String name, String emailAddress, String creditCard, String city, String state,
                     long dateTime, String extra) implements NexmarkEvent {
}
