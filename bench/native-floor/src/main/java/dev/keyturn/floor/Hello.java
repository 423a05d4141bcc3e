package dev.keyturn.floor;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** One JSON route: what every variant serves. */
@Path("/hello")
public class Hello {

    public record Greeting(String text) {
    }

    @GET
    public Greeting hello() {
        return new Greeting("hello");
    }
}
