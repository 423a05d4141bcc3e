package dev.keyturn.account;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "keyturn.passwords")
public interface PasswordConfig {

    /** bcrypt cost (log2 rounds), 4 to 31; 10 takes about 100 ms on one core. */
    @WithDefault("10")
    int bcryptCost();

    /** Threads that hash passwords; 0 means one per core, which is all bcrypt can use anyway. */
    @WithDefault("0")
    int hashingThreads();

    /** Least zxcvbn score (0 to 4) a new password must reach (see {@link PasswordPolicy}). */
    @WithDefault("2")
    int minStrength();
}
