package dev.keyturn.account;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "keyturn.passwords")
public interface PasswordConfig {

    /** bcrypt cost (log2 rounds), 4 to 31; 10 takes about 100 ms on one core. */
    int bcryptCost();

    /** Threads for bcrypt and the password strength check; 0 means one per core, which is all they can use anyway. */
    int hashingThreads();

    /** Least zxcvbn score (0 to 4) a new password must reach (see {@link PasswordPolicy}). */
    int minStrength();
}
