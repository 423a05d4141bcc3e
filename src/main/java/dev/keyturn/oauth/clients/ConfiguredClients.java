package dev.keyturn.oauth.clients;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keyturn.db.DatabaseFailures;
import dev.keyturn.db.PoolWarmup;
import dev.keyturn.session.RevocationReason;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Clients declared in configuration (GitOps): {@code KEYTURN_CLIENTS}, a JSON array of {@code POST /admin/clients}
 * bodies that also carry {@code client_secret}, and {@code KEYTURN_CLIENTS_FILE}, a file holding such an array (a
 * mounted Secret). Declaration wins: at start-up each declared client is written as declared, its secrets replaced
 * by the declared one, and a client declared before but no longer is deleted with its sessions (with neither variable
 * set, configuration manages no clients and nothing is applied; {@code KEYTURN_CLIENTS=[]} deletes the declared
 * ones). The admin API cannot change them (409 {@code client_managed_by_configuration}).
 *
 * <p>A declaration that does not hold stops the start: a replica with half its clients is worse than one that
 * does not start. Replicas starting together apply their declarations one at a time (an advisory lock), so the
 * last one started wins, as it would for any rolled-out configuration.
 */
@ApplicationScoped
public class ConfiguredClients {

    private static final Logger LOG = Logger.getLogger(ConfiguredClients.class);
    /** pg_advisory_xact_lock's key for this start-up step: the bytes of "keyturn" as a bigint. */
    private static final long LOCK_KEY = 0x6b65797475726eL;
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);

    private final Optional<String> inline;
    private final Optional<String> file;
    private final ObjectMapper json;
    private final Validator validator;
    private final SessionRevocations revocations;
    private final PoolWarmup warmup;

    public ConfiguredClients(@ConfigProperty(name = "keyturn.clients") Optional<String> inline,
            @ConfigProperty(name = "keyturn.clients-file") Optional<String> file, ObjectMapper json,
            Validator validator, SessionRevocations revocations, PoolWarmup warmup) {
        this.inline = inline;
        this.file = file;
        this.json = json;
        this.validator = validator;
        this.revocations = revocations;
        this.warmup = warmup;
    }

    /** A checked declaration: the settings to store and the one secret (confidential clients). */
    public record Declared(String clientId, ClientRules.Settings settings, String secret) {
    }

    void start(@Observes StartupEvent event) throws Throwable {
        if (inline.filter(value -> !value.isBlank()).isEmpty() && file.filter(value -> !value.isBlank()).isEmpty()) {
            // Configuration manages no clients: those it declared before stay as they are (KEYTURN_CLIENTS=[] deletes
            // them), and the start touches the database no more than without this feature.
            return;
        }
        List<Declared> declared = declarations();
        // After the pool's warm-up, whose connections this then reuses: on a database that allows fewer connections
        // than the pool's size, a new one opened beside the warm-up's would be refused (53300).
        VertxContextSupport.subscribeAndAwait(() -> warmup.ensureWarm().onFailure().recoverWithNull());
        Outcome outcome = applyAtStart(declared);
        if (!declared.isEmpty() || outcome.removed() > 0) {
            LOG.infof("clients from configuration: %d declared, %d no longer declared and deleted (%d sessions revoked)",
                    declared.size(), outcome.removed(), outcome.sessionsRevoked());
        }
    }

    /**
     * A database that is briefly unavailable is tried again (on the start-up thread, which may wait: each attempt
     * runs in a Vert.x context of its own, as Hibernate Reactive needs); one that stays so stops the start, as
     * Flyway's migration would.
     */
    private Outcome applyAtStart(List<Declared> declared) throws Throwable {
        long deadline = System.nanoTime() + APPLY_TIMEOUT.toNanos();
        for (long pause = 200;; pause = Math.min(2_000, pause * 2)) {
            try {
                return VertxContextSupport.subscribeAndAwait(() -> apply(declared).ifNoItem().after(APPLY_TIMEOUT).fail());
            } catch (Throwable failure) {
                if (!DatabaseFailures.isUnavailable(failure) || System.nanoTime() + pause * 1_000_000 > deadline) {
                    throw failure;
                }
                LOG.warnf("clients from configuration: the database is unavailable (%s); trying again",
                        DatabaseFailures.describe(failure));
                Thread.sleep(pause);
            }
        }
    }

    /** The declarations of {@code KEYTURN_CLIENTS} and {@code KEYTURN_CLIENTS_FILE}, checked. */
    public List<Declared> declarations() {
        List<ClientRequest> requests = new ArrayList<>();
        inline.filter(value -> !value.isBlank()).ifPresent(value -> requests.addAll(parse(value, "KEYTURN_CLIENTS")));
        file.filter(value -> !value.isBlank()).ifPresent(path -> {
            try {
                requests.addAll(parse(Files.readString(Path.of(path)), "KEYTURN_CLIENTS_FILE (" + path + ")"));
            } catch (IOException e) {
                throw new IllegalStateException("KEYTURN_CLIENTS_FILE: cannot read " + path + ": " + e.getMessage(), e);
            }
        });
        return check(requests);
    }

    List<ClientRequest> parse(String value, String source) {
        try {
            List<ClientRequest> parsed = json.readValue(value, new TypeReference<List<ClientRequest>>() {
            });
            if (parsed == null || parsed.contains(null)) {
                throw new IllegalStateException(source + " must be a JSON array of client objects");
            }
            return parsed;
        } catch (JsonProcessingException e) {
            // the message names the field and position, never the value: a declaration holds secrets
            throw new IllegalStateException(source + " is not a JSON array of clients: " + e.getOriginalMessage());
        }
    }

    List<Declared> check(List<ClientRequest> requests) {
        List<Declared> declared = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            ClientRequest request = requests.get(i);
            String where = "KEYTURN_CLIENTS[" + i + "]" + (request.clientId() == null ? "" : " (" + request.clientId() + ")");
            Set<ConstraintViolation<ClientRequest>> violations = validator.validate(request);
            if (!violations.isEmpty()) {
                throw new IllegalStateException(where + ": " + violations.stream()
                        .map(v -> v.getPropertyPath() + " " + v.getMessage()).sorted().collect(Collectors.joining("; ")));
            }
            if (request.clientId() == null) {
                throw new IllegalStateException(where + ": client_id is required in configuration");
            }
            if (!ids.add(request.clientId())) {
                throw new IllegalStateException(where + ": client_id is declared twice");
            }
            ClientRules.Settings settings;
            try {
                settings = ClientRules.check(request);
            } catch (ProblemException e) {
                throw new IllegalStateException(where + ": " + e.getMessage());
            }
            if (OAuthClient.CONFIDENTIAL.equals(settings.type()) && request.clientSecret() == null
                    && settings.jwks() == null) {
                throw new IllegalStateException(where + ": a confidential client needs client_secret or jwks");
            }
            declared.add(new Declared(request.clientId(), settings, request.clientSecret()));
        }
        return declared;
    }

    record Outcome(int removed, int sessionsRevoked) {
    }

    /** Writes the declarations, in one transaction under the start-up lock. */
    public Uni<Outcome> apply(List<Declared> declared) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Set<String> ids = declared.stream().map(Declared::clientId).collect(Collectors.toSet());
        return revocations.committed(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery("select pg_advisory_xact_lock(" + LOCK_KEY + ")")
                        .getSingleResult())
                .chain(() -> Multi.createFrom().iterable(declared).onItem().transformToUniAndConcatenate(d -> write(d, now))
                        .collect().asList())
                .chain(() -> OAuthClient.<OAuthClient> list("managedBy", OAuthClient.MANAGED_BY_CONFIGURATION))
                .chain(existing -> removeUndeclared(existing.stream().filter(c -> !ids.contains(c.clientId)).toList())),
                RemovalResult::revoked)
                .map(RemovalResult::outcome);
    }

    private record RemovalResult(Outcome outcome, List<UUID> revoked) {
    }

    private Uni<Void> write(Declared declared, Instant now) {
        return OAuthClient.<OAuthClient> findById(declared.clientId()).chain(found -> {
            OAuthClient client = found;
            Uni<List<UUID>> ended = Uni.createFrom().item(List.of());
            if (client == null) {
                client = new OAuthClient();
                client.clientId = declared.clientId();
                client.createdAt = now;
            } else {
                if (OAuthClient.MANAGED_BY_API.equals(client.managedBy)) {
                    LOG.warnf("client %s, registered through the admin API, is now declared in configuration: "
                            + "the declaration replaces it", client.clientId);
                }
                if (client.enabled && !declared.settings().enabled() || !client.type.equals(declared.settings().type())) {
                    ended = revocations.revokeClientSessions(client.clientId, RevocationReason.CLIENT_DISABLED);
                }
            }
            OAuthClient target = client;
            ClientRegistry.apply(target, declared.settings(), now);
            target.managedBy = OAuthClient.MANAGED_BY_CONFIGURATION;
            return ended.chain(() -> found == null ? target.persist() : Uni.createFrom().item(target))
                    .chain(() -> ClientSecret.delete("clientId", declared.clientId()))
                    .chain(() -> declared.secret() == null
                            ? Uni.createFrom().voidItem()
                            : ClientRegistry.newSecret(declared.clientId(), declared.secret(), now))
                    .chain(() -> Panache.getSession().chain(session -> session.flush()));
        });
    }

    private Uni<RemovalResult> removeUndeclared(List<OAuthClient> undeclared) {
        if (undeclared.isEmpty()) {
            return Uni.createFrom().item(new RemovalResult(new Outcome(0, 0), List.of()));
        }
        List<UUID> revoked = new ArrayList<>();
        return Multi.createFrom().iterable(undeclared).onItem().transformToUniAndConcatenate(client -> revocations
                .revokeClientSessions(client.clientId, RevocationReason.CLIENT_DELETED)
                .invoke(revoked::addAll)
                .chain(() -> ClientSecret.delete("clientId", client.clientId))
                .chain(client::delete))
                .collect().asList()
                .map(ignored -> new RemovalResult(new Outcome(undeclared.size(), revoked.size()), revoked));
    }
}
