package dev.keyturn.userimport;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The answer of an import: counts, and one result per row in the body's order. Never a password or a hash. */
@RegisterForReflection
@Schema(name = "ImportReport")
public record ImportReport(int created, int skipped, int invalid, List<RowResult> rows) {

    /**
     * @param row the row's position in the body, from 1 (for JSON lines, its line when there are no blank lines)
     * @param status {@code created}, {@code skipped} (an account with this email or username exists) or
     *        {@code invalid} (with {@code partial=true} only)
     * @param id the new account's id, when created
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "ImportRowResult")
    public record RowResult(int row, @Schema(enumeration = { "created", "skipped", "invalid" }) String status,
            String id, String email, String reason) {
    }
}
