package dev.keyturn.auth;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.keyturn.account.EmailAddress;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request bodies of the session routes. */
public final class Requests {

    private Requests() {
    }

    @RegisterForReflection
    public record Login(@NotBlank @Size(max = 254) @Email String email, @NotNull @Size(max = 1024) String password,
            @Size(max = 64) String code) {

        public Login {
            email = EmailAddress.normalize(email);
        }
    }

    @RegisterForReflection
    public record Refresh(@Size(max = 4096) String refreshToken) {
    }

    @RegisterForReflection
    public record Logout(@Size(max = 4096) String refreshToken,
            @Pattern(regexp = "local|global|others", message = "must be local, global or others") String scope) {
    }
}
