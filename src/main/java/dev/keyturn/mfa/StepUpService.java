package dev.keyturn.mfa;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.webauthn4j.data.AuthenticationData;

import dev.keyturn.account.User;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.session.UserSession;
import dev.keyturn.token.AccessTokenIssuer;
import dev.keyturn.token.Authentication;
import dev.keyturn.token.IssuedFor;
import dev.keyturn.token.TokenConfig;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;

/**
 * Step-up (RFC 9470): a signed-in user proves a second factor again, and their session becomes multi-factor as of now
 * ({@code acr} {@code mfa}, a new {@code auth_time}), which the sensitive routes ask for ({@link dev.keyturn.token.StepUp}).
 * The session row keeps it, so every later refresh keeps it too. A session of the JSON routes gets a new access token
 * in the answer; an OAuth client's session gets its own through the token endpoint's refresh.
 */
@ApplicationScoped
public class StepUpService {

    private final SecondFactorCheck check;
    private final Challenges challenges;
    private final Passkeys passkeys;
    private final MfaLogin mfaLogin;
    private final RateLimits rateLimits;
    private final AccessTokenIssuer accessTokens;
    private final IssuedFor firstParty;

    public StepUpService(SecondFactorCheck check, Challenges challenges, Passkeys passkeys, MfaLogin mfaLogin,
            RateLimits rateLimits, AccessTokenIssuer accessTokens, TokenConfig config) {
        this.check = check;
        this.challenges = challenges;
        this.passkeys = passkeys;
        this.mfaLogin = mfaLogin;
        this.rateLimits = rateLimits;
        this.accessTokens = accessTokens;
        this.firstParty = IssuedFor.firstParty(config);
    }

    /** The session's authentication after a step-up; with a new access token for a session of the JSON routes. */
    @RegisterForReflection
    @Schema(name = "StepUp")
    public record SteppedUp(String accessToken, String tokenType, Long expiresIn, List<String> amr, String acr,
            Instant authTime) {
    }

    /** WebAuthn options to step up with one of the account's passkeys. */
    public Uni<MfaViews.PasskeyOptions> passkeyOptions(SecondFactors.Caller caller) {
        return Panache.withSession(() -> SecondFactor.confirmedOf(caller.userId(), SecondFactor.PASSKEY))
                .chain(passkeyFactors -> {
                    if (passkeyFactors.isEmpty()) {
                        throw new ProblemException(ErrorCode.NO_SECOND_FACTOR, "This account has no passkey.");
                    }
                    return challenges.issue(MfaChallenge.STEP_UP, new Challenges.For(caller.userId(),
                            caller.sessionId(), null, null), false, true)
                            .map(issued -> new MfaViews.PasskeyOptions(passkeys.requestOptions(
                                    issued.webAuthnChallenge(), passkeyFactors, false)));
                });
    }

    public Uni<SteppedUp> stepUp(SecondFactors.Caller caller, Proof proof, ClientInfo client) {
        AuthenticationData assertion = proof.credential() == null ? null
                : passkeys.readAssertion(proof.credential().toString());
        return rateLimits.secondFactor(caller.userId())
                .chain(() -> Panache.withTransaction(() -> User.holdForSession(caller.userId()).chain(user -> {
                    if (user == null || user.disabled) {
                        throw new ProblemException(ErrorCode.INVALID_TOKEN, "The account is gone or disabled.");
                    }
                    if (!user.mfaEnabled) {
                        throw new ProblemException(ErrorCode.NO_SECOND_FACTOR,
                                "This account has no second factor to step up with.");
                    }
                    return UserSession.<UserSession> find("id = ?1 and userId = ?2", caller.sessionId(), user.id)
                            .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult()
                            .chain(session -> {
                                Instant now = Instant.now();
                                if (session == null || !session.isActive(now)) {
                                    throw new ProblemException(ErrorCode.INVALID_TOKEN, "The session has ended.");
                                }
                                return prove(user, session, proof, assertion).call(proved -> mfaLogin.verified(proved,
                                        session.id, "step_up", client)).map(proved -> {
                                            session.authenticated(session.authentication().steppedUp(proved.method(), now));
                                            return answer(user, session, now);
                                        });
                            });
                })))
                .onFailure().call(failure -> mfaLogin.failed(failure, caller.userId(), caller.sessionId(), proof,
                        "step_up", client));
    }

    private Uni<SecondFactorCheck.Proved> prove(User user, UserSession session, Proof proof,
            AuthenticationData assertion) {
        if (assertion == null) {
            return check.verifyCode(user.id, proof);
        }
        byte[] answered = assertion.getCollectedClientData().getChallenge().getValue();
        return challenges.useWebAuthnChallenge(answered, MfaChallenge.STEP_UP).chain(issued -> {
            if (issued == null || !user.id.equals(issued.userId) || !session.id.equals(issued.sessionId)) {
                return Uni.createFrom().failure(new ProblemException(ErrorCode.INVALID_PASSKEY,
                        "The passkey answered no open step-up challenge of this session: ask for new options."));
            }
            return check.verifyPasskey(user.id, assertion, answered, false);
        });
    }

    private SteppedUp answer(User user, UserSession session, Instant now) {
        Authentication authentication = session.authentication();
        if (session.clientId != null) {
            return new SteppedUp(null, null, null, authentication.methods(), authentication.acr(), authentication.time());
        }
        AccessTokenIssuer.AccessToken token = accessTokens.issue(user.tokenSubject(), session.id, authentication,
                firstParty, now);
        return new SteppedUp(token.token(), "Bearer", token.expiresIn(), authentication.methods(), authentication.acr(),
                authentication.time());
    }

}
