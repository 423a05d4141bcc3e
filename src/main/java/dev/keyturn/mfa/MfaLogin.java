package dev.keyturn.mfa;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.webauthn4j.data.AuthenticationData;

import dev.keyturn.audit.AuditLog;
import dev.keyturn.audit.AuditType;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The second-factor part of logging in, for the login routes (auth/, and the token endpoint through them): the
 * {@code mfa_required} answer to a right password, the second step that proves a factor against its
 * {@code mfa_token}, and the passwordless login with a passkey. Starting the session is the login's own work.
 * <p>
 * An {@code mfa_token} is good for five minutes and five wrong tries, each counted by one
 * statement before the check, and it is used up by the one request that succeeds, in the transaction that starts the
 * session: of any number of requests presenting it at once with a right code, exactly one gets a session.
 */
@ApplicationScoped
public class MfaLogin {

    private final Challenges challenges;
    private final SecondFactorCheck check;
    private final Passkeys passkeys;
    private final AuditLog auditLog;
    private final RateLimits rateLimits;

    public MfaLogin(Challenges challenges, SecondFactorCheck check, Passkeys passkeys, AuditLog auditLog,
            RateLimits rateLimits) {
        this.challenges = challenges;
        this.check = check;
        this.passkeys = passkeys;
        this.auditLog = auditLog;
        this.rateLimits = rateLimits;
    }

    /**
     * The answer to a right password of an account with a second factor: 403 {@code mfa_required}, whose body carries
     * the {@code mfa_token} of the second step, the methods the account can use, and (with a passkey) the WebAuthn
     * options to answer.
     *
     * @param clientId the OAuth client the login is for (null for {@code /auth/login}): only it may take the next step
     * @param scope the scope granted to that client
     */
    public Uni<ProblemException> challenge(UUID userId, String clientId, String scope) {
        return Panache.withSession(() -> SecondFactor.confirmedOf(userId)).chain(factors -> {
            List<SecondFactor> passkeyFactors = factors.stream().filter(SecondFactor::isPasskey).toList();
            return challenges.issue(MfaChallenge.LOGIN, new Challenges.For(userId, null, clientId, scope), true,
                    !passkeyFactors.isEmpty()).map(issued -> {
                        List<String> methods = new ArrayList<>();
                        if (factors.stream().anyMatch(SecondFactor::isTotp)) {
                            methods.add(Proof.TOTP);
                        }
                        if (!passkeyFactors.isEmpty()) {
                            methods.add(Proof.PASSKEY);
                        }
                        methods.add(Proof.RECOVERY_CODE);
                        Map<String, Object> members = new LinkedHashMap<>();
                        members.put("mfa_token", issued.token());
                        members.put("mfa_expires_in", issued.expiresIn());
                        members.put("mfa_methods", methods);
                        if (issued.webAuthnChallenge() != null) {
                            members.put("public_key", passkeys.requestOptions(issued.webAuthnChallenge(), passkeyFactors,
                                    false));
                        }
                        return ProblemException.withMembers(ErrorCode.MFA_REQUIRED, "The password is right; this "
                                + "account also needs its second factor: send it with the mfa_token.", members);
                    });
        });
    }

    /**
     * Counts a try on an {@code mfa_token}, committed whatever the try's outcome.
     *
     * @param clientId the client of the request (null for {@code /auth/login/mfa}): a token is good only for the
     *        client its login was for
     */
    public Uni<MfaChallenge> pending(String mfaToken, String clientId) {
        return challenges.countLoginTry(mfaToken).map(pending -> {
            if (pending == null || !Objects.equals(pending.clientId, clientId)) {
                throw new ProblemException(ErrorCode.INVALID_MFA_TOKEN,
                        "The mfa_token is unknown, expired, used or out of tries: log in again.");
            }
            return pending;
        }).call(pending -> rateLimits.secondFactor(pending.userId));
    }

