package io.tributary.store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Keeps the module shape of DESIGN.md: core depends on nothing, internals stay internal. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tributary");

    @Test
    void coreDependsOnlyOnTheJdk() {
        classes().that().resideInAPackage("io.tributary.core..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.tributary.core..", "java..")
                .check(CLASSES);
    }

    @Test
    void coreKnowsNothingOfStore() {
        noClasses().that().resideInAPackage("io.tributary.core..")
                .should().dependOnClassesThat().resideInAPackage("io.tributary.store..")
                .check(CLASSES);
    }

    @Test
    void onlyTheStoreModuleUsesItsInternals() {
        noClasses().that().resideOutsideOfPackage("io.tributary.store..")
                .should().dependOnClassesThat().resideInAPackage("io.tributary.store.internal..")
                .check(CLASSES);
    }

    @Test
    void theStoreApiExposesNoInternalTypes() {
        classes().that().resideInAPackage("io.tributary.store").and().arePublic()
                .and().doNotHaveSimpleName("Tributary").and().doNotHaveSimpleName("Verifier")
                .should().onlyDependOnClassesThat().resideOutsideOfPackage("io.tributary.store.internal..")
                .check(CLASSES);
    }
}
