package io.tributary.benchmarks;

import java.util.ArrayList;
import java.util.List;

/** Builds the Markdown report: sections with a note and a table each. */
final class Report {
    private final StringBuilder text = new StringBuilder();
    private final List<String> problems = new ArrayList<>();

    /** Adds a line of text (a heading, a note) followed by a blank line. */
    Report paragraph(String line) {
        text.append(line).append("\n\n");
        return this;
    }

    /** Starts a table with these column headers. */
    Report table(String... headers) {
        row(headers);
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < headers.length; i++) {
            rule.append(i == 0 ? " --- |" : " ---: |");
        }
        text.append(rule).append('\n');
        return this;
    }

    /** Adds a table row. */
    Report row(String... cells) {
        text.append('|');
        for (String cell : cells) {
            text.append(' ').append(cell.replace("|", "\\|")).append(" |");
        }
        text.append('\n');
        return this;
    }

    /** Ends a table. */
    Report endTable() {
        text.append('\n');
        return this;
    }

    /** Records a failed measurement; listed at the end of the report. */
    void problem(String what, Throwable error) {
        problems.add(what + ": " + error.getMessage());
    }

    /** The whole report. */
    String markdown() {
        if (problems.isEmpty()) {
            return text.toString();
        }
        StringBuilder out = new StringBuilder(text).append("### Problems\n\n");
        for (String p : problems) {
            out.append("- ").append(p.replace("\n", "\n  ")).append('\n');
        }
        return out.append('\n').toString();
    }

    /** "yes" when {@code met}, "NO" otherwise, "n/a" when the value is unknown. */
    static String verdict(double value, boolean met) {
        return Double.isNaN(value) ? "n/a" : met ? "yes" : "NO";
    }
}
