package dev.keyturn.security;

import static io.restassured.RestAssured.given;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.keyturn.support.Api;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Requests from a client address of the test's choosing (X-Forwarded-For through the trusted 127.0.0.1). */
final class Clients {

    private Clients() {
    }

    /** A fresh client address in 10.0.0.0/8, unlikely to be any other test's. */
    static String newAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    static RequestSpecification from(String address) {
        return given().header("X-Forwarded-For", address).contentType(ContentType.JSON);
    }

    /** A verified account, signed up from an address of its own. */
    static Api.Account newAccount() {
        String username = Api.uniqueName("brute");
        String email = username + "@" + username + ".example.com";
        String id = from(newAddress()).body(Map.of("username", username, "email", email, "password", Api.PASSWORD))
                .post("/auth/signup").then().statusCode(201).extract().path("id");
        Api.verifyEmail(email);
        return new Api.Account(id, username, email, Api.PASSWORD);
    }

    /**
     * A raw HTTP/1.1 request sent from the local address {@code localAddress} (127.0.0.2 is loopback on Linux,
     * and not a trusted proxy), so the test controls the peer address that the server sees.
     */
    static String rawFrom(String localAddress, String requestHead, String body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), RestAssured.port), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write((requestHead + "Host: localhost\r\nContent-Length: " + bytes.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            return response.toString(StandardCharsets.UTF_8);
        }
    }
}
