package dev.keyturn.floor;

import java.util.UUID;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/** One entity, so that Hibernate Reactive boots a persistence unit as Keyturn's does. */
@Entity
@Table(name = "floor_items")
public class Item extends PanacheEntityBase {

    @Id
    public UUID id;

    public String name;
}
