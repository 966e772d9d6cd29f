package dev.parley.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Nothing below the app imports it, and the lower modules stay free of JavaFX. */
class LayeringTest {
    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.parley");

    @Test
    void nothingOutsideTheAppImportsIt() {
        noClasses().that().resideOutsideOfPackage("dev.parley.app..")
                .should().dependOnClassesThat().resideInAPackage("dev.parley.app..")
                .check(ALL);
    }

    @Test
    void onlyTheAppUsesJavaFx() {
        noClasses().that().resideOutsideOfPackage("dev.parley.app..")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .check(ALL);
    }
}
