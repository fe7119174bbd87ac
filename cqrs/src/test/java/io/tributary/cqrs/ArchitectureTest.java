package io.tributary.cqrs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the module shape of DESIGN.md: CQRS speaks core's and eventsourcing's API, never the store's. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tributary.cqrs");

    @Test
    void dependsOnlyOnCoreEventSourcingAndItsLibraries() {
        classes().that().resideInAPackage("io.tributary.cqrs..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.tributary.core..", "io.tributary.cqrs..",
                        "io.tributary.eventsourcing", "com.fasterxml.jackson..", "org.rocksdb..", "org.slf4j..",
                        "java..", "javax.sql..")
                .check(CLASSES);
    }

    @Test
    void neverUsesTheEmbeddedStoreOrEventSourcingInternals() {
        noClasses().that().resideInAPackage("io.tributary.cqrs..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tributary.store..", "io.tributary.eventsourcing.internal..")
                .check(CLASSES);
    }
}
