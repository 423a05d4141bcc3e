package dev.keyturn.account.hashes;

/**
 * A password hash that is not in a supported format, or whose parameters are out of the bounds Keyturn accepts. The
 * message says which, for an import's row result; it never repeats the hash.
 */
public class UnreadableHashException extends Exception {

    public UnreadableHashException(String reason) {
        super(reason, null, false, false);
    }
}
