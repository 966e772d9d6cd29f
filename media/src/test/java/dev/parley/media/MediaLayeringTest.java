package dev.parley.media;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.parley.net.moq.wire.VarInt;
import dev.parley.net.transport.PathStats;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** media uses net's moq model and path stats only; never Netty, JavaFX or the upper modules. */
class MediaLayeringTest {
    private static final JavaClasses MEDIA = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.parley.media");

    @Test
    void noNettyNoJavaFxNoUpperModules() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("io.netty..", "javafx..", "dev.parley.app..", "dev.parley.rooms..")
                .check(MEDIA);
    }

    /**
     * The network only through the moq model and path stats; besides those, the project's one actor
     * primitive (the watch side runs on it) and the one QUIC varint (hang's legacy container prefixes
     * with it), which are no network.
     */
    @Test
    void onlyTheModelAndPathStatsFromNet() {
        noClasses().should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.parley.net..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("dev.parley.net.moq.model..")))
                        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("dev.parley.net.actor..")))
                        .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(VarInt.class)))
                        .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(PathStats.class))))
                .check(MEDIA);
    }

    @Test
    void codecsAndSourcesDoNotKnowAboutMoq() {
        noClasses().that().resideInAnyPackage("dev.parley.media.codec..", "dev.parley.media.source..",
                        "dev.parley.media.frame..", "dev.parley.media.hang..", "dev.parley.media.playout..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.parley.net..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(VarInt.class))))
                .check(MEDIA);
    }
}
