package dev.discordoo.sharding.manager;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.discordoo.sharding.FailureCause;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.testbot.TestBotApplication;
import dev.discordoo.sharding.testbot.TestBotHandlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The races of a manager's life, each made to happen on purpose: stops while instances
 * spawn, instances that cannot be confirmed gone, a client that never gets ready, restarts
 * racing the manager's own stop. Workers, so that launches can be held and counted.
 */
class ManagerRaceTests {

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	private final GatedLauncher gated = new GatedLauncher();

	@AfterEach
	void openGates() {
		this.gated.open();
		TestBotApplication.DESTROY_GATE.get().countDown();
	}

	@Test
	void stopsWhileSpawningGiveTheirSpawnSlotsBack() {
		// one spawn slot: a stop that kept it would leave every later spawn waiting for ever
		ManagerTestSupport support = start(Map.of("discordoo.sharding.spawn.concurrency", "1"));
		for (int stop = 1; stop <= 3; stop++) {
			int launches = stop;
			await().atMost(Duration.ofSeconds(30)).until(() -> this.gated.launches.get() == launches);
			assertThat(support.manager.instance(0).state()).isEqualTo(InstanceState.SPAWNING);
			support.manager.restart(0);
			this.gated.letOneThrough();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> this.gated.launches.get() == 4);
		this.gated.open();
		support.awaitAllReady(Duration.ofSeconds(30));
	}

	@Test
	void aWorkerWhoseClientBlocksInDestroyIsNotSucceededWhileItRuns() {
		this.gated.open();
		ManagerTestSupport support = start(Map.of("discordoo.sharding.instance.properties.testbot.hang-on-destroy", "true"));
		support.awaitAllReady(Duration.ofSeconds(30));
		CountDownLatch gate = new CountDownLatch(1);
		TestBotApplication.DESTROY_GATE.set(gate);
		support.transitions.clear();
		// the worker ends itself; its client's destroy() blocks until the gate opens
		support.manager.send(0, TestBotHandlers.CRASH, null);
		await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
			.until(() -> !support.transitionsOf(0).contains(InstanceState.SPAWNING));
		assertThat(this.gated.launches.get()).isEqualTo(1);
		gate.countDown();
		await().atMost(Duration.ofSeconds(30)).until(() -> support.transitionsOf(0).contains(InstanceState.READY));
		assertThat(this.gated.launches.get()).isEqualTo(2);
	}

	@Test
	void aLostInstanceThatCannotBeConfirmedGoneIsFailedRatherThanDoubled() {
		this.gated.open();
		this.gated.neverExits = true;
		ManagerTestSupport support = start(Map.of("discordoo.sharding.shutdown.timeout", "1s"));
		support.awaitAllReady(Duration.ofSeconds(30));
		support.manager.send(0, TestBotHandlers.CRASH, null);
		support.awaitInstance(0, Duration.ofSeconds(30), (info) -> info.state() == InstanceState.FAILED);
		InstanceInfo failed = support.manager.instance(0);
		assertThat(failed.lastFailureCause()).isEqualTo(FailureCause.NOT_CONFIRMED_GONE);
		assertThat(failed.lastFailure()).contains("could not confirm");
		assertThat(support.transitions).filteredOn((event) -> event.getState() == InstanceState.FAILED)
			.extracting(InstanceStateChangedEvent::getCause)
			.containsExactly(FailureCause.NOT_CONFIRMED_GONE);
		assertThat(this.gated.launches.get()).isEqualTo(1);
		// by hand neither, while it may still run
		CompletableFuture<InstanceInfo> restarted = support.manager.restart(0);
		assertThat(restarted).isCompletedExceptionally();
		assertThat(this.gated.launches.get()).isEqualTo(1);
	}

