package dev.keyturn.oauth.clients;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** A registered OAuth 2.0 client (V9__oauth_clients.sql). Its secrets are {@link ClientSecret} rows. */
@Entity
@Table(name = "oauth_clients")
public class OAuthClient extends PanacheEntityBase {

    public static final String CONFIDENTIAL = "confidential";
    public static final String PUBLIC = "public";
    public static final String MANAGED_BY_API = "api";
    public static final String MANAGED_BY_CONFIGURATION = "configuration";

    @Id
    @Column(name = "client_id")
    public String clientId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String type;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "grant_types", nullable = false)
    public List<String> grantTypes = new ArrayList<>();

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public List<String> scopes = new ArrayList<>();

    /** Empty: the service's own audience. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public List<String> audience = new ArrayList<>();

    /** Seconds; {@code null} for the service's default. */
    @Column(name = "access_token_lifetime")
    public Integer accessTokenLifetime;

    @Column(name = "refresh_token_lifetime")
    public Integer refreshTokenLifetime;

    /** The client's JWK Set for {@code private_key_jwt}, as JSON. */
    public String jwks;

    @Column(nullable = false)
    public boolean enabled = true;

    @Column(name = "managed_by", nullable = false)
    public String managedBy = MANAGED_BY_API;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    public long version;
}
