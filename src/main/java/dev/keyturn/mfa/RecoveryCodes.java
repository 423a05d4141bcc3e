package dev.keyturn.mfa;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.keyturn.token.KeyRing;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Ten single-use recovery codes per account, for the day its authenticator is lost: shown once when the first factor
 * is enrolled (or when they are made anew), stored as keyed hashes only. A code is {@code xxxxx-xxxxx} from an
 * alphabet without look-alikes (50 bits: guessing is bounded by the second-factor limits long before it could
 * work). Using one is a single conditional UPDATE, so the same code presented twice at once succeeds once.
 */
@ApplicationScoped
public class RecoveryCodes {

    static final int COUNT = 10;
    private static final String ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    private static final int HALF = 5;
    private static final String PURPOSE = "mfa-recovery-code";

    private final KeyRing keys;
    private final SecureRandom random = new SecureRandom();

    public RecoveryCodes(KeyRing keys) {
        this.keys = keys;
    }

    /**
     * Replaces the account's codes with ten new ones, in the caller's transaction.
     *
     * @return the codes, to be shown once
     */
    public Uni<List<String>> replace(UUID userId) {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            codes.add(newCode());
        }
        Instant now = Instant.now();
        return Panache.getSession().chain(session -> session
                .createNativeQuery("delete from mfa_recovery_codes where user_id = :user")
                .setParameter("user", userId).executeUpdate()
                .chain(() -> {
                    Uni<Integer> inserts = Uni.createFrom().item(0);
                    for (String code : codes) {
                        inserts = inserts.chain(() -> session.createNativeQuery("insert into mfa_recovery_codes "
                                + "(id, user_id, code_hash, created_at) values (:id, :user, :hash, :now)")
                                .setParameter("id", UUID.randomUUID()).setParameter("user", userId)
                                .setParameter("hash", hash(code)).setParameter("now", now).executeUpdate());
                    }
                    return inserts;
                }))
                .replaceWith(codes);
    }

    /** Removes the account's codes (its last factor went), in the caller's transaction. */
    public Uni<Void> removeAll(UUID userId) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("delete from mfa_recovery_codes where user_id = :user")
                .setParameter("user", userId).executeUpdate()).replaceWithVoid();
    }

    /**
     * Uses up a code of the account, in the caller's transaction.
     *
     * @return whether it was an unused code of the account (and is now used)
     */
    public Uni<Boolean> use(UUID userId, String code) {
        String normalized = normalize(code);
        if (normalized == null) {
            return Uni.createFrom().item(false);
        }
        return Panache.getSession().chain(session -> session
                .createNativeQuery("update mfa_recovery_codes set used_at = :now where user_id = :user "
                        + "and code_hash = :hash and used_at is null")
                .setParameter("now", Instant.now()).setParameter("user", userId)
                .setParameter("hash", hash(normalized)).executeUpdate())
                .map(updated -> updated == 1);
    }

    /** How many unused codes the account has left. */
    public static Uni<Long> remaining(UUID userId) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select count(*) from mfa_recovery_codes where user_id = :user and used_at is null",
                        Long.class)
                .setParameter("user", userId).getSingleResult());
    }

    private String newCode() {
        StringBuilder code = new StringBuilder(2 * HALF + 1);
        for (int i = 0; i < 2 * HALF; i++) {
            if (i == HALF) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** What a user types: any case, with or without the dash, spaces around it. */
    static String normalize(String code) {
        if (code == null) {
            return null;
        }
        String letters = code.strip().toLowerCase(Locale.ROOT).replace("-", "").replace(" ", "");
        if (letters.length() != 2 * HALF || !letters.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
            return null;
        }
        return letters.substring(0, HALF) + "-" + letters.substring(HALF);
    }

    private byte[] hash(String normalized) {
        return keys.singleUseSecretHash(PURPOSE, normalized);
    }
}
