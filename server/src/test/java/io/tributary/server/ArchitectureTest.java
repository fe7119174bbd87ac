package io.tributary.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the server on the public APIs of the modules below it, and them unaware of it. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tributary");

    @Test
    void theServerUsesNoStoreInternals() {
        noClasses().that().resideInAPackage("io.tributary.server..")
                .should().dependOnClassesThat().resideInAPackage("io.tributary.store.internal..")
                .check(CLASSES);
    }

    @Test
    void theServerUsesNoCqrsInternals() {
        noClasses().that().resideInAPackage("io.tributary.server..")
                .should().dependOnClassesThat().resideInAPackage("io.tributary.cqrs.internal..")
                .check(CLASSES);
    }

    @Test
    void nothingBelowTheServerKnowsIt() {
        noClasses().that().resideOutsideOfPackage("io.tributary.server..")
                .should().dependOnClassesThat().resideInAPackage("io.tributary.server..")
                .check(CLASSES);
    }

    @Test
    void theServerApiDoesNotLeakTheHttpFramework() {
        noClasses().that().resideInAPackage("io.tributary.server")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..")
                .check(CLASSES);
    }
}
