package dev.keyturn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.keyturn.support.Jwts;
import dev.keyturn.support.KnownKeys;
import dev.keyturn.support.PackagedDeployment;
import dev.keyturn.support.PackagedService;

/**
 * The packaged application (JVM jar or native executable) configured the other way docs/operations.md allows: an ES256
 * signing key as a PEM file and the previous RS256 public key as PEM text. Key parsing and EC signatures go
 * through the JDK's security providers, which a native executable must carry; AuthFlowIT covers RS256. It also
 * checks that Flyway, which finds its migrations by scanning the class path, applied every one of them.
 */
class Es256KeysIT {

    @RegisterExtension
    static final PackagedDeployment deployment = PackagedDeployment.of("keyturn-es256")
            .with("KEYTURN_SIGNING_ALGORITHM", "ES256")
            .with("KEYTURN_SIGNING_KEY", KnownKeys.currentKeyFile().toString())
            .with("KEYTURN_PREVIOUS_VERIFICATION_KEYS", KnownKeys.previousPublicKeyPem());

    @Test
    void tokensAreSignedWithTheEs256KeyAndBothKeysArePublished() throws Exception {
        Map<String, Object> tokens = deployment.service().login(deployment.service().newAccount("es"));
        String accessToken = (String) tokens.get("access_token");
        assertThat(Jwts.header(accessToken)).containsEntry("alg", "ES256")
                .containsEntry("kid", KnownKeys.currentKey().getKeyID());
        assertThat(deployment.service().get("/users/me", accessToken).statusCode()).isEqualTo(200);

        HttpResponse<String> refreshed = deployment.service().post("/auth/refresh", Map.of("refresh_token", tokens.get("refresh_token")));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> keys = (List<Map<String, Object>>) PackagedService
                .json(deployment.service().get("/.well-known/jwks.json", null)).get("keys");
        assertThat(keys).extracting(key -> key.get("kid"))
                .containsExactly(KnownKeys.currentKey().getKeyID(), KnownKeys.previousKey().getKeyID());
        assertThat(keys).extracting(key -> key.get("alg")).containsExactly("ES256", "RS256");
    }

    @Test
    void flywayAppliedEveryMigration() throws Exception {
        long migrations;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            migrations = files.filter(file -> file.getFileName().toString().endsWith(".sql")).count();
        }
        assertThat(deployment.sql("select count(*) from flyway_schema_history where success and version is not null"))
                .isEqualTo(migrations);
    }
}
