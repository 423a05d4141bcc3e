package dev.keyturn.mfa;

import java.time.Instant;
import java.util.OptionalLong;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.webauthn4j.data.AuthenticationData;

import dev.keyturn.token.Authentication;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Checks a second factor that a user presents, and uses it up, in the caller's transaction: a TOTP code is good once
 * (its time step is recorded, and a code of that step or an earlier one is refused, RFC 6238 section 5.2), a recovery
 * code once, and a passkey's signature counter moves on. Each use is a conditional UPDATE on what the check saw, so
 * that two requests presenting the same proof at the same moment cannot both pass.
 */
@ApplicationScoped
public class SecondFactorCheck {

    private final Totp totp;
    private final FactorSecrets secrets;
    private final RecoveryCodes recoveryCodes;
    private final Passkeys passkeys;

    public SecondFactorCheck(Totp totp, FactorSecrets secrets, RecoveryCodes recoveryCodes, Passkeys passkeys) {
        this.totp = totp;
        this.secrets = secrets;
        this.recoveryCodes = recoveryCodes;
        this.passkeys = passkeys;
    }

    /**
     * A second factor proved.
     *
     * @param method its RFC 8176 method: {@code otp}, {@code hwk} or {@code swk}
     * @param kind {@link Proof#TOTP}, {@link Proof#RECOVERY_CODE} or {@link Proof#PASSKEY}
     * @param factorId the factor that proved it (null for a recovery code)
     */
    public record Proved(UUID userId, String method, String kind, UUID factorId) {
    }

    /** A TOTP code of one of the account's confirmed authenticators, or a recovery code. */
    public Uni<Proved> verifyCode(UUID userId, Proof proof) {
        if (proof.recoveryCode() != null) {
            return recoveryCodes.use(userId, proof.recoveryCode()).map(used -> {
                if (!used) {
                    throw wrongCode();
                }
                return new Proved(userId, Authentication.ONE_TIME_PASSWORD, Proof.RECOVERY_CODE, null);
            });
        }
        Instant now = Instant.now();
        return SecondFactor.confirmedOf(userId, SecondFactor.TOTP).chain(factors -> {
            for (SecondFactor factor : factors) {
                byte[] secret = secrets.open(factor.id, new FactorSecrets.Sealed(factor.secretCiphertext, factor.secretKeyId));
                OptionalLong step = totp.matchingStep(secret, proof.code(), now);
                if (step.isPresent()) {
                    return useStep(factor, secret, step.getAsLong(), now)
                            .map(ignored -> new Proved(userId, Authentication.ONE_TIME_PASSWORD, Proof.TOTP, factor.id));
                }
            }
            return Uni.createFrom().failure(wrongCode());
        });
    }

    /**
     * The first code of a TOTP factor being enrolled, which confirms it: the same once-only rule as every later code.
     *
     * @return the step it was for
     */
    public OptionalLong firstCode(SecondFactor factor, String code) {
        byte[] secret = secrets.open(factor.id, new FactorSecrets.Sealed(factor.secretCiphertext, factor.secretKeyId));
        return totp.matchingStep(secret, code, Instant.now());
    }

    /**
     * Records that a step's code was used, unless it (or a later one) already was; a secret sealed under a previous
     * key is sealed again under the current one on the way.
     */
    private Uni<Void> useStep(SecondFactor factor, byte[] secret, long step, Instant now) {
        FactorSecrets.Sealed sealed = secrets.isStale(factor.secretKeyId) ? secrets.seal(factor.id, secret)
                : new FactorSecrets.Sealed(factor.secretCiphertext, factor.secretKeyId);
        return Panache.getSession().chain(session -> session
                .createNativeQuery("update mfa_factors set last_used_step = :step, last_used_at = :now, "
                        + "secret_ciphertext = :ciphertext, secret_key_id = :keyId where id = :id "
                        + "and confirmed_at is not null and (last_used_step is null or last_used_step < :step)")
                .setParameter("step", step).setParameter("now", now).setParameter("ciphertext", sealed.ciphertext())
                .setParameter("keyId", sealed.keyId()).setParameter("id", factor.id).executeUpdate())
                .invoke(updated -> {
                    if (updated != 1) {
                        // this code, or a later one, was used already: a replay
                        throw wrongCode();
                    }
                })
                .replaceWithVoid();
    }

    /** An assertion by one of the account's passkeys, against the challenge Keyturn issued for it. */
    public Uni<Proved> verifyPasskey(UUID userId, AuthenticationData assertion, byte[] challenge,
            boolean userVerificationRequired) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select * from mfa_factors where credential_id = :credential "
                        + "and type = 'passkey' and confirmed_at is not null", SecondFactor.class)
                .setParameter("credential", assertion.getCredentialId()).getResultList())
                .chain(found -> {
                    SecondFactor passkey = found.isEmpty() ? null : found.get(0);
                    if (passkey == null || !passkey.userId.equals(userId)) {
                        return Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_PASSKEY,
                                "This passkey is not registered for this account."));
                    }
                    UUID handleUser = Passkeys.userOf(assertion.getUserHandle());
                    if (assertion.getUserHandle() != null && !passkey.userId.equals(handleUser)) {
                        return Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_PASSKEY,
                                "The passkey's user handle is not its account's."));
                    }
                    Passkeys.Asserted asserted = passkeys.verifyAssertion(assertion, challenge, passkey,
                            userVerificationRequired);
                    return useSignature(passkey, asserted)
                            .map(ignored -> new Proved(passkey.userId, asserted.method(), Proof.PASSKEY, passkey.id));
                });
    }

    /** The counter a verification checked against is the one replaced: two uses at once cannot both move it. */
    private static Uni<Void> useSignature(SecondFactor passkey, Passkeys.Asserted asserted) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("update mfa_factors set sign_count = :count, backup_state = :backupState, "
                        + "uv_initialized = uv_initialized or :verified, last_used_at = :now "
                        + "where id = :id and sign_count = :seen")
                .setParameter("count", asserted.signCount()).setParameter("backupState", asserted.backupState())
                .setParameter("verified", asserted.userVerified()).setParameter("now", Instant.now())
                .setParameter("id", passkey.id).setParameter("seen", passkey.signCount).executeUpdate())
                .invoke(updated -> {
                    if (updated != 1) {
                        throw new ProblemException(ErrorCode.INVALID_PASSKEY,
                                "The passkey was used by another request at the same moment.");
                    }
                })
                .replaceWithVoid();
    }

    static ProblemException wrongCode() {
        return new ProblemException(ErrorCode.INVALID_CODE, "The code is wrong, expired or used already.");
    }
}
