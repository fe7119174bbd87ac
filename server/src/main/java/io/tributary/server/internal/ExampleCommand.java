package io.tributary.server.internal;

import io.tributary.examples.activity.ActivityExample;
import io.tributary.examples.iot.SensorExample;
import io.tributary.examples.personalization.PersonalizationExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tributary example NAME}: one of the stream-processing examples on an embedded store. */
@Command(name = "example", mixinStandardHelpOptions = true,
        description = {"Run one of the stream-processing examples on an embedded store.",
                "activity: page views and clicks per user per minute, active users, sessions,",
                "  views per country, a leaderboard, fraud alerts;",
                "iot: per-sensor averages over hopping windows and anomaly alerts;",
                "personalization: 'also viewed' recommendations and a live A/B test result."})
public final class ExampleCommand implements Callable<Integer> {
    /** The examples. */
    enum Name { activity, iot, personalization }

    @Parameters(index = "0", paramLabel = "NAME", description = "the example: ${COMPLETION-CANDIDATES}")
    private Name name;

    @Option(names = "--data", paramLabel = "DIR", description = "keep the data in DIR (default: a temporary directory)")
    private Path data;

    /** Runs the example. */
    @Override
    public Integer call() throws Exception {
        String dir = (data != null ? data : Files.createTempDirectory("tributary-" + name)).toString();
        switch (name) {
            case activity -> ActivityExample.main(new String[] {dir});
            case iot -> SensorExample.main(new String[] {dir});
            case personalization -> PersonalizationExample.main(new String[] {dir});
            default -> throw new IllegalStateException("unknown example " + name);
        }
        return 0;
    }
}
