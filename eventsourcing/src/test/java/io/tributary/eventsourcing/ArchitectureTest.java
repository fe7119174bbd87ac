package io.tributary.eventsourcing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the module shape of DESIGN.md: event sourcing speaks only core's API, internals stay internal. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tributary.eventsourcing");

    @Test
    void dependsOnlyOnCoreJacksonAndSlf4j() {
        classes().that().resideInAPackage("io.tributary.eventsourcing..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.tributary.core..",
                        "io.tributary.eventsourcing..", "com.fasterxml.jackson..", "org.slf4j..", "java..")
                .check(CLASSES);
    }

    @Test
    void internalsAreNotUsedByTheApiExceptToBuild() {
        noClasses().that().resideInAPackage("io.tributary.eventsourcing.internal..")
                .should().dependOnClassesThat().resideInAPackage("io.tributary.store..")
                .check(CLASSES);
    }
}
