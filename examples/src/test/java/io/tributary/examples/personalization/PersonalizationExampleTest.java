package io.tributary.examples.personalization;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersonalizationExampleTest {
    @Test
    void recommendsWithinAThemeAndSeesTheBetterVariant(@TempDir Path dir) throws Exception {
        PersonalizationExample.Summary s = PersonalizationExample.run(dir);
        assertThat(s.recommendations().get("tent")).hasSize(3)
                .allSatisfy(p -> assertThat(PersonalizationExample.THEMES.get("camping")).contains(p));
        assertThat(s.recommendations().get("desk"))
                .allSatisfy(p -> assertThat(PersonalizationExample.THEMES.get("office")).contains(p));
        assertThat(s.variants().get("A").users()).isEqualTo(PersonalizationExample.SHOPPERS / 2);
        assertThat(s.variants().get("B").users()).isEqualTo(PersonalizationExample.SHOPPERS / 2);
        assertThat(s.variants().get("B").conversionRate()).isGreaterThan(s.variants().get("A").conversionRate());
        assertThat(s.outputEvents()).isPositive();
    }
}
