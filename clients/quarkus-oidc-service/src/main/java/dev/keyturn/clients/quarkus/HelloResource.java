package dev.keyturn.clients.quarkus;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.jwt.JsonWebToken;

/** Two routes guarded by the roles of Keyturn's access tokens, as quarkus-oidc maps them. */
@Path("/")
public class HelloResource {

    @Inject
    JsonWebToken jwt;

    @GET
    @Path("user")
    @RolesAllowed("user")
    public String user() {
        return "hello user " + jwt.getSubject();
    }

    @GET
    @Path("admin")
    @RolesAllowed("admin")
    public String admin() {
        return "hello admin " + jwt.getSubject();
    }
}
