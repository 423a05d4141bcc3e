package dev.keyturn.it;

import static io.restassured.RestAssured.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

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

    /**
     * The packaged application builds the document at its first request (LazyOpenApiDocumentService): both formats,
     * with the security scheme Quarkus adds at run time, and the same bytes for requests that race the first build.
     */
    @Test
    void openApiIsServedWholeInBothFormatsToConcurrentFirstRequests() throws Exception {
        var pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String format = i % 2 == 0 ? "json" : "yaml";
                answers.add(pool.submit(() -> get("/q/openapi?format=" + format).then().statusCode(200)
                        .extract().asString()));
            }
            Set<String> json = new HashSet<>();
            Set<String> yaml = new HashSet<>();
            for (int i = 0; i < answers.size(); i++) {
                (i % 2 == 0 ? json : yaml).add(answers.get(i).get(60, TimeUnit.SECONDS));
            }
            assertThat(json).hasSize(1);
            assertThat(yaml).hasSize(1);
            assertThat(yaml.iterator().next()).startsWith("---\nopenapi: 3.1");
        } finally {
            pool.shutdownNow();
        }
        get("/q/openapi?format=json").then().statusCode(200)
                .body("components.securitySchemes.SecurityScheme.scheme", equalTo("bearer"))
                .body("paths", hasKey("/oauth/token"));
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
