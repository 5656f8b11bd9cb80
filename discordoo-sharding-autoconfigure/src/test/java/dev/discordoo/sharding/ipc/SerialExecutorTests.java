package dev.discordoo.sharding.ipc;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The handler queue of one connection is bounded in bytes as well as in packets: a reader
 * that queued its byte budget waits, however few packets that is.
 */
class SerialExecutorTests {

	private final ExecutorService pool = Executors.newCachedThreadPool();

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void close() {
		this.release.countDown();
		this.pool.shutdownNow();
	}

	@Test
	void aReaderWaitsOnceTheQueuedFramesHoldTheByteBudget() {
		SerialExecutor executor = new SerialExecutor(this.pool, 10_000, 1000);
		AtomicInteger ran = new AtomicInteger();
		CountDownLatch running = new CountDownLatch(1);
		// the first task runs and holds the handler; its bytes are no longer queued
		executor.execute(() -> {
			running.countDown();
			awaitRelease();
			ran.incrementAndGet();
		}, 400);
		await().atMost(Duration.ofSeconds(5)).until(() -> running.getCount() == 0);
		AtomicInteger queued = new AtomicInteger();
		Thread reader = new Thread(() -> {
			for (int n = 0; n < 5; n++) {
				executor.execute(ran::incrementAndGet, 400);
				queued.incrementAndGet();
			}
		}, "reader");
		reader.setDaemon(true);
		reader.start();
		// 2 × 400 bytes fit in 1000 (besides the running task's); the third waits
		await().atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(300)).until(() -> queued.get() == 2);
		this.release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> queued.get() == 5 && ran.get() == 6);
	}

	@Test
	void aFrameLargerThanTheWholeBudgetWaitsForAnEmptyQueueInsteadOfForEver() {
		SerialExecutor executor = new SerialExecutor(this.pool, 10_000, 1000);
		AtomicInteger ran = new AtomicInteger();
		executor.execute(ran::incrementAndGet, 5000);
		await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 1);
	}

	private void awaitRelease() {
		try {
			this.release.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
