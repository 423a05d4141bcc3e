package dev.keyturn.admin;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One page of a listing: {@code {"items", "page", "size", "total"}}. */
@RegisterForReflection
public record Page<T>(List<T> items, int page, int size, long total) {
}
