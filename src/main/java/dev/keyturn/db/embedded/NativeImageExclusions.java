package dev.keyturn.db.embedded;

import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;

import com.oracle.svm.core.annotate.Delete;
import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

import io.smallrye.config.ConfigSourceContext;

/**
 * Keeps the embedded PostgreSQL of dev mode and tests out of the native executable.
 * <p>
 * A native executable always runs the {@code prod} profile, where {@link EmbeddedDatabaseConfigSourceFactory}
 * supplies nothing; but its factory is registered as a service, so the native-image analysis would follow it
 * into {@link EmbeddedDatabase} and on to {@code io.zonky.test} classes that are not in the packaged
 * application (Maven scope {@code provided}), and Quarkus builds with {@code --link-at-build-time}. These
 * GraalVM substitutions (read only by native-image; the JVM never loads them) make the factory answer
 * nothing and delete {@link EmbeddedDatabase} from the image, so any remaining use fails the build by name.
 */
final class NativeImageExclusions {

    private NativeImageExclusions() {
    }
}

@TargetClass(EmbeddedDatabaseConfigSourceFactory.class)
final class Target_dev_keyturn_db_embedded_EmbeddedDatabaseConfigSourceFactory {

    @Substitute
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        return List.of();
    }
}

@TargetClass(EmbeddedDatabase.class)
@Delete
final class Target_dev_keyturn_db_embedded_EmbeddedDatabase {
}
