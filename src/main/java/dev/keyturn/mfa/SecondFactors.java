package dev.keyturn.mfa;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.JsonNode;
import com.webauthn4j.data.RegistrationData;

import dev.keyturn.account.User;
import dev.keyturn.account.UserViews;
import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.session.RevocationReason;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.session.UserSession;
import dev.keyturn.token.Authentication;
import dev.keyturn.token.StepUp;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * An account's second factors: enrolling a TOTP authenticator (then confirming it with a first code) or a passkey,
 * listing and removing them, making new recovery codes, and an admin's reset.
 * <p>
 * Every change takes the account row's lock first, in the transaction that makes it, and keeps
 * {@code users.mfa_enabled} true exactly while a confirmed factor exists: login reads that flag, and a login racing
 * an enrolment either committed its session first (which the enrolment then ends, unless
 * KEYTURN_MFA_REVOKE_OTHER_SESSIONS is false) or is asked for the second factor. Enrolling and removing need a recent
 * login or second factor ({@link StepUp}); the session that enrolled a factor has proved it, and becomes multi-factor.
 */
@ApplicationScoped
public class SecondFactors {

    private static final String DEFAULT_TOTP_NAME = "Authenticator app";
    private static final String DEFAULT_PASSKEY_NAME = "Passkey";
    /** Unconfirmed TOTP factors one account may have at a time; older ones go first. */
    private static final int MAX_PENDING = 5;

    private final Totp totp;
    private final FactorSecrets secrets;
    private final SecondFactorCheck check;
    private final RecoveryCodes recoveryCodes;
    private final Passkeys passkeys;
    private final Challenges challenges;
    private final SessionRevocations revocations;
    private final AuditLog auditLog;
    private final RateLimits rateLimits;
    private final StepUp stepUp;
    private final UserViews userViews;
    private final MfaConfig config;
    private final SecureRandom random = new SecureRandom();

    public SecondFactors(Totp totp, FactorSecrets secrets, SecondFactorCheck check, RecoveryCodes recoveryCodes,
            Passkeys passkeys, Challenges challenges, SessionRevocations revocations, AuditLog auditLog,
            RateLimits rateLimits, StepUp stepUp, UserViews userViews, MfaConfig config) {
        this.totp = totp;
        this.secrets = secrets;
        this.check = check;
        this.recoveryCodes = recoveryCodes;
        this.passkeys = passkeys;
        this.challenges = challenges;
        this.revocations = revocations;
        this.auditLog = auditLog;
        this.rateLimits = rateLimits;
        this.stepUp = stepUp;
        this.userViews = userViews;
        this.config = config;
    }

    /** The caller: whose session, and how and when they authenticated (from the access token). */
    public record Caller(UUID userId, UUID sessionId, Authentication authentication) {

        public static Caller of(JsonWebToken token) {
            return new Caller(UUID.fromString(token.getSubject()), UUID.fromString(token.getClaim("sid")),
                    Authentication.of(token));
        }
    }

    public Uni<MfaViews.Status> status(UUID userId) {
        return Panache.withSession(() -> SecondFactor.<SecondFactor> list("userId = ?1 order by createdAt, id", userId)
                .chain(factors -> RecoveryCodes.remaining(userId).map(remaining -> new MfaViews.Status(
                        factors.stream().anyMatch(SecondFactor::isConfirmed),
                        factors.stream().map(MfaViews.Factor::of).toList(), remaining))));
    }

