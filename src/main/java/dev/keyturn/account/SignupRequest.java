package dev.keyturn.account;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Sign-up body. Any other field (a {@code roles} field above all) is rejected before this is built. */
@RegisterForReflection
public record SignupRequest(
        @NotBlank @Size(min = 3, max = 32)
        @Pattern(regexp = "^[A-Za-z0-9][A-Za-z0-9._-]*$",
                message = "letters, digits, '.', '_' and '-', starting with a letter or digit") String username,
        @NotBlank @Size(max = 254) @Email(message = "must be an email address") String email,
        @NotNull String password) {

    /** Validation sees the address as it will be stored: trimmed, NFKC, lower-case. */
    public SignupRequest {
        email = EmailAddress.normalize(email);
    }
}
