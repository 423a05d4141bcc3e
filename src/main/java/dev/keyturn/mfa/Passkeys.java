package dev.keyturn.mfa;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.VerificationException;

import dev.keyturn.token.TokenConfig;
import dev.keyturn.web.problem.ErrorCode;
import dev.keyturn.web.problem.ProblemException;

/**
 * Passkeys (WebAuthn Level 3) through webauthn4j: the options a client hands to {@code navigator.credentials.create()}
 * or {@code .get()} (or a platform's passkey API), in the WebAuthn JSON forms ({@code PublicKeyCredentialCreationOptionsJSON},
 * {@code …RequestOptionsJSON}), and the verification of what the authenticator answered: challenge, origin, relying
 * party id, user presence (and verification where it is required), signature, the signature counter (a counter that
 * does not grow means a cloned authenticator: refused) and the backup flags (a credential that was not backup
 * eligible at registration never becomes so).
 * <p>
 * Attestation is not asked for ({@code none}): Keyturn does not restrict which authenticators may be used, so a
 * statement would prove nothing it acts on.
 */
@ApplicationScoped
public class Passkeys {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final long TIMEOUT_MILLIS = 300_000;
    /** ES256, EdDSA and RS256: what platform authenticators and security keys make (RS256 for Windows Hello). */
    private static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
            new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));

    private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager();
    private final AttestedCredentialDataConverter attestedData = new AttestedCredentialDataConverter(new ObjectConverter());
    private final String rpId;
    private final String rpName;
    private final Set<Origin> origins;

    /** A credential that a registration ceremony verified, as it is stored. */
    public record Registered(byte[] credentialId, byte[] attestedData, long signCount, boolean backupEligible,
            boolean backupState, boolean userVerified, List<String> transports, String attestationFormat) {
    }

    /** A verified assertion: the signature counter and backup state to store now, and what it proves (RFC 8176). */
    public record Asserted(long signCount, boolean backupState, boolean userVerified, String method) {
    }

    public Passkeys(MfaConfig config, TokenConfig tokens) {
        URI issuer = URI.create(tokens.issuer());
        this.rpId = config.webauthn().rpId().filter(id -> !id.isBlank()).orElse(issuer.getHost());
        this.rpName = config.webauthn().rpName();
        Set<Origin> configured = new LinkedHashSet<>();
        for (String origin : config.webauthn().origins().orElse(List.of())) {
            if (!origin.isBlank()) {
                configured.add(new Origin(origin.strip()));
            }
        }
        if (configured.isEmpty()) {
            configured.add(new Origin(issuer.getScheme() + "://" + issuer.getRawAuthority()));
        }
        this.origins = Set.copyOf(configured);
    }

    public String rpId() {
        return rpId;
    }

    /** A user's WebAuthn user handle: the account id's 16 bytes (opaque, no personal data, stable). */
    static byte[] userHandle(UUID userId) {
        return ByteBuffer.allocate(16).putLong(userId.getMostSignificantBits()).putLong(userId.getLeastSignificantBits())
                .array();
    }

    static UUID userOf(byte[] handle) {
        if (handle == null || handle.length != 16) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(handle);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    /**
     * {@code PublicKeyCredentialCreationOptionsJSON}: a discoverable credential (so it also serves passwordless login),
     * user verification preferred, no attestation, the account's existing passkeys excluded.
     */
    public Map<String, Object> creationOptions(UUID userId, String userName, String displayName, byte[] challenge,
            List<SecondFactor> existing) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("rp", Map.of("id", rpId, "name", rpName));
        options.put("user", Map.of("id", BASE64URL.encodeToString(userHandle(userId)), "name", userName,
                "displayName", displayName));
        options.put("challenge", BASE64URL.encodeToString(challenge));
        options.put("pubKeyCredParams", ALGORITHMS.stream()
                .map(parameters -> Map.of("type", "public-key", "alg", parameters.getAlg().getValue())).toList());
        options.put("timeout", TIMEOUT_MILLIS);
        options.put("excludeCredentials", descriptors(existing));
        options.put("authenticatorSelection", Map.of("residentKey", "required", "requireResidentKey", true,
                "userVerification", "preferred"));
        options.put("attestation", "none");
        return options;
    }

    /**
     * {@code PublicKeyCredentialRequestOptionsJSON}. {@code allowed} empty: any discoverable passkey of this relying
     * party (passwordless login), with user verification required; else the account's passkeys (a second factor).
     */
    public Map<String, Object> requestOptions(byte[] challenge, List<SecondFactor> allowed, boolean userVerificationRequired) {
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("challenge", BASE64URL.encodeToString(challenge));
        options.put("rpId", rpId);
        options.put("timeout", TIMEOUT_MILLIS);
        options.put("allowCredentials", descriptors(allowed));
        options.put("userVerification", userVerificationRequired ? "required" : "preferred");
        return options;
    }

    private static List<Map<String, Object>> descriptors(List<SecondFactor> passkeys) {
        return passkeys.stream().filter(SecondFactor::isPasskey).map(passkey -> {
            Map<String, Object> descriptor = new LinkedHashMap<>();
            descriptor.put("type", "public-key");
            descriptor.put("id", BASE64URL.encodeToString(passkey.credentialId));
            if (passkey.transports != null && !passkey.transports.isEmpty()) {
                descriptor.put("transports", passkey.transports);
            }
            return descriptor;
        }).toList();
    }

    /** The registration a client sent ({@code RegistrationResponseJSON}), read but not yet verified. */
    public RegistrationData readRegistration(String json) {
        try {
            RegistrationData data = manager.parseRegistrationResponseJSON(json);
            if (data.getCollectedClientData() == null || data.getCollectedClientData().getChallenge() == null
                    || data.getAttestationObject() == null) {
                throw invalid("The passkey registration is incomplete.");
            }
            return data;
        } catch (DataConversionException | IllegalArgumentException | NullPointerException e) {
            throw invalid("The passkey registration could not be read.");
        }
    }

    /** The assertion a client sent ({@code AuthenticationResponseJSON}), read but not yet verified. */
    public AuthenticationData readAssertion(String json) {
        try {
            AuthenticationData data = manager.parseAuthenticationResponseJSON(json);
            if (data.getCollectedClientData() == null || data.getCollectedClientData().getChallenge() == null
                    || data.getCredentialId() == null) {
                throw invalid("The passkey assertion is incomplete.");
            }
            return data;
        } catch (DataConversionException | IllegalArgumentException | NullPointerException e) {
            throw invalid("The passkey assertion could not be read.");
        }
    }

    /** Verifies a registration against the challenge Keyturn issued for it. */
    public Registered verifyRegistration(RegistrationData data, byte[] challenge) {
        ServerProperty server = new ServerProperty(origins, rpId, new DefaultChallenge(challenge));
        try {
            manager.verify(data, new RegistrationParameters(server, ALGORITHMS, false, true));
        } catch (VerificationException | DataConversionException e) {
            throw invalid("The passkey registration does not verify (" + reason(e) + ").");
        }
        AuthenticatorData<?> authenticator = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData credential = authenticator.getAttestedCredentialData();
        List<String> transports = data.getTransports() == null ? List.of()
                : data.getTransports().stream().map(AuthenticatorTransport::getValue).sorted().toList();
        return new Registered(credential.getCredentialId(), attestedData.convert(credential),
                authenticator.getSignCount(), authenticator.isFlagBE(), authenticator.isFlagBS(), authenticator.isFlagUV(),
                transports, data.getAttestationObject().getFormat());
    }

    /**
     * Verifies an assertion by a stored passkey against the challenge Keyturn issued for it.
     *
     * @param userVerificationRequired true for a passwordless login, where the passkey is both factors
     */
    public Asserted verifyAssertion(AuthenticationData data, byte[] challenge, SecondFactor passkey,
            boolean userVerificationRequired) {
        ServerProperty server = new ServerProperty(origins, rpId, new DefaultChallenge(challenge));
        CredentialRecordImpl record = new CredentialRecordImpl(null, passkey.uvInitialized,
                passkey.backupEligible, passkey.backupState, passkey.signCount, attestedData.convert(passkey.attestedData),
                null, null, null, null);
        try {
            manager.verify(data, new AuthenticationParameters(server, record, List.of(passkey.credentialId),
                    userVerificationRequired, true));
        } catch (VerificationException | DataConversionException e) {
            throw invalid("The passkey assertion does not verify (" + reason(e) + ").");
        }
        AuthenticatorData<?> authenticator = data.getAuthenticatorData();
        return new Asserted(authenticator.getSignCount(), authenticator.isFlagBS(), authenticator.isFlagUV(),
                passkey.passkeyMethod());
    }

    /** What went wrong, in webauthn4j's words minus the package: e.g. BadOrigin, MaliciousCounterValue. */
    private static String reason(Exception e) {
        return e.getClass().getSimpleName().replace("Exception", "");
    }

    private static ProblemException invalid(String detail) {
        return new ProblemException(ErrorCode.INVALID_PASSKEY, detail);
    }
}
