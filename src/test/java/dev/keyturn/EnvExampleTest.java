package dev.keyturn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code .env.example} is the list a deployment works from, so it must name every variable the service reads, with
 * the service's own defaults; and each default is stated once: in the application.properties line that binds the
 * variable, not again in a config mapping's {@code @WithDefault} or a {@code @ConfigProperty} default, where the two
 * could drift apart unseen.
 */
class EnvExampleTest {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");
    private static final Pattern PROPERTY_REFERENCE = Pattern.compile("\\$\\{([a-z][a-z0-9.\\-\"]*)(?::[^}]*)?}");
    private static final Pattern JAVA_ENV_LITERAL = Pattern.compile("\\b(KEYTURN_[A-Z0-9_]+)\\b");
    private static final Pattern CONFIG_PROPERTY = Pattern.compile(
            "@ConfigProperty\\(name = \"([^\"]+)\"(, defaultValue = \"[^\"]*\")?\\)");
    private static final Pattern MAPPING_PREFIX = Pattern.compile("@ConfigMapping\\(prefix = \"([^\"]+)\"\\)");
    private static final Pattern DEFAULTED_METHOD = Pattern.compile(
            "@(?:io\\.smallrye\\.config\\.)?WithDefault\\(\"[^\"]*\"\\)(?:\\s*@\\w+(?:\\([^)]*\\))?)*\\s+[\\w.<>]+\\s+(\\w+)\\(\\)");
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::?-[^}]*)?}");

    /** Base-profile properties (no {@code %dev}/{@code %test} line): what production reads. */
    private static Map<String, String> properties;
    /** Variables that application.properties binds, with the default it gives them ("" when none). */
    private static Map<String, String> boundVariables;
    private static Map<String, String> envExample;
    private static String javaSources;

    @BeforeAll
    static void read() throws IOException {
        properties = new LinkedHashMap<>();
        boundVariables = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("%")) {
                continue;
            }
            int equals = line.indexOf('=');
            properties.put(line.substring(0, equals), line.substring(equals + 1));
            Matcher reference = ENV_REFERENCE.matcher(line);
            while (reference.find()) {
                boundVariables.putIfAbsent(reference.group(1), reference.group(2) == null ? "" : reference.group(2));
            }
        }
        envExample = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(".env.example"))) {
            Matcher assignment = Pattern.compile("^([A-Z][A-Z0-9_]*)=(.*)$").matcher(line);
            if (assignment.matches()) {
                assertThat(envExample.put(assignment.group(1), assignment.group(2)))
                        .as(".env.example sets %s twice", assignment.group(1)).isNull();
            }
        }
        StringBuilder sources = new StringBuilder();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
                sources.append(Files.readString(file)).append('\n');
            }
        }
        javaSources = sources.toString();
    }

    @Test
    void everyVariableTheServiceReadsIsListed() {
        Set<String> read = new TreeSet<>(boundVariables.keySet());
        Matcher literal = JAVA_ENV_LITERAL.matcher(javaSources);
        while (literal.find()) {
            read.add(literal.group(1));
        }
        assertThat(read).isNotEmpty().allSatisfy(variable -> assertThat(envExample)
                .as(".env.example lists %s", variable).containsKey(variable));
    }

    @Test
    void listedValuesAreTheServiceDefaults() {
        Map<String, String> different = new TreeMap<>();
        boundVariables.forEach((variable, defaultValue) -> {
            String listed = envExample.get(variable);
            if (!defaultValue.isEmpty() && listed != null && !listed.equals(defaultValue)) {
                different.put(variable, "application.properties " + defaultValue + ", .env.example " + listed);
            }
        });
        assertThat(different).as("variables whose .env.example value is not the default").isEmpty();
    }

    @Test
    void everyListedVariableIsRead() throws IOException {
        Set<String> readNames = new TreeSet<>(boundVariables.keySet());
        Matcher literal = JAVA_ENV_LITERAL.matcher(javaSources);
        while (literal.find()) {
            readNames.add(literal.group(1));
        }
        // A property the service looks up by name is also read from its environment-variable form.
        for (String value : properties.values()) {
            Matcher reference = PROPERTY_REFERENCE.matcher(value);
            while (reference.find()) {
                readNames.add(environmentName(reference.group(1)));
            }
        }
        Matcher configProperty = CONFIG_PROPERTY.matcher(javaSources);
        while (configProperty.find()) {
            readNames.add(environmentName(configProperty.group(1)));
        }
        Matcher compose = COMPOSE_VARIABLE.matcher(Files.readString(Path.of("docker-compose.yml")));
        while (compose.find()) {
            readNames.add(compose.group(1));
        }
        assertThat(envExample.keySet()).allSatisfy(variable -> assertThat(readNames)
                .as("%s in .env.example is read by the service or docker-compose.yml", variable).contains(variable));
    }

    @Test
    void aPropertyBoundInApplicationPropertiesHasNoSecondDefaultInCode() {
        List<String> twice = new java.util.ArrayList<>();
        Matcher configProperty = CONFIG_PROPERTY.matcher(javaSources);
        while (configProperty.find()) {
            if (configProperty.group(2) != null && properties.containsKey(configProperty.group(1))) {
                twice.add(configProperty.group(1) + " (@ConfigProperty defaultValue)");
            }
        }
        for (String source : javaSources.split("(?=package dev\\.keyturn)")) {
            Matcher prefix = MAPPING_PREFIX.matcher(source);
            if (!prefix.find()) {
                continue;
            }
            Matcher defaulted = DEFAULTED_METHOD.matcher(source);
            while (defaulted.find()) {
                String property = prefix.group(1) + "." + kebabCase(defaulted.group(1));
                if (properties.containsKey(property)) {
                    twice.add(property + " (@WithDefault)");
                }
            }
        }
        assertThat(twice).as("defaults stated both in application.properties and in code").isEmpty();
    }

    @Test
    void theCheckItselfSeesAMappingDefault() {
        // Guards the pattern above: a defaulted mapping method of today's code is found by it.
        Matcher defaulted = DEFAULTED_METHOD.matcher("""
                @WithDefault("PT15M")
                Duration verificationCodeLifetime();
                @WithDefault("5")
                @WithConverter(Foo.class)
                int verificationMaxAttempts();
                """);
        assertThat(defaulted.find()).isTrue();
        assertThat(defaulted.group(1)).isEqualTo("verificationCodeLifetime");
        assertThat(defaulted.find()).isTrue();
        assertThat(defaulted.group(1)).isEqualTo("verificationMaxAttempts");
        assertThat(kebabCase("loginPerAccountAndIp")).isEqualTo("login-per-account-and-ip");
        assertThat(environmentName("keyturn.db.url")).isEqualTo("KEYTURN_DB_URL");
    }

    private static String kebabCase(String method) {
        return method.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** SmallRye Config's environment-variable form of a property name. */
    private static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
