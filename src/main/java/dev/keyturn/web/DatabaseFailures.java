package dev.keyturn.web;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/** Tells a database that cannot be reached apart from a bug, so that the former answers 503. */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String type = t.getClass().getName();
            if (t instanceof ConnectException || t instanceof TimeoutException
                    || type.equals("io.vertx.sqlclient.ClosedConnectionException")
                    || type.equals("io.vertx.core.http.ConnectionPoolTooBusyException")
                    || type.equals("io.netty.channel.ConnectTimeoutException")
                    || type.endsWith("NoStackTraceTimeoutException")
                    || (type.equals("io.vertx.core.impl.NoStackTraceThrowable") && mentionsConnection(t))
                    || (type.equals("io.vertx.core.VertxException") && mentionsConnection(t))) {
                return true;
            }
        }
        return false;
    }

    /** A short description for the log: class names and messages, never parameters or SQL. */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static boolean mentionsConnection(Throwable t) {
        String message = t.getMessage();
        return message != null && (message.contains("onnection") || message.contains("closed")
                || message.contains("Timeout") || message.contains("timeout"));
    }
}
