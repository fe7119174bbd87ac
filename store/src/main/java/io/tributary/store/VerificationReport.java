package io.tributary.store;

import java.util.List;

/**
 * What {@link Verifier} found in a data directory.
 *
 * @param segments      segment files checked
 * @param frames        frames whose checksum and structure were checked
 * @param events        events found in the log
 * @param streams       streams found in the log
 * @param headPosition  position of the last event, -1 for an empty log
 * @param problems      corruption or index mismatches, each naming file and offset or key; empty when healthy
 * @param notes         things that are not problems but worth knowing (a torn tail that the next open truncates,
 *                      an index that is behind and will catch up)
 */
public record VerificationReport(int segments, long frames, long events, long streams, long headPosition,
                                 List<String> problems, List<String> notes) {
    /** Copies the lists. */
    public VerificationReport {
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /** True when no problem was found. */
    public boolean ok() {
        return problems.isEmpty();
    }

    /** A human-readable summary, one finding per line. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(ok() ? "OK" : "PROBLEMS FOUND").append(": ").append(segments).append(" segments, ")
                .append(frames).append(" frames, ").append(events).append(" events, ").append(streams)
                .append(" streams, head position ").append(headPosition).append('\n');
        for (String p : problems) {
            sb.append("problem: ").append(p).append('\n');
        }
        for (String n : notes) {
            sb.append("note: ").append(n).append('\n');
        }
        return sb.toString();
    }
}
