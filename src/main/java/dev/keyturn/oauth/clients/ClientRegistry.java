package dev.keyturn.oauth.clients;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.session.RevocationReason;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The admin API's work on registered clients. Every change runs in one transaction under the client row's lock,
 * so parallel changes of one client happen one after the other: at most two secrets are ever live, and a disabled
 * or deleted client's sessions are revoked in the same transaction (their access tokens stop at once on this
 * replica and through the revocation notification on the others).
 */
@ApplicationScoped
public class ClientRegistry {

    static final int MAX_LIVE_SECRETS = 2;

    private final SessionRevocations revocations;
    private final AuditLog auditLog;

    public ClientRegistry(SessionRevocations revocations, AuditLog auditLog) {
        this.revocations = revocations;
        this.auditLog = auditLog;
    }

    /** @return the new client, with its first secret (confidential clients without keys) shown this once */
    public Uni<ClientView> create(ClientRequest request, UUID adminId, ClientInfo client) {
        ClientRules.Settings settings = ClientRules.check(request);
        if (request.clientSecret() != null) {
            throw ProblemException.validation("client_secret", "is made by the service; only KEYTURN_CLIENTS may set one");
        }
        Instant now = now();
        OAuthClient created = new OAuthClient();
        created.clientId = request.clientId() != null ? request.clientId() : ClientSecrets.generate().substring(0, 22);
        created.createdAt = now;
        apply(created, settings, now);
        // A client registered with keys authenticates with them (private_key_jwt): it gets no secret unless asked for.
        String secret = OAuthClient.CONFIDENTIAL.equals(created.type) && created.jwks == null
                ? ClientSecrets.generate()
                : null;
        return Panache.withTransaction(() -> OAuthClient.<OAuthClient> findById(created.clientId).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(taken());
            }
            return created.persist()
                    .chain(() -> secret == null ? Uni.createFrom().voidItem() : newSecret(created.clientId, secret, now))
                    .chain(() -> audit(AuditType.CLIENT_CREATED, adminId, created.clientId, client))
                    .chain(() -> view(created));
        })).onFailure(ClientRegistry::isTaken).transform(ignored -> taken())
                .map(view -> secret == null ? view : view.withSecret(secret));
    }

    public Uni<List<ClientView>> list() {
        return Panache.withSession(() -> OAuthClient.<OAuthClient> list("order by createdAt, clientId")
                .chain(clients -> ClientSecret.<ClientSecret> list("order by createdAt").map(secrets -> clients.stream()
                        .map(found -> view(found, secrets.stream().filter(s -> s.clientId.equals(found.clientId)).toList()))
                        .toList())));
    }

    public Uni<ClientView> get(String clientId) {
        return Panache.withSession(() -> OAuthClient.<OAuthClient> findById(clientId)
                .chain(found -> found == null ? Uni.createFrom().failure(notFound()) : view(found)));
    }

    /** Replaces a client's settings; its id and type stay. Disabling it ends its sessions. */
    public Uni<ClientView> update(String clientId, ClientRequest request, UUID adminId, ClientInfo client) {
        if (request.clientId() != null && !request.clientId().equals(clientId)) {
            throw ProblemException.validation("client_id", "must be absent or the client's own id");
        }
        if (request.clientSecret() != null) {
            throw ProblemException.validation("client_secret", "secrets change through POST /admin/clients/{client_id}/secrets");
        }
        ClientRules.Settings settings = ClientRules.check(request);
        return revocations.committed(() -> locked(clientId).chain(found -> {
            if (!found.type.equals(settings.type())) {
                throw ProblemException.validation("type", "cannot change; register a new client instead");
            }
            boolean disabling = found.enabled && !settings.enabled();
            apply(found, settings, now());
            Uni<List<UUID>> ended = disabling
                    ? revocations.revokeClientSessions(clientId, RevocationReason.CLIENT_DISABLED)
                    : Uni.createFrom().item(List.of());
            return ended.call(ids -> audit(AuditType.CLIENT_UPDATED, adminId, clientId, client,
                    Map.of("enabled", settings.enabled(), "sessions_revoked", ids.size())));
        })).chain(ignored -> get(clientId));
    }

    /** Deletes a client and its secrets, and revokes its sessions. */
    public Uni<Void> delete(String clientId, UUID adminId, ClientInfo client) {
        return revocations.committed(() -> locked(clientId).chain(found -> revocations
                .revokeClientSessions(clientId, RevocationReason.CLIENT_DELETED)
                .call(() -> ClientSecret.delete("clientId", clientId))
                .call(found::delete)
                .call(ids -> audit(AuditType.CLIENT_DELETED, adminId, clientId, client,
                        Map.of("sessions_revoked", ids.size())))))
                .replaceWithVoid();
    }

    /** A new secret, shown this once; the client's other secret (if any) stays valid until it is deleted. */
    public Uni<ClientView.SecretView> addSecret(String clientId, UUID adminId, ClientInfo client) {
        String secret = ClientSecrets.generate();
        Instant now = now();
        return Panache.withTransaction(() -> locked(clientId).chain(found -> {
            if (!OAuthClient.CONFIDENTIAL.equals(found.type)) {
                throw ProblemException.validation("type", "a public client has no secrets");
            }
            return ClientSecret.count("clientId", clientId).chain(live -> {
                if (live >= MAX_LIVE_SECRETS) {
                    throw new ProblemException(ErrorCode.TOO_MANY_SECRETS,
                            "This client has two live secrets. Delete the one it no longer uses first.");
                }
                ClientSecret row = secretRow(clientId, secret, now);
                return row.persist().chain(() -> audit(AuditType.CLIENT_SECRET_ADDED, adminId, clientId, client,
                        Map.of("secret_id", row.id.toString())))
                        .map(ignored -> new ClientView.SecretView(row.id, row.createdAt, secret));
            });
        }));
    }

    public Uni<Void> deleteSecret(String clientId, String secretId, UUID adminId, ClientInfo client) {
        UUID id;
        try {
            id = UUID.fromString(secretId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(notFound());
        }
        return Panache.withTransaction(() -> locked(clientId)
                .chain(found -> ClientSecret.delete("id = ?1 and clientId = ?2", id, clientId))
                .chain(deleted -> deleted == 0
                        ? Uni.createFrom().failure(notFound())
                        : audit(AuditType.CLIENT_SECRET_DELETED, adminId, clientId, client, Map.of("secret_id", secretId))));
    }

    /** The client row under its lock, for a change through the admin API; configuration's clients change only there. */
    private static Uni<OAuthClient> locked(String clientId) {
        return OAuthClient.<OAuthClient> findById(clientId, LockModeType.PESSIMISTIC_WRITE).map(found -> {
            if (found == null) {
                throw notFound();
            }
            if (OAuthClient.MANAGED_BY_CONFIGURATION.equals(found.managedBy)) {
                throw new ProblemException(ErrorCode.CLIENT_MANAGED_BY_CONFIGURATION,
                        "This client is declared in KEYTURN_CLIENTS; change it there.");
            }
            return found;
        });
    }

    static void apply(OAuthClient client, ClientRules.Settings settings, Instant now) {
        client.name = settings.name();
        client.type = settings.type();
        client.grantTypes = new java.util.ArrayList<>(settings.grantTypes());
        client.scopes = new java.util.ArrayList<>(settings.scopes());
        client.audience = new java.util.ArrayList<>(settings.audience());
        client.accessTokenLifetime = settings.accessTokenLifetime();
        client.refreshTokenLifetime = settings.refreshTokenLifetime();
        client.jwks = settings.jwks();
        client.enabled = settings.enabled();
        client.updatedAt = now;
    }

    static Uni<Void> newSecret(String clientId, String secret, Instant now) {
        return secretRow(clientId, secret, now).persist().replaceWithVoid();
    }

    private static ClientSecret secretRow(String clientId, String secret, Instant now) {
        ClientSecret row = new ClientSecret();
        row.id = UUID.randomUUID();
        row.clientId = clientId;
        row.secretHash = ClientSecrets.hash(secret);
        row.createdAt = now;
        return row;
    }

    private static Uni<ClientView> view(OAuthClient client) {
        return ClientSecret.<ClientSecret> list("clientId = ?1 order by createdAt", client.clientId)
                .map(secrets -> view(client, secrets));
    }

    static ClientView view(OAuthClient client, List<ClientSecret> secrets) {
        return new ClientView(client.clientId, client.name, client.type, List.copyOf(client.grantTypes),
                List.copyOf(client.scopes), List.copyOf(client.audience), client.accessTokenLifetime,
                client.refreshTokenLifetime, ClientRules.jwksView(client.jwks), client.enabled, client.managedBy,
                secrets.stream().map(s -> new ClientView.SecretView(s.id, s.createdAt, null)).toList(),
                client.createdAt, client.updatedAt, null);
    }

    private Uni<Void> audit(AuditType type, UUID adminId, String clientId, ClientInfo client) {
        return audit(type, adminId, clientId, client, Map.of());
    }

    private Uni<Void> audit(AuditType type, UUID adminId, String clientId, ClientInfo client, Map<String, Object> detail) {
        Map<String, Object> all = new java.util.LinkedHashMap<>(detail);
        all.put("client_id", clientId);
        return auditLog.record(type, adminId, null, client, all);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static boolean isTaken(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("oauth_clients_pkey")) {
                return true;
            }
        }
        return false;
    }

    private static ProblemException taken() {
        return new ProblemException(ErrorCode.CLIENT_ID_TAKEN, "A client with this client_id exists.");
    }

    private static ProblemException notFound() {
        return new ProblemException(ErrorCode.NOT_FOUND, "No such client.");
    }
}
