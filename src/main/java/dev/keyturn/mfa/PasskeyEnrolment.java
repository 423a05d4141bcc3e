package dev.keyturn.mfa;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.webauthn4j.data.RegistrationData;

import dev.keyturn.account.User;
import dev.keyturn.token.StepUp;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Registering a passkey: the options of {@code navigator.credentials.create()} with a fresh challenge, then the
 * authenticator's answer, verified ({@link Passkeys}) and stored ({@link FactorChanges#enrol}). Registering needs a
 * recent login, or a recent second factor when the account has one ({@link StepUp}).
 */
@ApplicationScoped
public class PasskeyEnrolment {

    private static final String DEFAULT_NAME = "Passkey";

    private final Passkeys passkeys;
    private final Challenges challenges;
    private final FactorChanges changes;
    private final StepUp stepUp;

    public PasskeyEnrolment(Passkeys passkeys, Challenges challenges, FactorChanges changes, StepUp stepUp) {
        this.passkeys = passkeys;
        this.challenges = challenges;
        this.changes = changes;
        this.stepUp = stepUp;
    }

    /** The options of a passkey registration ({@code navigator.credentials.create()}), with a fresh challenge. */
    public Uni<MfaViews.PasskeyOptions> options(SecondFactors.Caller caller) {
        return Panache.withSession(() -> User.<User> findById(caller.userId())
                .chain(user -> {
                    FactorChanges.requireUsable(user);
                    stepUp.requireRecentAuthentication(caller.authentication(), user.mfaEnabled);
                    return SecondFactor.confirmedOf(user.id, SecondFactor.PASSKEY)
                            .chain(existing -> challenges.issue(MfaChallenge.PASSKEY_REGISTRATION,
                                    new Challenges.For(user.id, caller.sessionId(), null, null), false, true)
                                    .map(issued -> new MfaViews.PasskeyOptions(passkeys.creationOptions(user.id,
                                            user.email, user.username, issued.webAuthnChallenge(), existing))));
                }));
    }

    /** Registers a passkey from the authenticator's answer to {@link #options}. */
    public Uni<MfaViews.Enrolled> register(SecondFactors.Caller caller, String name, JsonNode credential, ClientInfo client) {
        if (credential == null || !credential.isObject()) {
            throw ProblemException.validation("credential", "must be the authenticator's RegistrationResponseJSON");
        }
        RegistrationData registration = passkeys.readRegistration(credential.toString());
        byte[] challenge = registration.getCollectedClientData().getChallenge().getValue();
        Instant now = Instant.now();
        return changes.enrol(caller, client, user -> challenges.useWebAuthnChallenge(challenge,
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
                        factor.name = name == null || name.isBlank() ? DEFAULT_NAME : name.strip();
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
}
