package dev.keyturn.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

import jakarta.json.JsonNumber;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * How a session's user proved who they are, and when: the {@code amr}, {@code acr} and {@code auth_time} claims of
 * its access tokens (OpenID Connect Core section 2), kept on the session so that a refresh keeps them.
 *
 * @param methods RFC 8176 authentication method references, e.g. {@code [pwd]} or {@code [pwd, otp, mfa]}
 * @param time when the user last authenticated: the login, or the last step-up with a second factor
 */
public record Authentication(List<String> methods, Instant time) {

    /** RFC 8176: password. */
    public static final String PASSWORD = "pwd";
    /** RFC 8176: one-time password (a TOTP code, or a recovery code). */
    public static final String ONE_TIME_PASSWORD = "otp";
    /** RFC 8176: proof of possession of a hardware-secured key (a device-bound passkey). */
    public static final String HARDWARE_KEY = "hwk";
    /** RFC 8176: proof of possession of a software-secured key (a synced passkey). */
    public static final String SOFTWARE_KEY = "swk";
    /** RFC 8176: multiple-factor authentication; also the {@code acr} of such a session. */
    public static final String MULTI_FACTOR = "mfa";

    public Authentication {
        methods = List.copyOf(methods);
    }

    /** A login with the password alone. */
    public static Authentication password(Instant at) {
        return new Authentication(List.of(PASSWORD), at);
    }

    /** What a stored session says; sessions from before second factors existed were password logins at their start. */
    public static Authentication stored(List<String> methods, Instant time, Instant sessionCreatedAt) {
        return new Authentication(methods == null || methods.isEmpty() ? List.of(PASSWORD) : methods,
                time == null ? sessionCreatedAt : time);
    }

    /** What a verified access token says; a token without the claims was issued for a password login. */
    public static Authentication of(JsonWebToken token) {
        Object amr = token.getClaim("amr");
        List<String> methods = amr instanceof Collection<?> values
                ? values.stream().map(value -> value instanceof JsonString json ? json.getString() : String.valueOf(value))
                        .toList()
                : List.of(PASSWORD);
        Object authTime = token.getClaim("auth_time");
        long seconds = authTime instanceof Number number ? number.longValue()
                : authTime instanceof JsonNumber json ? json.longValue() : token.getIssuedAtTime();
        return new Authentication(methods, Instant.ofEpochSecond(seconds));
    }

    /** The {@code acr} claim: {@code mfa} after two factors (or a passkey with user verification), else {@code pwd}. */
    public String acr() {
        return isMultiFactor() ? MULTI_FACTOR : PASSWORD;
    }

    public boolean isMultiFactor() {
        return methods.contains(MULTI_FACTOR);
    }

    /** Whether the user proved a second factor at most {@code maxAge} ago (RFC 9470's {@code max_age}). */
    public boolean isRecentMultiFactor(Duration maxAge, Instant now) {
        return isMultiFactor() && !time.plus(maxAge).isBefore(now);
    }

    /** The same session after a step-up at {@code at}: its methods and the second factor's, multi-factor from now. */
    public Authentication steppedUp(String secondFactorMethod, Instant at) {
        LinkedHashSet<String> stepped = new LinkedHashSet<>(methods);
        stepped.remove(MULTI_FACTOR);
        stepped.add(secondFactorMethod);
        stepped.add(MULTI_FACTOR);
        return new Authentication(List.copyOf(stepped), at);
    }
}
