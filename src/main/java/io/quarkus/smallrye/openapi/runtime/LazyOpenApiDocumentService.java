package io.quarkus.smallrye.openapi.runtime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import io.quarkus.arc.Unremovable;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.quarkus.smallrye.openapi.runtime.filter.AutoSecurityFilter;
import io.smallrye.openapi.runtime.io.Format;

/**
 * Builds the served OpenAPI document at its first request instead of at start-up, in the packaged application.
 * <p>
 * Quarkus 3.31 to 3.34 parse the build-time document, run its filters and write it out as JSON and YAML in a
 * start-up step (quarkusio/quarkus#54826): about 30 ms of the native executable's ~120 ms start, for a document only
 * tools read. Upstream made it lazy again when no filter must run at start-up (quarkusio/quarkus#55538, after 3.34.3,
 * the newest platform this project can use); Keyturn has none (its one filter, ProblemResponses, runs at build
 * time). This class does the same until the platform carries the fix: delete it with the upgrade.
 * <p>
 * It lives in Quarkus's package because the step it defers, {@code prepareDocument}, is package-private. That
 * override only takes where the extension and the application share a class loader: the packaged jar and the native
 * executable. Dev mode and {@code @QuarkusTest} load them apart, so the bean exists in the prod build only
 * ({@code @IfBuildProfile}) and those keep Quarkus's own service. The integration tests, which run the packaged jar
 * and the executable, check the document it serves.
 */
@IfBuildProfile("prod")
// Quarkus looks the service up by type (Arc.container().select), which ArC's unused-bean removal cannot see.
@Unremovable
@Alternative
@Priority(1)
@ApplicationScoped
public class LazyOpenApiDocumentService extends OpenApiDocumentService {

    private record Inputs(AutoSecurityFilter autoSecurityFilter, Map<OpenApiFilter.RunStage, List<String>> filtersByStage) {
    }

    private final Map<String, Inputs> unprepared = new HashMap<>();

    @Override
    synchronized void prepareDocument(AutoSecurityFilter autoSecurityFilter,
            Map<OpenApiFilter.RunStage, List<String>> filtersByStage, String documentName) {
        unprepared.put(documentName, new Inputs(autoSecurityFilter, filtersByStage));
    }

    // Synchronized: the parent keeps its documents in a plain HashMap, and /q/openapi is asked rarely.
    @Override
    public synchronized byte[] getDocument(String documentName, Format format) {
        Inputs inputs = unprepared.remove(documentName);
        if (inputs != null) {
            super.prepareDocument(inputs.autoSecurityFilter(), inputs.filtersByStage(), documentName);
        }
        return super.getDocument(documentName, format);
    }
}
