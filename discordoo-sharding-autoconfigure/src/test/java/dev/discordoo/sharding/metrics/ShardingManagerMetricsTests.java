package dev.discordoo.sharding.metrics;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.manager.InstanceLauncher;
import dev.discordoo.sharding.manager.LaunchedInstance;
import dev.discordoo.sharding.manager.LocalShardingManager;
import dev.discordoo.sharding.manager.ManagerSettings;
import dev.discordoo.sharding.manager.RestartPolicy;
import dev.discordoo.sharding.manager.ShardAllocation;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.testbot.ScriptedShardingManager;

import static dev.discordoo.sharding.testbot.ScriptedShardingManager.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ShardingManagerMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void heartbeatLatencyIsAGaugePerInstance() {
		ScriptedShardingManager manager = new ScriptedShardingManager(instance(0, InstanceState.READY, 12.5, 100L),
				instance(1, InstanceState.SPAWNING, null, null));
		new ShardingManagerMetrics(manager).bindTo(this.registry);
		assertThat(latency("0").value(TimeUnit.MILLISECONDS)).isEqualTo(12.5);
		assertThat(latency("0").value(TimeUnit.SECONDS)).isEqualTo(0.0125);
		assertThat(latency("1").value(TimeUnit.MILLISECONDS)).isNaN();
		manager.setInstances(instance(0, InstanceState.LOST, null, null), instance(1, InstanceState.READY, 3.0, 50L));
		assertThat(latency("0").value(TimeUnit.MILLISECONDS)).isNaN();
		assertThat(latency("1").value(TimeUnit.MILLISECONDS)).isEqualTo(3.0);
	}

	@Test
	void instancesAreCountedByState() {
		ScriptedShardingManager manager = new ScriptedShardingManager(instance(0, InstanceState.READY, 1.0, 10L),
				instance(1, InstanceState.READY, 1.0, 10L), instance(2, InstanceState.RESTARTING, null, null));
		new ShardingManagerMetrics(manager).bindTo(this.registry);
		assertThat(this.registry.find("discordoo.sharding.instances").gauges()).hasSize(InstanceState.values().length);
		assertThat(instances("ready").value()).isEqualTo(2);
		assertThat(instances("restarting").value()).isEqualTo(1);
		assertThat(instances("failed").value()).isZero();
		manager.setInstances(instance(0, InstanceState.READY, 1.0, 10L), instance(1, InstanceState.LOST, null, null),
				instance(2, InstanceState.FAILED, null, null));
		assertThat(instances("ready").value()).isEqualTo(1);
		assertThat(instances("lost").value()).isEqualTo(1);
		assertThat(instances("failed").value()).isEqualTo(1);
		assertThat(instances("restarting").value()).isZero();
	}

	@Test
	void automaticRestartsOfALocalManagerAreCountedByInstanceAndReason() {
		// instance 0 cannot be launched, instance 1 exits as soon as it is: both are restarted
		// once, then the crash-loop limit makes them FAILED
		InstanceLauncher launcher = (spawn) -> {
			if (spawn.index() == 0) {
				throw new IllegalStateException("no java here");
			}
			return new ExitedInstance();
		};
		ShardAllocation allocation = ShardAllocation.of("2", null, 1);
		AtomicReference<ShardingManagerMetrics> metrics = new AtomicReference<>();
		try (IpcResources resources = new IpcResources("metrics-test");
				IdentifyBroker identify = new IdentifyBroker(new GatewayInfo("wss://gateway.invalid", 2, 1),
						Duration.ofMillis(10), Duration.ofSeconds(1), null, allocation::instanceOf)) {
			LocalShardingManager manager = new LocalShardingManager(allocation, launcher,
					new RestartPolicy(new RestartPolicy.Settings(true, Duration.ofMillis(10), Duration.ofMillis(10), 1,
							Duration.ZERO, 1, Duration.ofMinutes(10))),
					IpcSettings.defaults(),
					new ManagerSettings(Duration.ZERO, 2, Duration.ofSeconds(1), Duration.ofMinutes(1)), resources,
					new FrameCodec(), ShardMessageHandler.NONE, identify, (event) -> {
						// the meters count what the manager publishes, as the context would hand it over
						if (event instanceof InstanceStateChangedEvent changed) {
							metrics.get().onApplicationEvent(changed);
						}
					});
			metrics.set(new ShardingManagerMetrics(manager));
			metrics.get().bindTo(this.registry);
			// every reason is there from the start, at zero
			assertThat(this.registry.get("discordoo.sharding.restarts").tag("instance", "1").tag("reason", "heartbeat")
				.counter()
				.count()).isZero();
			manager.start();
			try {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> manager.instances()
						.stream()
						.allMatch((info) -> info.state() == InstanceState.FAILED));
			}
			finally {
				manager.stop();
			}
		}
		assertThat(restarts("0", "launch-failed").count()).isEqualTo(1);
		assertThat(restarts("0", "exited").count()).isZero();
		assertThat(restarts("1", "exited").count()).isEqualTo(1);
		assertThat(restarts("1", "launch-failed").count()).isZero();
	}

	private Counter restarts(String instance, String reason) {
		return this.registry.get("discordoo.sharding.restarts").tag("instance", instance).tag("reason", reason).counter();
	}

	private TimeGauge latency(String instance) {
		return this.registry.get("discordoo.sharding.heartbeat.latency").tag("instance", instance).timeGauge();
	}

	private Gauge instances(String state) {
		return this.registry.get("discordoo.sharding.instances").tag("state", state).gauge();
	}

	/** An instance that has already exited by the time it is launched. */
	private static final class ExitedInstance implements LaunchedInstance {

		@Override
		public long pid() {
			return 99999;
		}

		@Override
		public CompletableFuture<InetSocketAddress> endpoint() {
			return new CompletableFuture<>();
		}

		@Override
		public CompletableFuture<String> onExit() {
			return CompletableFuture.completedFuture("exit code 1");
		}

		@Override
		public void destroyGracefully() {
		}

		@Override
		public void destroyForcibly() {
		}

	}

}
