package dev.keyturn.mfa;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.token.KeyRing;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The challenges of the second-factor ceremonies ({@link MfaChallenge}): made with a random {@code mfa_token} (the
 * handle of a login's second step) and/or a random WebAuthn challenge, of which only keyed hashes are stored. Every
 * change is one conditional statement: a try is counted only while the challenge is unused, unexpired and under its
 * tries, and a challenge is used up exactly once however many requests present it at the same moment.
 */
@ApplicationScoped
public class Challenges {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int TOKEN_BYTES = 32;
    private static final int CHALLENGE_BYTES = 32;

    private final KeyRing keys;
    private final MfaConfig config;
    private final SecureRandom random = new SecureRandom();

    public Challenges(KeyRing keys, MfaConfig config) {
        this.keys = keys;
        this.config = config;
    }

    /**
     * A challenge just made: its row id, the {@code mfa_token} to hand out (or null), the WebAuthn challenge (or null),
     * and how many seconds it is good for.
     */
    public record Issued(UUID id, String token, byte[] webAuthnChallenge, long expiresIn) {
    }

    /** What a challenge is for, beyond its purpose: whose, which session's, for which client and scope. */
    public record For(UUID userId, UUID sessionId, String clientId, String scope) {

        static For user(UUID userId) {
            return new For(userId, null, null, null);
        }
    }

    /** Makes a challenge, in the current transaction (or its own). */
    public Uni<Issued> issue(String purpose, For owner, boolean withToken, boolean withWebAuthnChallenge) {
        Instant now = Instant.now();
        MfaChallenge challenge = new MfaChallenge();
        challenge.id = UUID.randomUUID();
        challenge.purpose = purpose;
        challenge.userId = owner.userId();
        challenge.sessionId = owner.sessionId();
        challenge.clientId = owner.clientId();
        challenge.scope = owner.scope();
        challenge.createdAt = now;
        challenge.expiresAt = now.plus(config.challengeLifetime());
        String token = null;
        if (withToken) {
            token = BASE64URL.encodeToString(randomBytes(TOKEN_BYTES));
            challenge.tokenHash = tokenHash(token);
        }
        byte[] webAuthn = null;
        if (withWebAuthnChallenge) {
            webAuthn = randomBytes(CHALLENGE_BYTES);
            challenge.challengeHash = challengeHash(webAuthn);
        }
        Issued issued = new Issued(challenge.id, token, webAuthn, config.challengeLifetime().toSeconds());
        return Panache.withTransaction(challenge::persist).replaceWith(issued);
    }

    /**
     * Counts a try on a login's {@code mfa_token}, in a statement of its own (committed whatever the try's outcome).
     *
     * @return the login challenge, or null when the token is unknown, used, expired or out of tries
     */
    public Uni<MfaChallenge> countLoginTry(String mfaToken) {
        if (mfaToken == null || mfaToken.isBlank() || mfaToken.length() > 128) {
            return Uni.createFrom().nullItem();
        }
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                .createNativeQuery("update mfa_challenges set attempts = attempts + 1 where token_hash = :hash "
                        + "and purpose = :purpose and used_at is null and expires_at > :now and attempts < :max "
                        + "returning *", MfaChallenge.class)
                .setParameter("hash", tokenHash(mfaToken)).setParameter("purpose", MfaChallenge.LOGIN)
                .setParameter("now", Instant.now()).setParameter("max", config.maxAttempts())
                .getResultList()))
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /**
     * Uses up a challenge, in the caller's transaction: of every request presenting it at once, one gets true.
     */
    public Uni<Boolean> useUp(UUID challengeId) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("update mfa_challenges set used_at = :now where id = :id and used_at is null "
                        + "and expires_at > :now")
                .setParameter("now", Instant.now()).setParameter("id", challengeId).executeUpdate())
                .map(updated -> updated == 1);
    }

    /**
     * Uses up the WebAuthn challenge that a client's answer names, in the caller's transaction.
     *
     * @return the challenge row when it was an unused, unexpired challenge of {@code purpose} (now used), else null
     */
    public Uni<MfaChallenge> useWebAuthnChallenge(byte[] webAuthnChallenge, String purpose) {
        if (webAuthnChallenge == null || webAuthnChallenge.length != CHALLENGE_BYTES) {
            return Uni.createFrom().nullItem();
        }
        return Panache.getSession().chain(session -> session
                .createNativeQuery("update mfa_challenges set used_at = :now where challenge_hash = :hash "
                        + "and purpose = :purpose and used_at is null and expires_at > :now returning *",
                        MfaChallenge.class)
                .setParameter("now", Instant.now()).setParameter("hash", challengeHash(webAuthnChallenge))
                .setParameter("purpose", purpose).getResultList())
                .map(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /** Whether a WebAuthn challenge is the one a challenge row was made with. */
    public boolean isWebAuthnChallengeOf(MfaChallenge challenge, byte[] webAuthnChallenge) {
        return challenge.challengeHash != null && webAuthnChallenge != null
                && java.security.MessageDigest.isEqual(challenge.challengeHash, challengeHash(webAuthnChallenge));
    }

    private byte[] tokenHash(String token) {
        return keys.singleUseSecretHash("mfa-token", token);
    }

    private byte[] challengeHash(byte[] challenge) {
        return keys.singleUseSecretHash("webauthn-challenge", BASE64URL.encodeToString(challenge));
    }

    private byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }
}
