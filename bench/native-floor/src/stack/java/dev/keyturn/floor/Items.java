package dev.keyturn.floor;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.smallrye.mutiny.Uni;

/** A route that reads the entity, so that the persistence unit and the pool are in the image and used. */
@Path("/items")
public class Items {

    @GET
    public Uni<Long> count() {
        return Item.count();
    }
}
