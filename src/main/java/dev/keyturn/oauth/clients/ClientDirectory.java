package dev.keyturn.oauth.clients;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Finds a client and its live secrets in one statement on the reactive client, for every token request. Nothing is
 * cached: a disabled client, or a deleted secret, is refused by the very next request on every replica.
 */
@ApplicationScoped
public class ClientDirectory {

    private static final String FIND = """
            SELECT c.client_id, c.type, c.grant_types, c.scopes, c.audience, c.access_token_lifetime,
                   c.refresh_token_lifetime, c.jwks, c.enabled,
                   array_remove(array_agg(s.secret_hash), NULL) AS secret_hashes
              FROM oauth_clients c LEFT JOIN oauth_client_secrets s ON s.client_id = c.client_id
             WHERE c.client_id = $1
             GROUP BY c.client_id
            """;

    private final Pool pool;

    public ClientDirectory(Pool pool) {
        this.pool = pool;
    }

    /** @return the client, or {@code null} when there is none by that id */
    public Uni<RegisteredClient> find(String clientId) {
        return pool.preparedQuery(FIND).execute(Tuple.of(clientId)).map(rows -> {
            RowIterator<Row> iterator = rows.iterator();
            return iterator.hasNext() ? client(iterator.next()) : null;
        });
    }

    private static RegisteredClient client(Row row) {
        List<byte[]> hashes = new ArrayList<>();
        Buffer[] stored = row.getDelegate().getArrayOfBuffers("secret_hashes");
        if (stored != null) {
            for (Buffer hash : stored) {
                hashes.add(hash.getBytes());
            }
        }
        return new RegisteredClient(row.getString("client_id"), row.getString("type"),
                List.of(row.getArrayOfStrings("grant_types")),
                new LinkedHashSet<>(List.of(row.getArrayOfStrings("scopes"))),
                List.of(row.getArrayOfStrings("audience")), row.getInteger("access_token_lifetime"),
                row.getInteger("refresh_token_lifetime"), row.getString("jwks"), row.getBoolean("enabled"),
                List.copyOf(hashes));
    }
}
