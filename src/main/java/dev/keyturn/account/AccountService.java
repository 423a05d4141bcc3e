package dev.keyturn.account;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Sign-up and reading accounts. */
@ApplicationScoped
public class AccountService {

    private static final Logger LOG = Logger.getLogger(AccountService.class);

    private final PasswordPolicy passwordPolicy;
    private final PasswordHasher passwordHasher;
    private final AuditLog auditLog;
    private final EmailVerification emailVerification;
    private final UserViews userViews;
    private final RateLimits rateLimits;

    public AccountService(PasswordPolicy passwordPolicy, PasswordHasher passwordHasher, AuditLog auditLog,
            EmailVerification emailVerification, UserViews userViews, RateLimits rateLimits) {
        this.userViews = userViews;
        this.rateLimits = rateLimits;
        this.passwordPolicy = passwordPolicy;
        this.passwordHasher = passwordHasher;
        this.auditLog = auditLog;
        this.emailVerification = emailVerification;
    }

    public Uni<User> signup(SignupRequest request, ClientInfo client) {
        String email = EmailAddress.normalize(request.email());
        String username = request.username().strip();
        // Counted before any work; then the policy, then the hash before the transaction opens, so that no
        // connection is held during the slow part.
        return rateLimits.signup(client)
                .chain(() -> passwordPolicy.check(request.password(), username, email))
                .chain(() -> passwordHasher.hash(request.password()))
                .chain(hash -> Panache.withTransaction(() -> ensureAvailable(email, username)
                        .chain(() -> {
                            User user = newUser(username, email, hash);
                            // The code is mailed inside the transaction: no mail, no account (503).
                            return user.<User> persist()
                                    .call(() -> auditLog.record(AuditType.SIGNUP, user.id, null, client))
                                    .call(Panache::flush)
                                    .call(() -> emailVerification.sendFirstCode(user));
                        })))
                .onFailure(UniqueViolation::is).transform(UniqueViolation::toConflict)
                .invoke(user -> LOG.debugf("signed up user %s", user.id));
    }

    private static Uni<Void> ensureAvailable(String email, String username) {
        return User.findByEmail(email).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(new ProblemException(ErrorCode.EMAIL_TAKEN,
                        "An account with this email already exists."));
            }
            return User.usernameTaken(username).invoke(taken -> {
                if (taken) {
                    throw new ProblemException(ErrorCode.USERNAME_TAKEN, "This username is taken.");
                }
            }).replaceWithVoid();
        });
    }

    private static User newUser(String username, String email, String passwordHash) {
        User user = new User();
        user.id = UUID.randomUUID();
        user.username = username;
        user.email = email;
        user.passwordHash = passwordHash;
        user.roles = new ArrayList<>(List.of(User.ROLE_USER));
        user.createdAt = Instant.now();
        user.updatedAt = user.createdAt;
        return user;
    }

    public Uni<UserView> find(UUID id) {
        return userViews.get(id);
    }
}
