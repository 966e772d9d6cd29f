package dev.parley.net.moq.model;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/** The model is plain Java: no transport, no wire codec, no session, no logging framework. */
class ModelArchitectureTest {
    private static final JavaClasses MODEL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.parley.net.moq.model");

    @Test
    void modelDependsOnlyOnTheJdk() {
        classes().that().resideInAPackage("dev.parley.net.moq.model")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.parley.net.moq.model", "java..")
                .check(MODEL);
    }
}
