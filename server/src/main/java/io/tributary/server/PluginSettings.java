package io.tributary.server;

import java.util.Optional;

/**
 * A plugin's {@code settings:} from the configuration file. Every accessor throws
 * {@link IllegalArgumentException} naming the key when a required setting is missing or a value
 * is of the wrong kind; the server reports it as a configuration error.
 */
public interface PluginSettings {

    /** The text of {@code key}; required. */
    String text(String key);

    /** The text of {@code key}, or {@code defaultValue} when absent. */
    String text(String key, String defaultValue);

    /** The text of {@code key}, if given. */
    Optional<String> optionalText(String key);

    /** The whole number of {@code key} between {@code min} and {@code max}, or {@code defaultValue} when absent. */
    long number(String key, long defaultValue, long min, long max);

    /** The boolean of {@code key}, or {@code defaultValue} when absent. */
    boolean bool(String key, boolean defaultValue);
}
