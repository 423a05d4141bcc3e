package dev.keyturn.admin;

import java.util.List;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.quarkus.runtime.annotations.RegisterForReflection;

@RegisterForReflection
public record RolesRequest(
        @NotNull @NotEmpty @Size(max = 2) List<@NotNull @Pattern(regexp = "user|admin", message = "must be user or admin") String> roles) {
}
