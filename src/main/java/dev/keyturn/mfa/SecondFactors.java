package dev.keyturn.mfa;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.keyturn.account.User;
import dev.keyturn.account.UserViews;
import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.session.RevocationReason;
import dev.keyturn.session.SessionRevocations;
import dev.keyturn.token.Authentication;
import dev.keyturn.token.StepUp;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * An account's second factors as they are: listing them, removing one (a recent second factor when MFA is on), new
 * recovery codes, and an admin's reset. Enrolling is {@link TotpEnrolment}'s and {@link PasskeyEnrolment}'s; every
 * change goes by {@link FactorChanges}' rules (the account row's lock first, {@code users.mfa_enabled} kept true
 * exactly while a confirmed factor exists).
 */
@ApplicationScoped
public class SecondFactors {

    private final RecoveryCodes recoveryCodes;
    private final FactorChanges changes;
    private final SessionRevocations revocations;
    private final AuditLog auditLog;
    private final StepUp stepUp;
    private final UserViews userViews;

    public SecondFactors(RecoveryCodes recoveryCodes, FactorChanges changes, SessionRevocations revocations,
            AuditLog auditLog, StepUp stepUp, UserViews userViews) {
        this.recoveryCodes = recoveryCodes;
        this.changes = changes;
        this.revocations = revocations;
        this.auditLog = auditLog;
        this.stepUp = stepUp;
        this.userViews = userViews;
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

    /** Removes a factor; needs a recent second factor when the account has MFA on. */
    public Uni<Void> remove(Caller caller, UUID factorId, ClientInfo client) {
        return revocations.committed(() -> FactorChanges.lockedAccount(caller.userId()).chain(user -> {
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
                            return codes.chain(() -> changes.endOtherSessions(caller))
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
        return Panache.withTransaction(() -> FactorChanges.lockedAccount(caller.userId()).chain(user -> {
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
}
