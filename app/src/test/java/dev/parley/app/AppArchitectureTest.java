package dev.parley.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.parley.app.service.CallService;
import dev.parley.app.service.ChatService;
import dev.parley.app.service.DeviceService;
import dev.parley.app.service.RoomSession;
import dev.parley.app.ui.common.FxUiExecutor;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The MVVM and threading rules of the app, checked on the compiled classes. */
class AppArchitectureTest {
    private static final JavaClasses APP = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.parley.app");

    @Test
    void onlyTheFxUiExecutorHopsToTheFxThread() {
        noClasses().that().doNotHaveFullyQualifiedName(FxUiExecutor.class.getName())
                .should().callMethod(javafx.application.Platform.class, "runLater", Runnable.class)
                .check(APP);
    }

    @Test
    void viewsDoNotCallServices() {
        noClasses().that().haveSimpleNameEndingWith("View")
                .should().dependOnClassesThat().belongToAnyOf(CallService.class, DeviceService.class, ChatService.class, RoomSession.class)
                .check(APP);
    }

    @Test
    void servicesAndSettingsDoNotKnowTheUi() {
        noClasses().that().resideInAnyPackage("dev.parley.app.service..", "dev.parley.app.settings..", "dev.parley.app.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "dev.parley.app.ui..")
                .check(APP);
    }

    @Test
    void viewModelsDoNotBuildNodes() {
        noClasses().that().haveSimpleNameEndingWith("ViewModel")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..")
                .check(APP);
    }

    private static final ArchRule NO_CYCLES = slices().matching("dev.parley.app.(**)").should().beFreeOfCycles();

    @Test
    void noPackageCycles() {
        NO_CYCLES.check(APP);
    }

    @Test
    void theCycleRuleFailsOnACycle() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.parley.app.archfixture");
        assertThatThrownBy(() -> NO_CYCLES.check(fixture)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("archfixture");
    }
}
