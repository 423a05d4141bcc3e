package dev.keyturn.userimport;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.keyturn.account.PasswordHasher;
import dev.keyturn.account.PasswordWorkers;
import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.Problem;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * Creates the users of an import (docs/api.md, {@code POST /admin/users/import}). Nothing is half-imported:
 * <ul>
 * <li>a body with an invalid row imports nothing (400 {@code validation_failed}, every invalid row named), unless the
 * admin asked for {@code partial}: then the valid rows are imported and the invalid ones reported;</li>
 * <li>every account of the import, and its one audit event, is written in ONE transaction: a failure (the database
 * gone) leaves none of them;</li>
 * <li>an account whose email or username (regardless of case) exists already is skipped, not an error, so an import
 * runs again safely: a re-run skips everything it created. The unique indexes decide, in the insert itself
 * ({@code ON CONFLICT DO NOTHING}), so two imports at once create each account once.</li>
 * </ul>
 * Work outside the transaction, so that no connection is held through it: the look-up of existing accounts (to say
 * why a row is skipped, and to hash no password that will not be stored), and the hashing of passwords given in the
 * clear, on the password threads. The inserts are batched, {@value #BATCH} rows per statement (arrays unnested), so
 * that 10,000 users are a few statements.
 */
@ApplicationScoped
public class UserImport {

    private static final Logger LOG = Logger.getLogger(UserImport.class);
    static final int BATCH = 1000;

    private static final String EXISTING = """
            SELECT email, lower(username) FROM users WHERE email = ANY($1) OR lower(username) = ANY($2)
            """;
    private static final String INSERT = """
            INSERT INTO users (id, username, email, password_hash, email_verified, disabled, roles, created_at, updated_at)
            SELECT id, username, email, password_hash, email_verified, disabled, string_to_array(roles, ','), $8, $8
              FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::boolean[], $7::text[])
                   AS imported(id, username, email, password_hash, email_verified, disabled, roles)
            ON CONFLICT DO NOTHING
            RETURNING id
            """;

    private final Pool pool;
    private final PasswordHasher hasher;
    private final PasswordWorkers workers;
    private final AuditLog auditLog;

    public UserImport(Pool pool, PasswordHasher hasher, PasswordWorkers workers, AuditLog auditLog) {
        this.pool = pool;
        this.hasher = hasher;
        this.workers = workers;
        this.auditLog = auditLog;
    }

    Uni<ImportReport> run(List<CheckedRow> read, boolean partial, UUID adminId, ClientInfo client) {
        List<CheckedRow> rows = RowChecks.withoutRepeats(read);
        List<CheckedRow> invalid = rows.stream().filter(row -> !row.isValid()).toList();
        if (!invalid.isEmpty() && !partial) {
            return Uni.createFrom().failure(new ProblemException(ErrorCode.VALIDATION_FAILED, invalid.size() + " of "
                    + rows.size() + " rows are not valid, so nothing was imported. Fix them, or import the valid rows "
                    + "with ?partial=true.", invalid.stream()
                            .map(row -> new Problem.FieldError("row " + row.row(), row.reason())).toList(), Map.of()));
        }
        List<NewUser> candidates = rows.stream().filter(CheckedRow::isValid).map(CheckedRow::user).toList();
        return existing(candidates).chain(existing -> {
            Map<Integer, String> skipped = new HashMap<>();
            List<NewUser> fresh = new ArrayList<>();
            for (NewUser user : candidates) {
                if (existing.emails().contains(user.email())) {
                    skipped.put(user.row(), "an account with this email exists");
                } else if (existing.usernames().contains(user.username().toLowerCase(Locale.ROOT))) {
                    skipped.put(user.row(), "an account with this username exists");
                } else {
                    fresh.add(user);
                }
            }
            return hashed(fresh).chain(users -> insert(users, rows.size(), skipped.size(), invalid.size(), partial,
                    adminId, client))
                    .map(inserted -> report(rows, skipped, inserted));
        });
    }

    private record Existing(Set<String> emails, Set<String> usernames) {
    }

    private Uni<Existing> existing(List<NewUser> users) {
        if (users.isEmpty()) {
            return Uni.createFrom().item(new Existing(Set.of(), Set.of()));
        }
        String[] emails = users.stream().map(NewUser::email).toArray(String[]::new);
        String[] usernames = users.stream().map(user -> user.username().toLowerCase(Locale.ROOT)).toArray(String[]::new);
        return pool.preparedQuery(EXISTING).execute(Tuple.tuple().addArrayOfString(emails).addArrayOfString(usernames))
                .map(found -> {
                    Set<String> foundEmails = new HashSet<>();
                    Set<String> foundUsernames = new HashSet<>();
                    for (Row row : found) {
                        foundEmails.add(row.getString(0));
                        foundUsernames.add(row.getString(1));
                    }
                    return new Existing(foundEmails, foundUsernames);
                });
    }

    /** Passwords in the clear are hashed with the configured scheme, as many at once as there are password threads. */
    private Uni<List<NewUser>> hashed(List<NewUser> users) {
        if (users.stream().allMatch(user -> user.password() == null)) {
            return Uni.createFrom().item(users);
        }
        return Multi.createFrom().iterable(users)
                .onItem().transformToUni(user -> user.password() == null ? Uni.createFrom().item(user)
                        : hasher.hash(user.password()).map(user::withHash))
                .merge(workers.threads())
                .collect().asList();
    }

    /**
     * @return the ids created; a user not among them lost to an account created meanwhile
     *         <p>
     *         Two imports at once that share users wait for each other on the unique indexes; inserted in the same
     *         order (by email) they cannot wait for each other in a circle, and if they still do (through a username), the
     *         transaction PostgreSQL aborts for it runs again: it is all or nothing, so nothing of it is left to undo.
     */
    private Uni<Set<UUID>> insert(List<NewUser> unordered, int rows, int skipped, int invalid, boolean partial,
            UUID adminId, ClientInfo client) {
        List<NewUser> users = unordered.stream().sorted(Comparator.comparing(NewUser::email)).toList();
        OffsetDateTime now = Instant.now().atOffset(ZoneOffset.UTC);
        List<List<NewUser>> batches = new ArrayList<>();
        for (int from = 0; from < users.size(); from += BATCH) {
            batches.add(users.subList(from, Math.min(users.size(), from + BATCH)));
        }
        return pool.withTransaction(connection -> Multi.createFrom().iterable(batches)
                .onItem().transformToUniAndConcatenate(batch -> insertBatch(connection, batch, now))
                .collect().<Set<UUID>> in(HashSet::new, Set::addAll)
                .call(created -> {
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("by", adminId.toString());
                    detail.put("rows", rows);
                    detail.put("created", created.size());
                    detail.put("skipped", skipped + users.size() - created.size());
                    detail.put("invalid", invalid);
                    detail.put("partial", partial);
                    return auditLog.record(connection, AuditType.USERS_IMPORTED, null, client, detail);
                }))
                .onFailure(UserImport::isDeadlock).retry().atMost(3)
                .invoke(created -> LOG.infof("admin %s imported %d users (%d rows)", adminId, created.size(), rows));
    }

    private static boolean isDeadlock(Throwable failure) {
        return failure instanceof PgException pg && "40P01".equals(pg.getSqlState());
    }

    private static Uni<List<UUID>> insertBatch(SqlConnection connection, List<NewUser> batch, OffsetDateTime now) {
        int n = batch.size();
        UUID[] ids = new UUID[n];
        String[] usernames = new String[n];
        String[] emails = new String[n];
        String[] hashes = new String[n];
        Boolean[] verified = new Boolean[n];
        Boolean[] disabled = new Boolean[n];
        String[] roles = new String[n];
        for (int i = 0; i < n; i++) {
            NewUser user = batch.get(i);
            ids[i] = user.id();
            usernames[i] = user.username();
            emails[i] = user.email();
            hashes[i] = user.storedHash();
            verified[i] = user.emailVerified();
            disabled[i] = user.disabled();
            roles[i] = String.join(",", user.roles());
        }
        Tuple parameters = Tuple.tuple().addArrayOfUUID(ids).addArrayOfString(usernames).addArrayOfString(emails)
                .addArrayOfString(hashes).addArrayOfBoolean(verified).addArrayOfBoolean(disabled)
                .addArrayOfString(roles).addOffsetDateTime(now);
        return connection.preparedQuery(INSERT).execute(parameters).map(created -> {
            List<UUID> createdIds = new ArrayList<>(created.size());
            for (Row row : created) {
                createdIds.add(row.getUUID(0));
            }
            return createdIds;
        });
    }

    private static ImportReport report(List<CheckedRow> rows, Map<Integer, String> skipped, Set<UUID> created) {
        List<ImportReport.RowResult> results = new ArrayList<>(rows.size());
        int createdCount = 0;
        int skippedCount = 0;
        int invalidCount = 0;
        for (CheckedRow row : rows) {
            if (!row.isValid()) {
                invalidCount++;
                results.add(new ImportReport.RowResult(row.row(), "invalid", null, row.email(), row.reason()));
            } else if (created.contains(row.user().id())) {
                createdCount++;
                results.add(new ImportReport.RowResult(row.row(), "created", row.user().id().toString(), row.email(), null));
            } else {
                skippedCount++;
                results.add(new ImportReport.RowResult(row.row(), "skipped", null, row.email(),
                        skipped.getOrDefault(row.row(), "an account with this email or username was created meanwhile")));
            }
        }
        results.sort(Comparator.comparingInt(ImportReport.RowResult::row));
        return new ImportReport(createdCount, skippedCount, invalidCount, results);
    }
}
