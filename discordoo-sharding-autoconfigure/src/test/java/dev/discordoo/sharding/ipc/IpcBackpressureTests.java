package dev.discordoo.sharding.ipc;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener that falls behind stops its connection being read: TCP then pushes back on the
 * sender, instead of the receiver queueing without bound.
 */
class IpcBackpressureTests {

	private static final int CAPACITY = 64;

	private static final int FRAMES = 50_000;

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicInteger received = new AtomicInteger();

	private final AtomicInteger outOfOrder = new AtomicInteger();

	private final IpcTestSupport ipc = new IpcTestSupport(new IpcSettings(IpcSettings.DEFAULT_MAX_FRAME_SIZE,
			Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofMillis(200), 50,
			Duration.ofSeconds(5), 16, CAPACITY), new IpcTestSupport.RecordingListener() {

				@Override
				public void onDispatch(IpcLink link, String event, JsonNode data) {
					awaitRelease();
					if (data.path("n").asInt() != IpcBackpressureTests.this.received.getAndIncrement()) {
						IpcBackpressureTests.this.outOfOrder.incrementAndGet();
					}
				}

			});

	@AfterEach
	void close() {
		this.release.countDown();
		this.ipc.close();
	}

	@Test
	void aStuckListenerMakesTheSenderWaitAndLosesNothing() {
		IpcLink managerLink = this.ipc.connect();
		String filler = "x".repeat(1000);
		AtomicInteger sent = new AtomicInteger();
		Thread sender = new Thread(() -> {
			for (int n = 0; n < FRAMES; n++) {
				managerLink.dispatch("BULK", java.util.Map.of("n", n, "filler", filler));
				sent.incrementAndGet();
			}
		}, "bulk-sender");
		sender.setDaemon(true);
		sender.start();
		// the sender stalls well short of the end while the listener is stuck
		await().atMost(Duration.ofSeconds(20))
			.during(Duration.ofMillis(500))
			.until(() -> sent.get() < FRAMES && this.received.get() == 0);
		int stalledAt = sent.get();
		assertThat(stalledAt).isLessThan(FRAMES);
		this.release.countDown();
		await().atMost(Duration.ofSeconds(60)).until(() -> this.received.get() == FRAMES);
		assertThat(sent.get()).isEqualTo(FRAMES);
		assertThat(this.outOfOrder.get()).isZero();
		assertThat(managerLink.isOpen()).isTrue();
		System.out.printf("backpressure: sender stalled after %d of %d 1 KB dispatches (queue capacity %d)%n",
				stalledAt, FRAMES, CAPACITY);
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
