package dev.keyturn.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Fires requests at the same moment: each task runs on a thread of its own, and all of them wait at one start
 * line, so the requests reach the server together instead of one after the other. Results come back in the
 * order of the tasks.
 */
public final class Parallel {

    private Parallel() {
    }

    /** Runs every task at once and returns what each returned. */
    public static <T> List<T> run(List<? extends Supplier<T>> tasks) {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch ready = new CountDownLatch(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Supplier<T> task : tasks) {
                futures.add(threads.submit(() -> {
                    ready.countDown();
                    start.await();
                    return task.get();
                }));
            }
            ready.await(30, TimeUnit.SECONDS);
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } catch (Exception e) {
            throw new IllegalStateException("a parallel request failed", e);
        } finally {
            threads.shutdownNow();
        }
    }

    /** The same task {@code n} times at once. */
    public static <T> List<T> times(int n, Supplier<T> task) {
        List<Supplier<T>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(task);
        }
        return run(tasks);
    }
}