	@Test
	void aClientThatNeverGetsReadyIsRestartedAfterTheReadyTimeout() {
		this.gated.open();
		ManagerTestSupport support = start(Map.of("discordoo.sharding.instance.properties.testbot.hang-on-start", "true",
				"discordoo.sharding.spawn.ready-timeout", "1s"));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> support.transitions.stream()
				.anyMatch((event) -> event.getState() == InstanceState.RESTARTING
						&& event.getCause() == FailureCause.READY_TIMEOUT));
		assertThat(support.manager.instance(0).lastFailure()).contains("ready timeout");
		await().atMost(Duration.ofSeconds(30)).until(() -> this.gated.launches.get() >= 2);
	}

	@Test
	void aRestartRacingTheManagersStopSpawnsNothingAfterIt() {
		this.gated.open();
		// not overlapped: the restart stops the instance first, then would spawn it again
		ManagerTestSupport support = start(Map.of("discordoo.sharding.restart.overlap", "false"));
		support.awaitAllReady(Duration.ofSeconds(30));
		support.manager.restart(0);
		support.manager.stop();
		// the stop waited for the stop the restart had begun, and nothing was spawned after it
		assertThat(support.manager.instance(0).state()).isEqualTo(InstanceState.STOPPED);
		int launches = this.gated.launches.get();
		await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5))
			.until(() -> this.gated.launches.get() == launches
					&& support.manager.instance(0).state() == InstanceState.STOPPED);
		assertThat(launches).isEqualTo(1);
		assertThat(this.gated.running()).isEmpty();
	}

	@Test
	void anOverlappedRestartRacingTheManagersStopLeavesNeitherAttemptRunning() {
		this.gated.open();
		ManagerTestSupport support = start(Map.of("discordoo.sharding.restart.overlap", "true"));
		support.awaitAllReady(Duration.ofSeconds(30));
		// the successor may or may not have been launched when the stop begins: both are races
		// the stop must win, and neither the predecessor nor the successor may outlive it
		support.manager.restart(0);
		support.manager.stop();
		assertThat(support.manager.instance(0).state()).isEqualTo(InstanceState.STOPPED);
		int launches = this.gated.launches.get();
		assertThat(launches).isBetween(1, 2);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.gated.running().isEmpty());
		await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5))
			.until(() -> this.gated.launches.get() == launches
					&& support.manager.instance(0).state() == InstanceState.STOPPED);
	}

	private ManagerTestSupport start(Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("discordoo.sharding.mode", "workers");
		properties.put("discordoo.sharding.shards", "1");
		properties.putAll(extra);
		return this.managers.start(properties, this.gated::wrap);
	}

	/**
	 * Counts launches and holds each at a gate until it is let through, so that a test can act
	 * while an instance is spawning; can also make launched instances never confirm their exit.
	 */
	static final class GatedLauncher {

		final AtomicInteger launches = new AtomicInteger();

		private final List<LaunchedInstance> launched = new CopyOnWriteArrayList<>();

		private final Semaphore gate = new Semaphore(0);

		volatile boolean neverExits;

		InstanceLauncher wrap(InstanceLauncher delegate) {
			return (spawn) -> {
				this.launches.incrementAndGet();
				this.gate.acquireUninterruptibly();
				this.gate.release(this.opened ? 1 : 0);
				LaunchedInstance launched = delegate.launch(spawn);
				this.launched.add(launched);
				return this.neverExits ? new NeverExits(launched) : launched;
			};
		}

		/** The launched instances whose exit has not been seen yet. */
		List<LaunchedInstance> running() {
			return this.launched.stream().filter((launched) -> !launched.onExit().isDone()).toList();
		}

		private volatile boolean opened;

		void letOneThrough() {
			this.gate.release();
		}

		void open() {
			this.opened = true;
			this.gate.release();
		}

	}

	/** A launched instance whose exit is never confirmed, as a process the kernel will not reap. */
	private record NeverExits(LaunchedInstance delegate) implements LaunchedInstance {

		@Override
		public long pid() {
			return this.delegate.pid();
		}

		@Override
		public CompletableFuture<InetSocketAddress> endpoint() {
			return this.delegate.endpoint();
		}

		@Override
		public CompletableFuture<String> onExit() {
			return new CompletableFuture<>();
		}

		@Override
		public void destroyGracefully() {
			this.delegate.destroyGracefully();
		}

		@Override
		public void destroyForcibly() {
			this.delegate.destroyForcibly();
		}

	}

}
