package dev.keyturn.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.vertx.pgclient.PgException;

/**
 * Which failures answer 503 {@code unavailable} rather than 500 {@code internal_error}. The outage drill
 * ({@link DatabaseOutageTest}) meets each of these by chance, depending on where a request was when PostgreSQL
 * went away; this pins them down one by one.
 */
class DatabaseFailuresTest {

    @Test
    void aConnectionResetByTheDatabaseMidQueryIsUnavailable() {
        assertThat(DatabaseFailures.isUnavailable(new SocketException("Connection reset"))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new CompletionException(new SocketException("Connection reset"))))
                .isTrue();
    }

    @Test
    void aRefusedConnectionOrABrokenPipeIsUnavailable() {
        assertThat(DatabaseFailures.isUnavailable(new ConnectException("Connection refused"))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new IOException("Broken pipe"))).isTrue();
    }

    @Test
    void aServerShuttingDownIsUnavailable() {
        assertThat(DatabaseFailures.isUnavailable(
                new PgException("terminating connection due to administrator command", "FATAL", "57P01", null)))
                .isTrue();
    }

    @Test
    void aBugIsNotUnavailable() {
        assertThat(DatabaseFailures.isUnavailable(new IllegalStateException("Connection state"))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(new IOException("Stream closed"))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(
                new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null)))
                .isFalse();
        assertThat(DatabaseFailures.isUnavailable(
                new PgException("syntax error", "ERROR", "42601", null))).isFalse();
    }
}
