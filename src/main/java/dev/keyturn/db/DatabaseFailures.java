package dev.keyturn.db;

import java.io.IOException;
import java.net.SocketException;
import java.sql.SQLException;
import java.util.concurrent.TimeoutException;

import io.vertx.sqlclient.DatabaseException;

/** Tells a database that cannot be reached apart from a bug, so that the former answers 503. */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String type = t.getClass().getName();
            // A socket error here is the database's (or the mail server's) connection: the service makes no
            // other outbound connection, and a client's broken connection never fails the request's Uni.
            if (t instanceof SocketException || t instanceof TimeoutException || isBrokenConnection(t)
                    || type.equals("io.vertx.sqlclient.ClosedConnectionException")
                    || type.equals("io.vertx.core.http.ConnectionPoolTooBusyException")
                    || type.equals("io.netty.channel.ConnectTimeoutException")
                    || type.endsWith("NoStackTraceTimeoutException")
                    || (type.equals("io.vertx.core.impl.NoStackTraceThrowable") && mentionsConnection(t))
                    || (type.equals("io.vertx.core.VertxException") && mentionsConnection(t))
                    || (t instanceof DatabaseException database && isUnavailableState(database.getSqlState()))
                    || (t instanceof SQLException sql && isUnavailableState(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATEs of a server that is going away or not there yet: class 08 (connection exception), 57P01-57P03
     * (terminated by an administrator or a crash, "the database system is starting up / shutting down"),
     * 53300 (too many connections).
     */
    static boolean isUnavailableState(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("53300"));
    }

    /** A short description for the log: class names and messages, never parameters or SQL. */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** NIO reports a peer that went away mid-write as a plain IOException ("Broken pipe", "Connection reset"). */
    private static boolean isBrokenConnection(Throwable t) {
        String message = t.getMessage();
        return t.getClass() == IOException.class && message != null
                && (message.contains("Broken pipe") || message.contains("Connection reset"));
    }

    private static boolean mentionsConnection(Throwable t) {
        String message = t.getMessage();
        return message != null && (message.contains("onnection") || message.contains("closed")
                || message.contains("Timeout") || message.contains("timeout"));
    }
}
