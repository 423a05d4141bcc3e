package dev.keyturn.account;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request bodies of the verification and password routes. */
public final class AccountRequests {

    private AccountRequests() {
    }

    @RegisterForReflection
    public record VerifyEmail(@NotBlank @Size(max = 254) @Email String email, @NotBlank @Size(max = 64) String code) {
        public VerifyEmail {
            email = EmailAddress.normalize(email);
        }
    }

    @RegisterForReflection
    public record EmailOnly(@NotBlank @Size(max = 254) @Email String email) {
        public EmailOnly {
            email = EmailAddress.normalize(email);
        }
    }

    @RegisterForReflection
    public record ResetPassword(@NotBlank @Size(max = 256) String token, @NotNull String newPassword) {
    }

    /**
     * {@code DELETE /users/me}: the proof that the account holder asks. Today the current password; a second factor
     * (MFA) will be an alternative field here, checked in {@link AccountDeletion#proven}.
     */
    @RegisterForReflection
    public record DeleteAccount(@Size(max = 1024) String password) {
    }

    @RegisterForReflection
    public record ChangePassword(@NotNull @Size(max = 1024) String currentPassword, @NotNull String newPassword) {
    }
}
