package dev.keyturn.token;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where the signing keys come from. Each key is PEM text or the path of a PEM file. */
@ConfigMapping(prefix = "keyturn.keys")
public interface KeyConfig {

    /** {@code RS256} (default) or {@code ES256}. */
    String signingAlgorithm();

    /**
     * The private key that signs access tokens (PKCS#8 PEM). For ES256 the PEM also holds the public key
     * ({@code openssl pkey -pubout} appended), since it cannot be derived portably.
     */
    Optional<String> signingKey();

    /**
     * The key that takes over signing at {@link #nextSigningKeyFrom()} (PKCS#8 PEM, RS256 or ES256 by the key; an EC
     * PEM also holds its public key). It is in the JWK Set from start-up on, so verifiers have it before it is used.
     */
    Optional<String> nextSigningKey();

    /**
     * When the next signing key starts signing (an ISO-8601 instant, read by {@link KeyRing}); at least the JWK Set's
     * max-age (5 min) after every replica started.
     */
    Optional<String> nextSigningKeyFrom();

    /** Public keys that still verify tokens signed before a key rotation (PEM text or files). */
    Optional<List<String>> previousVerificationKeys();

    /** The HMAC secret (base64, at least 32 bytes) that signs refresh tokens; only this service knows it. */
    Optional<String> refreshTokenSecret();

    /** {@code auto} (ACCP where it loads), {@code accp} (or no start) or {@code jdk}: see {@link CryptoProvider}. */
    String cryptoProvider();

    /** dev and test generate keys that are missing; prod refuses to start without them. */
    boolean generateIfMissing();
}
