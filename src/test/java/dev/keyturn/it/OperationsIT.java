package dev.keyturn.it;

import static io.restassured.RestAssured.get;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The endpoints that Kubernetes probes and operators rely on, served by the packaged application. */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResources.class)
class OperationsIT {

    @Test
    void probesAreUp() {
        get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
        get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Database")));
    }

    @Test
    void openApiDescribesTheRoutes() {
        get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", hasKey("/auth/login"))
                .body("paths", hasKey("/users/me"));
    }

    @Test
    void metricsArePrometheus() {
        get("/").then().statusCode(200);
        get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests_seconds"));
    }

    @Test
    void welcome() {
        get("/").then().statusCode(200).body("service", equalTo("keyturn"));
    }
}
