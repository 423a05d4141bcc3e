package dev.keyturn.support;

import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.webauthn4j.data.AttestationConveyancePreference;
import com.webauthn4j.data.AuthenticatorAssertionResponse;
import com.webauthn4j.data.AuthenticatorAttestationResponse;
import com.webauthn4j.data.AuthenticatorSelectionCriteria;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredential;
import com.webauthn4j.data.PublicKeyCredentialCreationOptions;
import com.webauthn4j.data.PublicKeyCredentialDescriptor;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialRequestOptions;
import com.webauthn4j.data.PublicKeyCredentialRpEntity;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.PublicKeyCredentialUserEntity;
import com.webauthn4j.data.ResidentKeyRequirement;
import com.webauthn4j.data.UserVerificationRequirement;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.data.extension.client.AuthenticationExtensionClientOutput;
import com.webauthn4j.data.extension.client.RegistrationExtensionClientOutput;
import com.webauthn4j.test.authenticator.webauthn.PackedAuthenticator;
import com.webauthn4j.test.authenticator.webauthn.WebAuthnAuthenticatorAdaptor;
import com.webauthn4j.test.client.ClientPlatform;

/**
 * A software authenticator in a browser (webauthn4j's emulator): it takes the WebAuthn options Keyturn answers in
 * their JSON form, runs the ceremony as {@code navigator.credentials.create()}/{@code get()} would, and gives back
 * the RegistrationResponseJSON or AuthenticationResponseJSON a page would send. Its origin and the relying party it
 * signs for can be set wrong on purpose, and its signature counter frozen, as a cloned authenticator's would be.
 */
public final class PasskeyDevice {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final PackedAuthenticator authenticator = new PackedAuthenticator();
    private final ClientPlatform platform;
    private String rpIdOverride;

    public PasskeyDevice(String origin) {
        this.platform = new ClientPlatform(new Origin(origin), new WebAuthnAuthenticatorAdaptor(authenticator));
    }

    /** A device in a page of Keyturn's test issuer (http://localhost:8080). */
    public static PasskeyDevice atIssuer() {
        return new PasskeyDevice("http://localhost:8080");
    }

    /** From now on the page claims another origin (a phishing site relaying the ceremony). */
    public PasskeyDevice atOrigin(String origin) {
        platform.setOrigin(new Origin(origin));
        return this;
    }

    /**
     * From now on the authenticator makes credentials for another relying party than the options name, and its
     * assertions say they are for that one (their authenticator data carries that party's id hash).
     */
    public PasskeyDevice forRelyingParty(String rpId) {
        this.rpIdOverride = rpId;
        return this;
    }

    /** A cloned authenticator's counter stays where the original left it. */
    public PasskeyDevice freezeCounter() {
        authenticator.setCountUpEnabled(false);
        return this;
    }

    /** {@code navigator.credentials.create({publicKey})}: the RegistrationResponseJSON. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> create(Map<String, Object> publicKey) {
        Map<String, Object> rp = (Map<String, Object>) publicKey.get("rp");
        Map<String, Object> user = (Map<String, Object>) publicKey.get("user");
        List<Map<String, Object>> params = (List<Map<String, Object>>) publicKey.get("pubKeyCredParams");
        PublicKeyCredentialCreationOptions options = new PublicKeyCredentialCreationOptions(
                new PublicKeyCredentialRpEntity(rpIdOverride != null ? rpIdOverride : (String) rp.get("id"),
                        (String) rp.get("name")),
                new PublicKeyCredentialUserEntity(B64D.decode((String) user.get("id")), (String) user.get("name"),
                        (String) user.get("displayName")),
                new DefaultChallenge(B64D.decode((String) publicKey.get("challenge"))),
                params.stream().map(p -> new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY,
                        COSEAlgorithmIdentifier.create(((Number) p.get("alg")).longValue()))).toList(),
                ((Number) publicKey.get("timeout")).longValue(),
                descriptors((List<Map<String, Object>>) publicKey.get("excludeCredentials")),
                new AuthenticatorSelectionCriteria(null, true, ResidentKeyRequirement.REQUIRED,
                        UserVerificationRequirement.PREFERRED),
                AttestationConveyancePreference.NONE, null);
        PublicKeyCredential<AuthenticatorAttestationResponse, RegistrationExtensionClientOutput> credential =
                platform.create(options);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", B64.encodeToString(credential.getResponse().getClientDataJSON()));
        response.put("attestationObject", B64.encodeToString(credential.getResponse().getAttestationObject()));
        response.put("transports", List.of("internal"));
        return publicKeyCredential(credential.getRawId(), response);
    }

    /** {@code navigator.credentials.get({publicKey})}: the AuthenticationResponseJSON. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> get(Map<String, Object> publicKey) {
        PublicKeyCredentialRequestOptions options = new PublicKeyCredentialRequestOptions(
                new DefaultChallenge(B64D.decode((String) publicKey.get("challenge"))),
                ((Number) publicKey.get("timeout")).longValue(),
                (String) publicKey.get("rpId"),
                descriptors((List<Map<String, Object>>) publicKey.get("allowCredentials")),
                UserVerificationRequirement.create((String) publicKey.get("userVerification")), null);
        PublicKeyCredential<AuthenticatorAssertionResponse, AuthenticationExtensionClientOutput> credential =
                platform.get(options);
        AuthenticatorAssertionResponse answer = credential.getResponse();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("clientDataJSON", B64.encodeToString(answer.getClientDataJSON()));
        response.put("authenticatorData", B64.encodeToString(rpIdOverride == null ? answer.getAuthenticatorData()
                : withRpIdHash(answer.getAuthenticatorData(), rpIdOverride)));
        response.put("signature", B64.encodeToString(answer.getSignature()));
        if (answer.getUserHandle() != null) {
            response.put("userHandle", B64.encodeToString(answer.getUserHandle()));
        }
        return publicKeyCredential(credential.getRawId(), response);
    }

    /** Authenticator data whose first 32 bytes (the relying party's id hash) name another relying party. */
    private static byte[] withRpIdHash(byte[] authenticatorData, String rpId) {
        try {
            byte[] tampered = authenticatorData.clone();
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(rpId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            System.arraycopy(hash, 0, tampered, 0, hash.length);
            return tampered;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> publicKeyCredential(byte[] rawId, Map<String, Object> response) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", B64.encodeToString(rawId));
        json.put("rawId", B64.encodeToString(rawId));
        json.put("type", "public-key");
        json.put("response", response);
        json.put("clientExtensionResults", Map.of());
        return json;
    }

    private static List<PublicKeyCredentialDescriptor> descriptors(List<Map<String, Object>> json) {
        if (json == null) {
            return List.of();
        }
        return json.stream().map(descriptor -> {
            Set<AuthenticatorTransport> transports = new HashSet<>();
            return new PublicKeyCredentialDescriptor(PublicKeyCredentialType.PUBLIC_KEY,
                    B64D.decode((String) descriptor.get("id")), transports);
        }).toList();
    }
}
