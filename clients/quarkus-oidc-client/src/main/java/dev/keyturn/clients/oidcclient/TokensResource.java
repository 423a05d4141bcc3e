package dev.keyturn.clients.oidcclient;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.quarkus.oidc.client.NamedOidcClient;
import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.Tokens;
import io.quarkus.oidc.client.runtime.TokensHelper;
import io.smallrye.mutiny.Uni;

/**
 * The access token each client currently holds, as an application would put it in an Authorization header.
 * {@link TokensHelper} (what quarkus-oidc-client's own token producers and REST client filters use) acquires the tokens
 * on first use, then reuses them and, once they are expired or within the refresh skew, refreshes them: with the
 * refresh_token grant when it has a refresh token, else with a new grant.
 */
@Path("/tokens")
@ApplicationScoped
public class TokensResource {

    @Inject
    @NamedOidcClient("billing")
    OidcClient billing;

    @Inject
    @NamedOidcClient("portal")
    OidcClient portal;

    private final TokensHelper billingTokens = new TokensHelper();
    private final TokensHelper portalTokens = new TokensHelper();

    @GET
    @Path("billing")
    public Uni<String> billing() {
        return billingTokens.getTokens(billing).map(Tokens::getAccessToken);
    }

    @GET
    @Path("portal")
    public Uni<String> portal() {
        return portalTokens.getTokens(portal).map(Tokens::getAccessToken);
    }
}
