package io.tributary.cdc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the module shape: cdc speaks core's API only, its internals stay internal. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tributary.cdc");

    @Test
    void cdcDependsOnlyOnCoreOfTributary() {
        noClasses().that().resideInAPackage("io.tributary.cdc..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tributary.store..", "io.tributary.cqrs..",
                        "io.tributary.eventsourcing..", "io.tributary.server..")
                .check(CLASSES);
    }

    @Test
    void theApiExposesNoInternalTypesExceptThroughTheCaptureFacade() {
        classes().that().resideInAPackage("io.tributary.cdc").and().arePublic()
                .and().doNotHaveSimpleName("PostgresCapture").and().doNotHaveSimpleName("MySqlCapture").and().doNotHaveSimpleName("JdbcSink")
                .should().onlyDependOnClassesThat().resideOutsideOfPackage("io.tributary.cdc.internal..")
                .check(CLASSES);
    }
}