    /**
     * Inside the session's transaction: uses up the pending login and checks its second factor; the session may start
     * if this succeeds.
     */
    public Uni<SecondFactorCheck.Proved> prove(MfaChallenge pending, Proof proof, ClientInfo client) {
        return challenges.useUp(pending.id).chain(used -> {
            if (!used) {
                return Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_MFA_TOKEN,
                        "The mfa_token is used or expired: log in again."));
            }
            if (proof.credential() == null) {
                return check.verifyCode(pending.userId, proof);
            }
            AuthenticationData assertion = passkeys.readAssertion(proof.credential().toString());
            byte[] answered = assertion.getCollectedClientData().getChallenge().getValue();
            if (!challenges.isWebAuthnChallengeOf(pending, answered)) {
                return Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_PASSKEY,
                        "The passkey answered another challenge than this login's."));
            }
            return check.verifyPasskey(pending.userId, assertion, answered, false);
        }).call(proved -> verified(proved, null, "login", client));
    }

    /** The options of a passwordless login ({@code navigator.credentials.get()}), with a fresh challenge. */
    public Uni<MfaViews.PasskeyOptions> passwordlessOptions(ClientInfo client) {
        return rateLimits.passkeyLogin(client)
                .chain(() -> challenges.issue(MfaChallenge.PASSKEY_LOGIN, new Challenges.For(null, null, null, null),
                        false, true))
                .map(issued -> new MfaViews.PasskeyOptions(passkeys.requestOptions(issued.webAuthnChallenge(), List.of(),
                        true)));
    }

    /** The passkey's assertion of a passwordless login, read before the transaction that checks it. */
    public AuthenticationData passwordlessAssertion(JsonNode credential) {
        if (credential == null || !credential.isObject()) {
            throw ProblemException.validation("credential", "must be the authenticator's AuthenticationResponseJSON");
        }
        return passkeys.readAssertion(credential.toString());
    }

    /**
     * Whose passkey answered a passwordless login, read before its transaction (which holds that account first).
     *
     * @throws ProblemException 400 {@code invalid_passkey} for a passkey registered to nobody
     */
    public Uni<UUID> passkeyOwner(AuthenticationData assertion) {
        return Panache.withSession(() -> SecondFactor.<SecondFactor> find(
                "credentialId = ?1 and type = ?2 and confirmedAt is not null", assertion.getCredentialId(),
                SecondFactor.PASSKEY).firstResult()).map(passkey -> {
                    if (passkey == null) {
                        throw new ProblemException(ErrorCode.INVALID_PASSKEY, "This passkey is not registered here.");
                    }
                    return passkey.userId;
                });
    }

    /**
     * Inside the session's transaction, with the owner's account held: uses up the challenge the passkey answered and
     * checks the assertion, with user verification required (the passkey is both factors).
     */
    public Uni<SecondFactorCheck.Proved> passwordless(AuthenticationData assertion, UUID ownerId, ClientInfo client) {
        byte[] answered = assertion.getCollectedClientData().getChallenge().getValue();
        return challenges.useWebAuthnChallenge(answered, MfaChallenge.PASSKEY_LOGIN).chain(issued -> {
            if (issued == null) {
                return Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_PASSKEY,
                        "The passkey answered no open login challenge: ask for new options."));
            }
            return check.verifyPasskey(ownerId, assertion, answered, true);
        }).call(proved -> verified(proved, null, "passwordless_login", client));
    }

    /** The audit events of a proved factor, in the caller's transaction. */
    Uni<Void> verified(SecondFactorCheck.Proved proved, UUID sessionId, String purpose, ClientInfo client) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("kind", proved.kind());
        detail.put("purpose", purpose);
        if (proved.factorId() != null) {
            detail.put("factor_id", proved.factorId().toString());
        }
        Uni<Void> recorded = auditLog.record(AuditType.MFA_VERIFIED, proved.userId(), sessionId, client, detail);
        if (!Proof.RECOVERY_CODE.equals(proved.kind())) {
            return recorded;
        }
        return recorded.chain(() -> RecoveryCodes.remaining(proved.userId()))
                .chain(left -> auditLog.record(AuditType.MFA_RECOVERY_CODE_USED, proved.userId(), sessionId, client,
                        Map.of("remaining", left)));
    }

    /** A wrong second factor: audited in a transaction of its own (the failed one rolled back). */
    public Uni<Void> failed(Throwable failure, UUID userId, UUID sessionId, Proof proof, String purpose,
            ClientInfo client) {
        if (failure instanceof ProblemException problem
                && (problem.code() == ErrorCode.INVALID_CODE || problem.code() == ErrorCode.INVALID_PASSKEY)) {
            return Panache.withTransaction(() -> auditLog.record(AuditType.MFA_VERIFICATION_FAILED, userId, sessionId,
                    client, Map.of("kind", proof == null ? Proof.PASSKEY : proof.method(), "purpose", purpose)));
        }
        return Uni.createFrom().voidItem();
    }
}
