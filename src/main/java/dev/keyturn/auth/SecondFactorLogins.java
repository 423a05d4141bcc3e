package dev.keyturn.auth;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.webauthn4j.data.AuthenticationData;

import dev.keyturn.account.AccountConfig;
import dev.keyturn.mfa.MfaLogin;
import dev.keyturn.mfa.MfaViews;
import dev.keyturn.mfa.Proof;
import dev.keyturn.mfa.SecondFactorCheck;
import dev.keyturn.ratelimit.RateLimits;
import dev.keyturn.refresh.TokenResponse;
import dev.keyturn.token.Authentication;
import dev.keyturn.token.IssuedFor;
import dev.keyturn.web.ClientInfo;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The logins that end with a second factor: the second step of a password login ({@code POST /auth/login/mfa}, and
 * the token endpoint's MFA grant), and the passwordless login with a passkey ({@code POST /auth/passkey/login}). The
 * factor is checked and used up in the transaction that starts the session ({@link MfaLogin}, {@link NewSessions}).
 */
@ApplicationScoped
public class SecondFactorLogins {

    private final MfaLogin mfaLogin;
    private final NewSessions newSessions;
    private final RateLimits rateLimits;
    private final AccountConfig accountConfig;
    private final LoginMetrics loginMetrics;

    public SecondFactorLogins(MfaLogin mfaLogin, NewSessions newSessions, RateLimits rateLimits,
            AccountConfig accountConfig, LoginMetrics loginMetrics) {
        this.loginMetrics = loginMetrics;
        this.mfaLogin = mfaLogin;
        this.newSessions = newSessions;
        this.rateLimits = rateLimits;
        this.accountConfig = accountConfig;
    }

    /**
     * The second step of a login whose password was right: a session proved by two factors.
     *
     * @param issuedFor whom the session is for; an OAuth client's granted scope is the one of the first step
     */
    public Uni<TokenResponse> complete(String mfaToken, Proof proof, IssuedFor issuedFor, ClientInfo client) {
        return loginMetrics.counted(secondStep(mfaToken, proof, issuedFor, client));
    }

    private Uni<TokenResponse> secondStep(String mfaToken, Proof proof, IssuedFor issuedFor, ClientInfo client) {
        return mfaLogin.pending(mfaToken, issuedFor.clientId()).chain(pending -> {
            IssuedFor granted = issuedFor.clientId() == null ? issuedFor : issuedFor.withScope(pending.scope);
            return Panache.withTransaction(() -> newSessions.start(pending.userId,
                    user -> mfaLogin.prove(pending, proof, client).map(SecondFactorLogins::twoFactors), granted, client))
                    .onFailure().call(failure -> mfaLogin.failed(failure, pending.userId, null, proof, "login", client))
                    .chain(started -> newSessions.tokens(started, granted, client));
        });
    }

    private static Authentication twoFactors(SecondFactorCheck.Proved proved) {
        return new Authentication(List.of(Authentication.PASSWORD, proved.method(), Authentication.MULTI_FACTOR),
                Instant.now());
    }

    public Uni<MfaViews.PasskeyOptions> passkeyOptions(ClientInfo client) {
        return mfaLogin.passwordlessOptions(client);
    }

    /** A passwordless login: the passkey, verified with user verification, is both factors. */
    public Uni<TokenResponse> passkey(JsonNode credential, IssuedFor issuedFor, ClientInfo client) {
        return loginMetrics.counted(Uni.createFrom().deferred(() -> passwordless(credential, issuedFor, client)));
    }

    private Uni<TokenResponse> passwordless(JsonNode credential, IssuedFor issuedFor, ClientInfo client) {
        AuthenticationData assertion = mfaLogin.passwordlessAssertion(credential);
        return rateLimits.passkeyLogin(client)
                .chain(() -> mfaLogin.passkeyOwner(assertion))
                .chain(owner -> Panache.withTransaction(() -> newSessions.start(owner, user -> {
                    if (!user.emailVerified && accountConfig.requireVerifiedEmail()) {
                        throw new ProblemException(ErrorCode.EMAIL_NOT_VERIFIED, "Verify your email first.");
                    }
                    return mfaLogin.passwordless(assertion, user.id, client)
                            .map(proved -> new Authentication(List.of(proved.method(), Authentication.MULTI_FACTOR),
                                    Instant.now()));
                }, issuedFor, client)))
                .onFailure().call(failure -> mfaLogin.failed(failure, null, null, null, "passwordless_login", client))
                .chain(started -> newSessions.tokens(started, issuedFor, client));
    }
}
