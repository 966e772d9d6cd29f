package dev.parley.media;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Media talks to the network only through the moq model, and never to the UI or rooms. */
class LayeringTest {
    private static final JavaClasses MEDIA = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.parley.media");

    @Test
    void mediaDoesNotUseJavaFxOrUpperLayers() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("javafx..", "dev.parley.app..", "dev.parley.rooms..")
                .check(MEDIA);
    }

    @Test
    void mediaReachesTheNetworkOnlyThroughTheModel() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("io.netty..", "dev.parley.net.quic..", "dev.parley.net.moq.session..",
                        "dev.parley.net.ws..", "dev.parley.net.qmux..")
                .check(MEDIA);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.parley.media.(**)").should().beFreeOfCycles().check(MEDIA);
    }
}
