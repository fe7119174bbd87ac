package io.tributary.streams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the module shape of DESIGN.md: streams speaks core's API only, and the engine stays internal. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tributary.streams");

    @Test
    void dependsOnlyOnCoreAndItsLibraries() {
        classes().that().resideInAPackage("io.tributary.streams..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.tributary.core..", "io.tributary.streams..",
                        "org.rocksdb..", "org.slf4j..", "com.fasterxml.jackson..", "java..")
                .check(CLASSES);
    }

    @Test
    void neverUsesTheEmbeddedStore() {
        noClasses().that().resideInAPackage("io.tributary.streams..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tributary.store..")
                .check(CLASSES);
    }

    @Test
    void internalsDoNotDependOnTheRuntimeOrTestDriver() {
        noClasses().that().resideInAPackage("io.tributary.streams.internal..")
                .should().dependOnClassesThat().haveSimpleName("StreamProcessor")
                .orShould().dependOnClassesThat().haveSimpleName("TopologyTestDriver")
                .check(CLASSES);
    }
}
