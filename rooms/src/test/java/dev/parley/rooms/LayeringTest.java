package dev.parley.rooms;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Rooms sit on net only: no UI, no app, no media in main code. */
class LayeringTest {
    private static final JavaClasses ROOMS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.parley.rooms");

    @Test
    void roomsDoNotUseJavaFxAppOrMedia() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("javafx..", "dev.parley.app..", "dev.parley.media..")
                .allowEmptyShould(true)
                .check(ROOMS);
    }

    @Test
    void gossipStateMachinesArePure() {
        noClasses().that().resideInAnyPackage("dev.parley.rooms.gossip.proto..", "dev.parley.rooms.kv..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("dev.parley.net.quic..", "dev.parley.net.transport..", "dev.parley.net.moq..",
                        "io.netty..", "java.util.concurrent..", "java.net..")
                .check(ROOMS);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.parley.rooms.(**)").should().beFreeOfCycles().check(ROOMS);
    }
}
