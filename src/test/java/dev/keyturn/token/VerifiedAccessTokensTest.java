package dev.keyturn.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;

/** The rules of the verified-token memory, on a clock the test moves: nothing is remembered past its validity. */
class VerifiedAccessTokensTest {

    private static final long SKEW = 30;
    private static final long LIFETIME = 900;

    private final AtomicLong now = new AtomicLong(10_000);
    private final VerifiedAccessTokens memory = new VerifiedAccessTokens(100, SKEW, LIFETIME + SKEW, now::get);

    @Test
    void anAcceptedTokenIsFoundUntilTheParserWouldRejectItsExpiry() {
        VerifiedAccessTokens.Verified accepted = accepted("sid-1");
        memory.remember("token-1", accepted, now.get() + LIFETIME, now.get());

        now.addAndGet(LIFETIME + SKEW - 1);
        assertThat(memory.find("token-1")).isSameAs(accepted);
        now.incrementAndGet();
        assertThat(memory.find("token-1")).as("exp + clock skew reached").isNull();
        now.addAndGet(-10);
        assertThat(memory.find("token-1")).as("dropped once past it").isNull();
    }

    @Test
    void aTokenIssuedLongAgoIsNotFoundEvenWithALaterExp() {
        // exp far away, iat older than the lifetime: the parser's iat check would reject it
        memory.remember("token-2", accepted("sid-2"), now.get() + 100_000, now.get() - LIFETIME - SKEW);

        assertThat(memory.find("token-2")).isNull();
    }

    @Test
    void onlyTheExactTextIsFound() {
        memory.remember("token-3", accepted("sid-3"), now.get() + LIFETIME, now.get());

        assertThat(memory.find("token-3")).isNotNull();
        assertThat(memory.find("token-")).isNull();
        assertThat(memory.find("token-3 ")).isNull();
        assertThat(memory.find("token-4")).isNull();
    }

    @Test
    void sizeZeroRemembersNothing() {
        VerifiedAccessTokens off = new VerifiedAccessTokens(0, SKEW, LIFETIME + SKEW, now::get);
        off.remember("token-5", accepted("sid-5"), now.get() + LIFETIME, now.get());

        assertThat(off.find("token-5")).isNull();
    }

    private static VerifiedAccessTokens.Verified accepted(String sessionId) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject("user");
        claims.setClaim("sid", sessionId);
        JsonWebToken token = new DefaultJWTCallerPrincipal("raw", "JWT", claims);
        return new VerifiedAccessTokens.Verified(token, sessionId);
    }
}
