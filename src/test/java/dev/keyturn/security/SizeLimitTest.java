package dev.keyturn.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.keyturn.support.Api;
import dev.keyturn.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * Attack family: oversized and mistyped input. A body over 64 KiB is 413 {@code payload_too_large} whether
 * it declares its length or comes chunked, headers over 16 KiB are 431 {@code headers_too_large}, non-JSON
 * is 415: each a problem answer, and nothing is stored.
 */
@QuarkusTest
class SizeLimitTest {

    private static final int LIMIT = 64 * 1024;

    private static long users() {
        return Db.count("select count(*) from users");
    }

    /** A sign-up body whose password pads it to {@code size} bytes. */
    private static String signupOfSize(int size) {
        String name = Api.uniqueName("big");
        String head = "{\"username\": \"" + name + "\", \"email\": \"" + name + "@example.com\", \"password\": \"";
        return head + "x".repeat(size - head.length() - 2) + "\"}";
    }

    private static HttpResponse<String> send(HttpRequest.BodyPublisher body) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/auth/signup"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(body).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyOverTheLimitWithItsLengthIsRefusedBeforeReading() throws Exception {
        long users = users();
        HttpResponse<String> response = send(HttpRequest.BodyPublishers.ofString(signupOfSize(LIMIT + 1)));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"code\":\"payload_too_large\"");
        assertThat(users()).isEqualTo(users);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefused() throws Exception {
        long users = users();
        byte[] bytes = signupOfSize(LIMIT * 2).getBytes(StandardCharsets.UTF_8);
        // an InputStream publisher has no length: the client sends Transfer-Encoding: chunked
        HttpResponse<String> response = send(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"code\":\"payload_too_large\"");
        assertThat(users()).isEqualTo(users);
    }

    @Test
    void aBodyJustUnderTheLimitIsRead() throws Exception {
        long users = users();
        // read and judged on its content: the 60 KiB password is too long
        HttpResponse<String> response = send(HttpRequest.BodyPublishers.ofString(signupOfSize(LIMIT - 1024)));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"code\":\"weak_password\"");
        assertThat(users()).isEqualTo(users);
    }

    @Test
    void oversizedHeadersAreRefused() {
        long users = users();
        String name = Api.uniqueName("hdr");
        given().header("X-Padding", "p".repeat(20 * 1024)).contentType(ContentType.JSON)
                .body(java.util.Map.of("username", name, "email", name + "@example.com", "password", Api.PASSWORD))
                .post("/auth/signup").then()
                .statusCode(431).contentType("application/problem+json").body("code", equalTo("headers_too_large"));
        assertThat(users()).isEqualTo(users);
    }

    @Test
    void aBodyThatIsNotJsonIsRefused() {
        long users = users();
        given().contentType("application/x-www-form-urlencoded").formParam("username", Api.uniqueName("form"))
                .post("/auth/signup").then()
                .statusCode(415).contentType("application/problem+json").body("code", equalTo("unsupported_media_type"));
        assertThat(users()).isEqualTo(users);
    }

    @Test
    void anOverlongPasswordAtLoginIsAValidationFailureNotWork() {
        long sessions = Db.count("select count(*) from sessions");
        Api.login(Api.uniqueName("long") + "@example.com", "p".repeat(5000)).then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("validation_failed"));
        assertThat(Db.count("select count(*) from sessions")).isEqualTo(sessions);
    }
}
