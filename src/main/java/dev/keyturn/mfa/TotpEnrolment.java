package dev.keyturn.mfa;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.token.Authentication;
import dev.keyturn.token.StepUp;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Enrolling a TOTP authenticator: a new secret, shown once with its {@code otpauth://} URI and QR code, then a first
 * code that confirms it ({@link FactorChanges#enrol}). Enrolling needs a recent login, or a recent second factor when
 * the account has one ({@link StepUp}).
 */
@ApplicationScoped
public class TotpEnrolment {

    private static final String DEFAULT_NAME = "Authenticator app";
    /** Unconfirmed TOTP factors one account may have at a time; older ones go first. */
    private static final int MAX_PENDING = 5;

    private final Totp totp;
    private final FactorSecrets secrets;
    private final SecondFactorCheck check;
    private final FactorChanges changes;
    private final AuditLog auditLog;
    private final RateLimits rateLimits;
    private final StepUp stepUp;
    private final MfaConfig config;
    private final SecureRandom random = new SecureRandom();

    public TotpEnrolment(Totp totp, FactorSecrets secrets, SecondFactorCheck check, FactorChanges changes,
            AuditLog auditLog, RateLimits rateLimits, StepUp stepUp, MfaConfig config) {
        this.totp = totp;
        this.secrets = secrets;
        this.check = check;
        this.changes = changes;
        this.auditLog = auditLog;
        this.rateLimits = rateLimits;
        this.stepUp = stepUp;
        this.config = config;
    }

    /** A new TOTP factor, unconfirmed until {@link #confirm}: its secret, URI and QR code, shown this once. */
    public Uni<MfaViews.TotpEnrolment> enrol(SecondFactors.Caller caller, String name) {
        Instant now = Instant.now();
        return Panache.withTransaction(() -> FactorChanges.lockedAccount(caller.userId()).chain(user -> {
            stepUp.requireRecentAuthentication(caller.authentication(), user.mfaEnabled);
            byte[] secret = totp.newSecret(random);
            SecondFactor factor = new SecondFactor();
            factor.id = UUID.randomUUID();
            factor.userId = user.id;
            factor.type = SecondFactor.TOTP;
            factor.name = name == null || name.isBlank() ? DEFAULT_NAME : name.strip();
            factor.createdAt = now;
            FactorSecrets.Sealed sealed = secrets.seal(factor.id, secret);
            factor.secretCiphertext = sealed.ciphertext();
            factor.secretKeyId = sealed.keyId();
            String uri = Totp.keyUri(config.totpIssuer(), user.email, secret);
            return removeStalePending(user.id, now)
                    .chain(() -> factor.persist())
                    .map(ignored -> new MfaViews.TotpEnrolment(factor.id, factor.type, factor.name, Totp.base32(secret),
                            uri, QrCodes.svgDataUri(uri), now.plus(config.unconfirmedLifetime())));
        }));
    }

    /** Unconfirmed factors past their time, and the oldest beyond the few one account may have. */
    private Uni<Void> removeStalePending(UUID userId, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                delete from mfa_factors
                 where user_id = :user and confirmed_at is null
                   and (created_at <= :stale or id not in (
                        select id from mfa_factors where user_id = :user and confirmed_at is null
                         order by created_at desc, id limit :keep))
                """).setParameter("user", userId).setParameter("stale", now.minus(config.unconfirmedLifetime()))
                .setParameter("keep", MAX_PENDING - 1).executeUpdate()).replaceWithVoid();
    }

    /**
     * Confirms a TOTP factor with its first code. The account's first factor comes with its recovery codes.
     */
    public Uni<MfaViews.Enrolled> confirm(SecondFactors.Caller caller, UUID factorId, String code, ClientInfo client) {
        Instant now = Instant.now();
        return rateLimits.secondFactor(caller.userId())
                .chain(() -> changes.enrol(caller, client, user -> SecondFactor.<SecondFactor> findById(factorId)
                        .chain(factor -> {
                            if (factor == null || !factor.userId.equals(user.id) || !factor.isTotp()) {
                                throw new ProblemException(ErrorCode.NOT_FOUND, "No such factor.");
                            }
                            if (factor.isConfirmed()) {
                                throw new ProblemException(ErrorCode.FACTOR_ALREADY_CONFIRMED,
                                        "This factor is confirmed already.");
                            }
                            if (factor.createdAt.plus(config.unconfirmedLifetime()).isBefore(now)) {
                                throw new ProblemException(ErrorCode.NOT_FOUND,
                                        "This enrolment expired: enrol the authenticator again.");
                            }
                            OptionalLong step = check.firstCode(factor, code);
                            if (step.isEmpty()) {
                                throw SecondFactorCheck.wrongCode();
                            }
                            factor.confirmedAt = now;
                            factor.lastUsedAt = now;
                            factor.lastUsedStep = step.getAsLong();
                            return Uni.createFrom().item(factor);
                        }), Authentication.ONE_TIME_PASSWORD))
                .onFailure(ProblemException.class).call(failure -> wrongCodeAudited(failure, caller, client));
    }

    private Uni<Void> wrongCodeAudited(Throwable failure, SecondFactors.Caller caller, ClientInfo client) {
        if (failure instanceof ProblemException problem && problem.code() == ErrorCode.INVALID_CODE) {
            return Panache.withTransaction(() -> auditLog.record(AuditType.MFA_VERIFICATION_FAILED, caller.userId(),
                    caller.sessionId(), client, Map.of("kind", Proof.TOTP, "purpose", "enrolment")));
        }
        return Uni.createFrom().voidItem();
    }
}
