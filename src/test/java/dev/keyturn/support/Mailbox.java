package dev.keyturn.support;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;

import org.awaitility.Awaitility;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;

/** Reads what the application really mailed through SMTP, and pulls codes and tokens out of it. */
public final class Mailbox {

    private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
    private static final Pattern RESET_TOKEN = Pattern.compile("reset token is:\\s*(?:<code>)?([A-Za-z0-9_-]{40,})");

    private Mailbox() {
    }

    /** The newest message to this address whose subject contains the text, waiting up to 10 s for it. */
    public static MimeMessage latest(GreenMail server, String to, String subjectContains) {
        MimeMessage[] found = new MimeMessage[1];
        Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            found[0] = Arrays.stream(server.getReceivedMessagesForDomain(to))
                    .filter(m -> subject(m).contains(subjectContains))
                    .reduce((first, second) -> second)
                    .orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    public static long count(GreenMail server, String to, String subjectContains) {
        return Arrays.stream(server.getReceivedMessagesForDomain(to)).filter(m -> subject(m).contains(subjectContains)).count();
    }

    public static String text(MimeMessage message) {
        return GreenMailUtil.getBody(message).replace("=\r\n", "").replace("=3D", "=");
    }

    public static String verificationCode(GreenMail server, String to) {
        return find(CODE, text(latest(server, to, "verification code")));
    }

    public static String resetToken(GreenMail server, String to) {
        return find(RESET_TOKEN, text(latest(server, to, "Reset your")));
    }

    private static String find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new AssertionError("nothing like " + pattern + " in the mail:\n" + text);
        }
        return matcher.group(1);
    }

    private static String subject(Message message) {
        try {
            return message.getSubject() == null ? "" : message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
