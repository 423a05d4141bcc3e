package dev.keyturn.support;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * Test resources every {@code @QuarkusTest} shares (declared once, applied to all, so the application is
 * started once for the whole suite). The database needs none: the test profile starts an embedded
 * PostgreSQL by itself.
 */
@QuarkusTestResource(GreenMailResource.class)
public final class TestResources {

    private TestResources() {
    }
}
