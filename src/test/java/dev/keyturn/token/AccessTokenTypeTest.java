package dev.keyturn.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** KEYTURN_ACCESS_TOKEN_TYP takes the two access-token types and nothing else (a typo stops start-up). */
class AccessTokenTypeTest {

    private final AccessTokenType.FromConfig converter = new AccessTokenType.FromConfig();

    @Test
    void readsBothTypesCaseInsensitively() {
        assertThat(converter.convert("JWT")).isEqualTo(AccessTokenType.JWT);
        assertThat(converter.convert(" jwt ")).isEqualTo(AccessTokenType.JWT);
        assertThat(converter.convert("at+jwt")).isEqualTo(AccessTokenType.AT_JWT);
        assertThat(converter.convert("AT+JWT").header()).isEqualTo("at+jwt");
    }

    @Test
    void refusesAnyOtherType() {
        for (String wrong : new String[] {"", "rt+jwt", "JOSE", "at_jwt", "none"}) {
            assertThatThrownBy(() -> converter.convert(wrong)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("KEYTURN_ACCESS_TOKEN_TYP");
        }
    }
}
