package dev.keyturn.webhook;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** Request bodies of {@code /admin/webhooks}; the rules across fields are {@link WebhookRegistry}'s. */
public final class WebhookRequests {

    private WebhookRequests() {
    }

    /** {@code POST /admin/webhooks} and {@code PUT /admin/webhooks/{id}} (where {@code secret} must be absent). */
    @RegisterForReflection
    public record Endpoint(
            @NotBlank @Size(max = 2000) String url,
            @NotNull @Size(min = 1, max = WebhookEvents.MAX_SUBSCRIPTIONS) List<@NotBlank @Size(max = 64) String> events,
            @Size(max = 200) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters") String description,
            @Size(max = 200) String secret,
            Boolean enabled) {
    }

    /** {@code POST /admin/webhooks/{id}/secret}; both fields optional. */
    @RegisterForReflection
    public record SecretRotation(
            @Size(max = 200) String secret,
            @Min(0) @Max(604_800) Integer previousSecretExpiresIn) {
    }
}
