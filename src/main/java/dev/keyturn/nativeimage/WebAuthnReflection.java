package dev.keyturn.nativeimage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeReflection;

/**
 * webauthn4j reads and writes WebAuthn's data (registration and assertion responses, attestation objects, client
 * data, COSE keys) with Jackson, by reflection: constructors marked {@code @JsonCreator}, getters, the serializers and
 * deserializers its annotations name. The native-image analysis sees none of it, so the executable could not read a
 * passkey's answer ("cannot deserialize … this appears to be a native image"; it/SecondFactorsIT found it).
 * <p>
 * This GraalVM feature, run by native-image only ({@code --features} in application.properties, "Native
 * executable"), registers every class of webauthn4j's data, credential and Jackson-converter packages for reflection,
 * read from the webauthn4j jars on the image's class path: a listing by package rather than by class, so that a
 * webauthn4j upgrade that adds a type needs no change here.
 */
public final class WebAuthnReflection implements Feature {

    private static final List<String> PACKAGES = List.of("com/webauthn4j/data/", "com/webauthn4j/credential/",
            "com/webauthn4j/authenticator/", "com/webauthn4j/converter/jackson/");

    @Override
    public void beforeAnalysis(BeforeAnalysisAccess access) {
        for (Path entry : access.getApplicationClassPath()) {
            String name = entry.getFileName() == null ? "" : entry.getFileName().toString();
            if (name.startsWith("com.webauthn4j.") || name.startsWith("webauthn4j-")) {
                register(access, entry);
            }
        }
    }

    private static void register(BeforeAnalysisAccess access, Path jar) {
        if (!Files.isRegularFile(jar)) {
            return;
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String entry = entries.nextElement().getName();
                if (entry.endsWith(".class") && !entry.endsWith("module-info.class")
                        && PACKAGES.stream().anyMatch(entry::startsWith)) {
                    Class<?> type = access.findClassByName(entry.substring(0, entry.length() - 6).replace('/', '.'));
                    if (type != null) {
                        RuntimeReflection.register(type);
                        RuntimeReflection.register(type.getDeclaredConstructors());
                        RuntimeReflection.register(type.getDeclaredMethods());
                        RuntimeReflection.register(type.getDeclaredFields());
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + jar, e);
        }
    }
}