    /** A new TOTP factor, unconfirmed until {@link #confirmTotp}: its secret, URI and QR code, shown this once. */
    public Uni<MfaViews.TotpEnrolment> enrolTotp(Caller caller, String name) {
        Instant now = Instant.now();
        return Panache.withTransaction(() -> lockedAccount(caller.userId()).chain(user -> {
            stepUp.requireRecentAuthentication(caller.authentication(), user.mfaEnabled);
            byte[] secret = totp.newSecret(random);
            SecondFactor factor = new SecondFactor();
            factor.id = UUID.randomUUID();
            factor.userId = user.id;
            factor.type = SecondFactor.TOTP;
            factor.name = name == null || name.isBlank() ? DEFAULT_TOTP_NAME : name.strip();
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
    public Uni<MfaViews.Enrolled> confirmTotp(Caller caller, UUID factorId, String code, ClientInfo client) {
        Instant now = Instant.now();
        return rateLimits.secondFactor(caller.userId())
                .chain(() -> changing(caller, client, user -> SecondFactor.<SecondFactor> findById(factorId)
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

    private Uni<Void> wrongCodeAudited(Throwable failure, Caller caller, ClientInfo client) {
        if (failure instanceof ProblemException problem && problem.code() == ErrorCode.INVALID_CODE) {
            return Panache.withTransaction(() -> auditLog.record(AuditType.MFA_VERIFICATION_FAILED, caller.userId(),
                    caller.sessionId(), client, Map.of("kind", Proof.TOTP, "purpose", "enrolment")));
        }
        return Uni.createFrom().voidItem();
    }

    /** The options of a passkey registration ({@code navigator.credentials.create()}), with a fresh challenge. */
    public Uni<MfaViews.PasskeyOptions> passkeyOptions(Caller caller) {
        return Panache.withSession(() -> User.<User> findById(caller.userId())
                .chain(user -> {
                    requireUsable(user);
                    stepUp.requireRecentAuthentication(caller.authentication(), user.mfaEnabled);
                    return SecondFactor.confirmedOf(user.id, SecondFactor.PASSKEY)
                            .chain(existing -> challenges.issue(MfaChallenge.PASSKEY_REGISTRATION,
                                    new Challenges.For(user.id, caller.sessionId(), null, null), false, true)
                                    .map(issued -> new MfaViews.PasskeyOptions(passkeys.creationOptions(user.id,
                                            user.email, user.username, issued.webAuthnChallenge(), existing))));
                }));
    }

    /** Registers a passkey from the authenticator's answer to {@link #passkeyOptions}. */
    public Uni<MfaViews.Enrolled> registerPasskey(Caller caller, String name, JsonNode credential, ClientInfo client) {
        if (credential == null || !credential.isObject()) {
            throw ProblemException.validation("credential", "must be the authenticator's RegistrationResponseJSON");
        }
        RegistrationData registration = passkeys.readRegistration(credential.toString());
        byte[] challenge = registration.getCollectedClientData().getChallenge().getValue();
        Instant now = Instant.now();
        return changing(caller, client, user -> challenges.useWebAuthnChallenge(challenge,
                MfaChallenge.PASSKEY_REGISTRATION).chain(issued -> {
                    if (issued == null || !user.id.equals(issued.userId)) {
                        throw new ProblemException(ErrorCode.INVALID_PASSKEY,
                                "The registration answers no challenge of this account that is still open: ask for new options.");
                    }
                    Passkeys.Registered registered = passkeys.verifyRegistration(registration, challenge);
                    return SecondFactor.count("credentialId", registered.credentialId()).map(taken -> {
                        if (taken > 0) {
                            throw new ProblemException(ErrorCode.INVALID_PASSKEY, "This passkey is registered already.");
                        }
                        SecondFactor factor = new SecondFactor();
                        factor.id = UUID.randomUUID();
                        factor.userId = user.id;
                        factor.type = SecondFactor.PASSKEY;
                        factor.name = name == null || name.isBlank() ? DEFAULT_PASSKEY_NAME : name.strip();
                        factor.createdAt = now;
                        factor.confirmedAt = now;
                        factor.lastUsedAt = now;
                        factor.credentialId = registered.credentialId();
                        factor.attestedData = registered.attestedData();
                        factor.signCount = registered.signCount();
                        factor.backupEligible = registered.backupEligible();
                        factor.backupState = registered.backupState();
                        factor.uvInitialized = registered.userVerified();
                        factor.transports = registered.transports();
                        factor.attestationFormat = registered.attestationFormat();
                        return factor;
                    }).call(factor -> factor.persist());
                }), null);
    }

    /**
     * The common part of an enrolment, in one transaction under the account's lock: {@code enrol} makes the confirmed
     * factor; the account then has MFA on, its first factor comes with recovery codes, the enrolling session proved the
     * factor (it becomes multi-factor), and the other sessions end (if so configured).
     *
     * @param method the RFC 8176 method the enrolment proved; null: that of the passkey made
     */
    private Uni<MfaViews.Enrolled> changing(Caller caller, ClientInfo client,
            java.util.function.Function<User, Uni<SecondFactor>> enrol, String method) {
        Instant now = Instant.now();
        return revocations.committed(() -> lockedAccount(caller.userId()).chain(user -> enrol.apply(user)
                .chain(factor -> {
                    boolean first = !user.mfaEnabled;
                    user.mfaEnabled = true;
                    String proved = method != null ? method
                            : Boolean.TRUE.equals(factor.backupEligible) ? Authentication.SOFTWARE_KEY
                                    : Authentication.HARDWARE_KEY;
                    Uni<List<String>> codes = first ? recoveryCodes.replace(user.id) : Uni.createFrom().nullItem();
                    return codes.chain(issued -> stepUpSession(caller, proved, now)
                            .chain(() -> endOtherSessions(caller))
                            .call(revoked -> auditLog.record(AuditType.MFA_FACTOR_ENROLLED, user.id, caller.sessionId(),
                                    client, Map.of("factor_id", factor.id.toString(), "type", factor.type,
                                            "sessions_revoked", revoked.size())))
                            .map(revoked -> new Changed<>(new MfaViews.Enrolled(MfaViews.Factor.of(factor), issued),
                                    revoked)));
                })), Changed::revoked)
                .invoke(() -> userViews.forget(caller.userId()))
                .map(Changed::result);
    }

    /** What a change answers, and the sessions it ended (remembered at once by this replica after the commit). */
    private record Changed<T>(T result, List<UUID> revoked) {
    }

    /** The calling session proved a second factor just now: its tokens say so from its next refresh on. */
    private static Uni<Void> stepUpSession(Caller caller, String method, Instant now) {
        return UserSession.<UserSession> findById(caller.sessionId()).invoke(session -> {
            if (session != null && session.userId.equals(caller.userId())) {
                session.authenticated(session.authentication().steppedUp(method, now));
            }
        }).replaceWithVoid();
    }

    private Uni<List<UUID>> endOtherSessions(Caller caller) {
        if (!config.revokeOtherSessions()) {
            return Uni.createFrom().item(List.of());
        }
        return revocations.revoke(caller.userId(), SessionRevocations.Scope.ALL_BUT, caller.sessionId(),
                RevocationReason.SECOND_FACTOR_CHANGED);
    }

    /** Removes a factor; needs a recent second factor when the account has MFA on. */
    public Uni<Void> remove(Caller caller, UUID factorId, ClientInfo client) {
        return revocations.committed(() -> lockedAccount(caller.userId()).chain(user -> {
            stepUp.requireRecentAuthentication(caller.authentication(), user.mfaEnabled);
            return SecondFactor.<SecondFactor> findById(factorId).chain(factor -> {
                if (factor == null || !factor.userId.equals(user.id)) {
                    throw new ProblemException(ErrorCode.NOT_FOUND, "No such factor.");
                }
                boolean wasConfirmed = factor.isConfirmed();
                return factor.delete()
                        .chain(() -> SecondFactor.count("userId = ?1 and confirmedAt is not null", user.id))
                        .chain(left -> {
                            user.mfaEnabled = left > 0;
                            Uni<Void> codes = user.mfaEnabled ? Uni.createFrom().voidItem() : recoveryCodes.removeAll(user.id);
                            if (!wasConfirmed) {
                                return codes.replaceWith(List.<UUID> of());
                            }
                            return codes.chain(() -> endOtherSessions(caller))
                                    .call(revoked -> auditLog.record(AuditType.MFA_FACTOR_REMOVED, user.id,
                                            caller.sessionId(), client, Map.of("factor_id", factor.id.toString(),
                                                    "type", factor.type, "by", "owner", "sessions_revoked",
                                                    revoked.size())));
                        });
            });
        })).invoke(() -> userViews.forget(caller.userId())).replaceWithVoid();
    }

    /** Ten new recovery codes in place of the old ones; needs a recent second factor. */
    public Uni<MfaViews.RecoveryCodeList> regenerateRecoveryCodes(Caller caller, ClientInfo client) {
        return Panache.withTransaction(() -> lockedAccount(caller.userId()).chain(user -> {
            if (!user.mfaEnabled) {
                throw new ProblemException(ErrorCode.NO_SECOND_FACTOR,
                        "Recovery codes come with a second factor: enrol one first.");
            }
            stepUp.requireRecentSecondFactor(caller.authentication());
            return recoveryCodes.replace(user.id)
                    .call(() -> auditLog.record(AuditType.MFA_RECOVERY_CODES_REGENERATED, user.id, caller.sessionId(),
                            client))
                    .map(MfaViews.RecoveryCodeList::new);
        }));
    }

    /** An admin removes every factor and recovery code of an account, and ends all its sessions. */
    public Uni<Void> reset(UUID adminId, UUID userId, ClientInfo client) {
        return revocations.committed(() -> User.<User> findById(userId, LockModeType.PESSIMISTIC_WRITE).chain(user -> {
            if (user == null) {
                throw new ProblemException(ErrorCode.NOT_FOUND, "No such user.");
            }
            user.mfaEnabled = false;
            return SecondFactor.delete("userId", userId)
                    .chain(removed -> recoveryCodes.removeAll(userId)
                            .chain(() -> revocations.revoke(userId, SessionRevocations.Scope.ALL, null,
                                    RevocationReason.SECOND_FACTORS_RESET))
                            .call(revoked -> auditLog.record(AuditType.MFA_RESET, userId, null, client,
                                    Map.of("by", adminId.toString(), "factors_removed", removed,
                                            "sessions_revoked", revoked.size()))));
        })).invoke(() -> userViews.forget(userId)).replaceWithVoid();
    }

    private static Uni<User> lockedAccount(UUID userId) {
        return User.<User> findById(userId, LockModeType.PESSIMISTIC_WRITE).invoke(SecondFactors::requireUsable);
    }

    private static void requireUsable(User user) {
        if (user == null || user.disabled) {
            throw new ProblemException(ErrorCode.INVALID_TOKEN, "The account is gone or disabled.");
        }
    }
}
