package dev.keyturn.mail;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "keyturn.mail")
public interface MailConfig {

    /** The name mails speak of. */
    String productName();

    /** A link to the password-reset page of your front end; {@code {token}} is replaced by the token. */
    Optional<String> passwordResetUrl();
}
