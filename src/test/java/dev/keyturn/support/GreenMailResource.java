package dev.keyturn.support;

import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real SMTP server (GreenMail) inside the test JVM on a free port; the application's mailer sends to it
 * for real. Tests reach it through {@link #server()}.
 */
public class GreenMailResource implements QuarkusTestResourceLifecycleManager {

    private static volatile GreenMail running;
    private GreenMail greenMail;

    /** The server of this test run, for helpers that are not injected. */
    public static GreenMail server() {
        if (running == null) {
            throw new IllegalStateException("the GreenMail test resource has not started");
        }
        return running;
    }

    @Override
    public Map<String, String> start() {
        greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        greenMail.start();
        running = greenMail;
        return Map.of(
                "quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", Integer.toString(greenMail.getSmtp().getPort()),
                "quarkus.mailer.start-tls", "DISABLED",
                "quarkus.mailer.mock", "false");
    }

    /** Runs the action while no SMTP server listens (mail delivery fails), then starts it again on the same port. */
    public static void whileDown(Runnable action) {
        GreenMail server = server();
        int port = server.getSmtp().getPort();
        server.stop();
        try {
            action.run();
        } finally {
            GreenMail restarted = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            restarted.start();
            running = restarted;
        }
    }

    @Override
    public void stop() {
        if (greenMail != null) {
            greenMail.stop();
        }
    }
}
