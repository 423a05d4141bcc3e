package dev.keyturn.mfa;

import com.fasterxml.jackson.databind.JsonNode;

import dev.keyturn.web.problem.ProblemException;

/**
 * What a user presents as a second factor: exactly one of a TOTP code, a recovery code, or a passkey's assertion
 * ({@code AuthenticationResponseJSON}).
 */
public record Proof(String code, String recoveryCode, JsonNode credential) {

    /** The method names of the second factors, as the {@code mfa_required} answer lists them. */
    public static final String TOTP = "totp";
    public static final String RECOVERY_CODE = "recovery_code";
    public static final String PASSKEY = "passkey";

    /** @throws ProblemException 400 {@code validation_failed} unless exactly one proof is given */
    public static Proof of(String code, String recoveryCode, JsonNode credential) {
        int given = (code == null ? 0 : 1) + (recoveryCode == null ? 0 : 1) + (credential == null ? 0 : 1);
        if (given != 1) {
            throw ProblemException.validation("code", "give exactly one of code, recovery_code and credential");
        }
        if (credential != null && !credential.isObject()) {
            throw ProblemException.validation("credential", "must be a passkey's AuthenticationResponseJSON object");
        }
        return new Proof(code, recoveryCode, credential);
    }

    public String method() {
        return code != null ? TOTP : recoveryCode != null ? RECOVERY_CODE : PASSKEY;
    }
}
