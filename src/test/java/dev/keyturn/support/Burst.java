package dev.keyturn.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Fires requests at once: every call waits on one latch, so that they reach the server together (as an
 * attacker's parallel requests do) rather than one after the other. Answers come back in call order.
 */
public final class Burst {

    private Burst() {
    }

    public static <T> List<T> of(List<Callable<T>> calls) {
        ExecutorService threads = Executors.newFixedThreadPool(calls.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> call : calls) {
                futures.add(threads.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<T> answers = new ArrayList<>();
            for (Future<T> future : futures) {
                answers.add(future.get(120, TimeUnit.SECONDS));
            }
            return answers;
        } catch (Exception e) {
            throw new IllegalStateException("a request of the burst failed", e);
        } finally {
            threads.shutdownNow();
        }
    }

    /** {@code count} copies of one call, told apart by their index. */
    public static <T> List<T> times(int count, IndexedCall<T> call) {
        List<Callable<T>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            calls.add(() -> call.call(index));
        }
        return of(calls);
    }

    @FunctionalInterface
    public interface IndexedCall<T> {
        T call(int index) throws Exception;
    }
}
