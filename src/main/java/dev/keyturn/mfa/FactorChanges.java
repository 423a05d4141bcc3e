package dev.keyturn.mfa;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.keyturn.account.User;
import dev.keyturn.account.UserViews;
import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.session.RevocationReason;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.session.UserSession;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * What every change of an account's second factors shares. It takes the account row's lock first, in the transaction
 * that makes the change, and keeps {@code users.mfa_enabled} true exactly while a confirmed factor exists: login reads
 * that flag, and a login racing an enrolment either committed its session first (which the enrolment then ends, unless
 * KEYTURN_MFA_REVOKE_OTHER_SESSIONS is false) or is asked for the second factor. An enrolment also makes the account's
 * first recovery codes, and the session that enrolled has proved the factor: it becomes multi-factor.
 */
@ApplicationScoped
public class FactorChanges {

    private final RecoveryCodes recoveryCodes;
    private final SessionRevocations revocations;
    private final AuditLog auditLog;
    private final UserViews userViews;
    private final MfaConfig config;

    public FactorChanges(RecoveryCodes recoveryCodes, SessionRevocations revocations, AuditLog auditLog,
            UserViews userViews, MfaConfig config) {
        this.recoveryCodes = recoveryCodes;
        this.revocations = revocations;
        this.auditLog = auditLog;
        this.userViews = userViews;
        this.config = config;
    }

    /**
     * The common part of an enrolment, in one transaction under the account's lock: {@code enrol} makes the confirmed
     * factor; the account then has MFA on, its first factor comes with recovery codes, the enrolling session proved the
     * factor (it becomes multi-factor), and the other sessions end (if so configured).
     *
     * @param method the RFC 8176 method the enrolment proved; null: that of the passkey made
     */
    Uni<MfaViews.Enrolled> enrol(SecondFactors.Caller caller, ClientInfo client,
            Function<User, Uni<SecondFactor>> enrol, String method) {
        Instant now = Instant.now();
        return revocations.committed(() -> lockedAccount(caller.userId()).chain(user -> enrol.apply(user)
                .chain(factor -> {
                    boolean first = !user.mfaEnabled;
                    user.mfaEnabled = true;
                    String proved = method != null ? method : factor.passkeyMethod();
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
    private static Uni<Void> stepUpSession(SecondFactors.Caller caller, String method, Instant now) {
        return UserSession.<UserSession> findById(caller.sessionId()).invoke(session -> {
            if (session != null && session.userId.equals(caller.userId())) {
                session.authenticated(session.authentication().steppedUp(method, now));
            }
        }).replaceWithVoid();
    }

    /** The user's other sessions end, if so configured, inside the current transaction. */
    Uni<List<UUID>> endOtherSessions(SecondFactors.Caller caller) {
        if (!config.revokeOtherSessions()) {
            return Uni.createFrom().item(List.of());
        }
        return revocations.revoke(caller.userId(), SessionRevocations.Scope.ALL_BUT, caller.sessionId(),
                RevocationReason.SECOND_FACTOR_CHANGED);
    }

    /** The caller's account row, locked for the change; an account gone or disabled refuses it. */
    static Uni<User> lockedAccount(UUID userId) {
        return User.<User> findById(userId, LockModeType.PESSIMISTIC_WRITE).invoke(FactorChanges::requireUsable);
    }

    static void requireUsable(User user) {
        if (user == null || user.disabled) {
            throw new ProblemException(ErrorCode.INVALID_TOKEN, "The account is gone or disabled.");
        }
    }
}
