package dev.keyturn.ratelimit;

import org.eclipse.microprofile.config.spi.Converter;

/** Reads {@code max/window} (see {@link Limit}); a malformed value stops start-up. */
public class LimitConverter implements Converter<Limit> {

    @Override
    public Limit convert(String value) {
        return Limit.parse(value);
    }
}
