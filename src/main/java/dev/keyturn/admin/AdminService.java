package dev.keyturn.admin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import dev.keyturn.account.AccountDeletion;
import dev.keyturn.account.User;
import dev.keyturn.account.UserView;
import dev.keyturn.account.UserViews;
import dev.keyturn.audit.AuditEvent;
import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.session.RevocationReason;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** What an admin may do to accounts, each change audited with the admin who made it. */
@ApplicationScoped
public class AdminService {

    private static final Logger LOG = Logger.getLogger(AdminService.class);

    private final SessionRevocations revocations;
    private final AuditLog auditLog;
    private final UserViews userViews;
    private final AccountDeletion deletion;

    public AdminService(SessionRevocations revocations, AuditLog auditLog, UserViews userViews,
            AccountDeletion deletion) {
        this.revocations = revocations;
        this.auditLog = auditLog;
        this.userViews = userViews;
        this.deletion = deletion;
    }

    public Uni<Page<UserView>> users(String query, int page, int size) {
        String pattern = query == null || query.isBlank() ? null
                : "%" + query.trim().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return Panache.withSession(() -> {
            var found = pattern == null
                    ? User.<User> findAll(Sort.by("createdAt").and("id"))
                    : User.<User> find("lower(email) like :q or lower(username) like :q", Sort.by("createdAt").and("id"),
                            Parameters.with("q", pattern));
            return found.page(page, size).list()
                    .chain(users -> found.count().map(total -> new Page<>(users.stream().map(UserView::of).toList(),
                            page, size, total)));
        });
    }

    public Uni<UserView> setRoles(UUID adminId, UUID userId, List<String> roles, ClientInfo client) {
        Set<String> granted = new LinkedHashSet<>();
        granted.add(User.ROLE_USER); // every account keeps the base role
        granted.addAll(roles);
        return Panache.withTransaction(() -> existing(userId).chain(user -> {
            List<String> before = List.copyOf(user.roles);
            user.roles = new ArrayList<>(granted);
            user.updatedAt = Instant.now();
            LOG.debugf("admin %s set roles of %s to %s", adminId, userId, granted);
            return auditLog.record(AuditType.ROLES_CHANGED, user.id, null, client,
                    Map.of("by", adminId.toString(), "before", before, "after", List.copyOf(granted)))
                    .replaceWith(UserView.of(user));
        })).invoke(() -> userViews.forget(userId));
    }

    public Uni<UserView> disable(UUID adminId, UUID userId, ClientInfo client) {
        return revocations.committed(() -> existing(userId).chain(user -> {
            user.disabled = true;
            user.updatedAt = Instant.now();
            return revocations.revoke(user.id, SessionRevocations.Scope.ALL, null, RevocationReason.ACCOUNT_DISABLED)
                    .call(ids -> auditLog.record(AuditType.USER_DISABLED, user.id, null, client,
                            Map.of("by", adminId.toString(), "sessions_revoked", ids.size())))
                    .map(ids -> new Changed(UserView.of(user), ids));
        }), Changed::revoked).invoke(() -> userViews.forget(userId)).map(Changed::user);
    }

    public Uni<UserView> enable(UUID adminId, UUID userId, ClientInfo client) {
        return Panache.withTransaction(() -> existing(userId).chain(user -> {
            user.disabled = false;
            user.updatedAt = Instant.now();
            return auditLog.record(AuditType.USER_ENABLED, user.id, null, client, Map.of("by", adminId.toString()))
                    .replaceWith(UserView.of(user));
        })).invoke(() -> userViews.forget(userId));
    }

    public Uni<Void> revokeSessions(UUID adminId, UUID userId, ClientInfo client) {
        return revocations.committed(() -> existing(userId)
                .chain(user -> revocations.revoke(user.id, SessionRevocations.Scope.ALL, null, RevocationReason.REVOKED_BY_ADMIN))
                .call(ids -> auditLog.record(AuditType.SESSION_REVOKED, userId, null, client,
                        Map.of("by", adminId.toString(), "sessions_revoked", ids.size()))))
                .replaceWithVoid();
    }

    /** Deletes an account and everything of it ({@link AccountDeletion}); never the last enabled admin. */
    public Uni<Void> delete(UUID adminId, UUID userId) {
        return deletion.deleteByAdmin(adminId, userId);
    }

    public Uni<Page<AuditEventView>> audit(UUID userId, String type, int page, int size) {
        StringBuilder where = new StringBuilder("1 = 1");
        Parameters parameters = new Parameters();
        if (userId != null) {
            where.append(" and userId = :userId");
            parameters.and("userId", userId);
        }
        if (type != null && !type.isBlank()) {
            where.append(" and type = :type");
            parameters.and("type", type.trim().toLowerCase(Locale.ROOT));
        }
        return Panache.withSession(() -> {
            var found = AuditEvent.<AuditEvent> find(where.toString(), Sort.descending("occurredAt").and("id"), parameters);
            return found.page(page, size).list()
                    .chain(events -> found.count().map(total -> new Page<>(
                            events.stream().map(AuditEventView::of).toList(), page, size, total)));
        });
    }

    /**
     * The account, its row locked for the rest of the transaction: a change in flight (a password write, a
     * verification) either committed before or waits, and the write here names only the columns it changes
     * ({@link User}), so an admin's disable or role change is never undone by a request that started earlier.
     */
    private static Uni<User> existing(UUID userId) {
        return User.<User> findById(userId, LockModeType.PESSIMISTIC_WRITE).map(user -> {
            if (user == null) {
                throw new ProblemException(ErrorCode.NOT_FOUND, "No such user.");
            }
            return user;
        });
    }

    private record Changed(UserView user, List<UUID> revoked) {
    }
}
