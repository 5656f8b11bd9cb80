package dev.discordoo.sharding.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.cluster.ClusterShardRunner.Standing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starting an instance and fencing on a lost session exclude each other: nothing starts once
 * the session is lost (a reconcile pass that began before the loss included), and whatever
 * started before it is there for the fencing to stop.
 */
class FenceTests {

	private final Fence fence = new Fence();

	@Test
	void nothingStartsOnceTheSessionIsLostUntilTheNodeHasRejoined() {
		List<String> events = new ArrayList<>();
		assertThat(this.fence.startIfConnected(() -> events.add("start 1"))).isTrue();
		this.fence.on(ConnectionState.SUSPENDED, () -> events.add("fenced"));
		assertThat(this.fence.startIfConnected(() -> events.add("start while suspended"))).isFalse();
		this.fence.on(ConnectionState.LOST, () -> events.add("fenced"));
		// a pass that read the assignment before the loss tries to start an instance now
		assertThat(this.fence.startIfConnected(() -> events.add("start of a stale pass"))).isFalse();
		assertThat(this.fence.on(ConnectionState.RECONNECTED, () -> events.add("fenced"))).isEqualTo(Standing.REJOINING);
		assertThat(this.fence.startIfConnected(() -> events.add("start before rejoined"))).isFalse();
		assertThat(this.fence.rejoined()).isTrue();
		assertThat(this.fence.startIfConnected(() -> events.add("start 2"))).isTrue();
		assertThat(events).containsExactly("start 1", "fenced", "start 2");
	}

	@Test
	void aRejoinLostAgainIsNotDone() {
		this.fence.on(ConnectionState.LOST, () -> {
		});
		this.fence.on(ConnectionState.RECONNECTED, () -> {
		});
		this.fence.on(ConnectionState.SUSPENDED, () -> {
		});
		assertThat(this.fence.rejoined()).isFalse();
		assertThat(this.fence.get()).isEqualTo(Standing.SESSION_LOST);
	}

	@Test
	void everyStartRacingTheLossHappensBeforeTheFencing() throws Exception {
		for (int round = 0; round < 200; round++) {
			Fence raced = new Fence();
			List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
			AtomicBoolean fencingDone = new AtomicBoolean();
			CountDownLatch go = new CountDownLatch(1);
			Thread starter = new Thread(() -> {
				awaitQuietly(go);
				while (raced.startIfConnected(() -> {
					// a start the fencing has already passed would outlive it
					assertThat(fencingDone).isFalse();
					events.add("start");
				})) {
					Thread.onSpinWait();
				}
			});
			starter.start();
			go.countDown();
			raced.on(ConnectionState.LOST, () -> {
				events.add("fenced");
				fencingDone.set(true);
			});
			starter.join(TimeUnit.SECONDS.toMillis(10));
			assertThat(starter.isAlive()).isFalse();
			assertThat(events).last().isEqualTo("fenced");
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
