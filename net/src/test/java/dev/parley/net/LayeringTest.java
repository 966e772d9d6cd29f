package dev.parley.net;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The moq model stays transport-free, and net depends on no other Parley module. */
class LayeringTest {
    private static final JavaClasses NET = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.parley.net");

    @Test
    void modelDoesNotUseNetty() {
        noClasses().that().resideInAPackage("dev.parley.net.moq.model..")
                .should().dependOnClassesThat().resideInAPackage("io.netty..")
                .allowEmptyShould(true)
                .check(NET);
    }

    @Test
    void netDoesNotUseUpperLayersOrJavaFx() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("dev.parley.app..", "dev.parley.media..", "dev.parley.rooms..", "javafx..")
                .allowEmptyShould(true)
                .check(NET);
    }

    @Test
    void theMoqSessionLayerDoesNotImportTheTransportBindings() {
        noClasses().that().resideInAPackage("dev.parley.net.moq.session..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.parley.net.quic..", "dev.parley.net.qmux..")
                .check(NET);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.parley.net.(**)").should().beFreeOfCycles().check(NET);
    }
}
