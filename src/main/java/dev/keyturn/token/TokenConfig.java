package dev.keyturn.token;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;

/** Token lifetimes and claims; see application.properties for the variables that set them. */
@ConfigMapping(prefix = "keyturn.tokens")
public interface TokenConfig {

    /** {@code iss} of every token and the base of the discovery document. */
    String issuer();

    /** {@code aud} of every token. */
    String audience();

    Duration accessTokenLifetime();

    /** The {@code typ} header of access tokens, which verification also requires: {@code JWT} or {@code at+jwt}. */
    @WithConverter(AccessTokenType.FromConfig.class)
    AccessTokenType accessTokenType();

    /** Lifetime of one refresh token; slides with each rotation, capped by {@link #sessionLifetime()}. */
    Duration refreshTokenLifetime();

    /** Absolute lifetime of a session (refresh-token family), counted from the login. */
    Duration sessionLifetime();

    /** Live sessions a user may have; a new login ends the oldest beyond it (0: no cap). */
    int maxSessionsPerUser();

    /** How long the parent of the current refresh token may be presented again and get the same child. */
    Duration reuseGracePeriod();

    /** Leeway for {@code exp}, {@code iat} and {@code nbf}. */
    Duration clockSkew();

    /** How many verified access tokens are remembered, so that their signatures are checked once (0: none). */
    int verifiedTokenCacheSize();

    /** Whether the refresh-token cookie carries {@code Secure}; only dev mode over plain HTTP turns it off. */
    boolean cookieSecure();

    /** How recent a second factor must be for the sensitive routes ({@link StepUp}): RFC 9470's {@code max_age}. */
    Duration stepUpMaxAge();
}
