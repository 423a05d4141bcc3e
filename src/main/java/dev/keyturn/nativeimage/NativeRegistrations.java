package dev.keyturn.nativeimage;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Classes the native executable reaches only by name at run time, which the native-image analysis cannot see.
 * The JVM build needs none of this. Each entry is exercised by an integration test that runs against the
 * executable (dev.keyturn.it.NativeImageIT), because only that run can show a missing one.
 * <ul>
 * <li>{@code quarkus.jackson.property-naming-strategy=SNAKE_CASE}: Quarkus's JacksonRecorder loads the strategy
 * with {@code Class.forName} at start-up; unregistered, the executable dies with ClassNotFoundException.</li>
 * </ul>
 */
@RegisterForReflection(targets = PropertyNamingStrategies.SnakeCaseStrategy.class)
final class NativeRegistrations {

    private NativeRegistrations() {
    }
}
