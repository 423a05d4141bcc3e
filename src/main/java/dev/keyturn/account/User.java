package dev.keyturn.account;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import dev.keyturn.token.TokenSubject;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;

/**
 * An account. {@code email} is always stored in its {@link EmailAddress#normalize normalised} form.
 * <p>
 * Concurrent requests change one account (DESIGN.md "State changes that survive concurrency"), so no write
 * puts back what it did not change: an entity write names only its changed columns ({@link DynamicUpdate})
 * and holds the row's lock or checks its {@link #version}; passwords and verification are written by
 * targeted conditional updates that bump the version themselves.
 */
@Entity
@DynamicUpdate
@Table(name = "users")
public class User extends PanacheEntityBase {

    public static final String ROLE_USER = "user";
    public static final String ROLE_ADMIN = "admin";

    @Id
    public UUID id;

    @Column(nullable = false)
    public String username;

    @Column(nullable = false)
    public String email;

    @Column(name = "password_hash", nullable = false)
    public String passwordHash;

    @Column(name = "email_verified", nullable = false)
    public boolean emailVerified;

    @Column(nullable = false)
    public boolean disabled;

    /**
     * Whether the account has a confirmed second factor: login then asks for it. Written only by the mfa room, under
     * this row's lock, in the transaction that confirms or removes a factor.
     */
    @Column(name = "mfa_enabled", nullable = false)
    public boolean mfaEnabled;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public List<String> roles = new ArrayList<>(List.of(ROLE_USER));

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Version
    @Column(nullable = false)
    public long version;

    public static Uni<User> findByEmail(String normalizedEmail) {
        return find("email", normalizedEmail).firstResult();
    }

    /**
     * Inside a transaction that writes a session of the account (starts one, or steps one up): the account as it is
     * now, its row share-locked until the transaction ends, or null when it is gone. Whatever changes the account and would end the session (a deletion, a
     * disable, a first second factor) has then either committed, and is seen here, or waits until this session
     * committed and ends it. Taken before anything of the account is written: a deletion that holds the account row
     * and waits for such a row would otherwise deadlock with it (the session's foreign key is checked only after its
     * row is written).
     */
    public static Uni<User> holdForSession(UUID id) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("select * from users where id = :id for share", User.class)
                .setParameter("id", id).getResultList())
                .map(users -> users.isEmpty() ? null : users.get(0));
    }

    public static Uni<Boolean> usernameTaken(String username) {
        return count("lower(username) = lower(?1)", username).map(n -> n > 0);
    }

    public boolean isAdmin() {
        return roles.contains(ROLE_ADMIN);
    }

    public TokenSubject tokenSubject() {
        return new TokenSubject(id, username, email, emailVerified, List.copyOf(roles));
    }
}
