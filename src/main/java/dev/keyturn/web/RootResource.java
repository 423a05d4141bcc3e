package dev.keyturn.web;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/")
@Tag(name = "Service")
public class RootResource {

    private final Map<String, String> welcome;

    public RootResource(@ConfigProperty(name = "quarkus.application.version") String version) {
        this.welcome = Map.of("service", "keyturn", "version", version, "docs", "/q/swagger-ui");
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Welcome: service name, version and where the API documentation is")
    public Map<String, String> welcome() {
        return welcome;
    }
}
