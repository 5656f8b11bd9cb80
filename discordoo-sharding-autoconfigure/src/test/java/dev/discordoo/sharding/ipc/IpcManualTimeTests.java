package dev.discordoo.sharding.ipc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;

import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Heartbeat and request timeouts measured on a clock the test moves: a link is counted lost
 * after exactly heartbeat interval × tolerance of silence, and a request times out after
 * exactly its timeout, however long or short the wall clock took. Real sockets and threads
 * on both sides; only time is the test's.
 */
class IpcManualTimeTests {

	private static final Duration INTERVAL = Duration.ofSeconds(5);

	private final ManualTime managerTime = new ManualTime();

	private final ManualTime instanceTime = new ManualTime();

	private final IpcSettings settings = IpcSettings.defaults()
		.withHeartbeat(INTERVAL, 3)
		.withRequestTimeout(Duration.ofSeconds(60));

	private final String managerId = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID,
			IpcTestSupport.MANAGER_PID);

	private final String instanceId = DiscordooSnowflake.generate(0, IpcTestSupport.MANAGER_PID);

	private final String token = "test-token-0123456789abcdef0123456789abcdef";

	private final IpcResources managerResources = new IpcResources("manual-manager", new DefaultListableBeanFactory(),
			(event) -> {
			}, IpcObserver.NONE, this.managerTime.timer(), this.managerTime);

	private final IpcResources instanceResources = new IpcResources("manual-instance",
			new DefaultListableBeanFactory(), (event) -> {
			}, IpcObserver.NONE, this.instanceTime.timer(), this.instanceTime);

	private final FrameCodec codec = new FrameCodec();

	private final IpcTestSupport.RecordingHandler managerSide = new IpcTestSupport.RecordingHandler();

	private final IpcTestSupport.RecordingListener instanceSide = new IpcTestSupport.RecordingListener();

	private final IpcServer server = new IpcServer("127.0.0.1", 0,
			new IpcServer.Credentials(this.managerId, this.instanceId, this.token, 777), this.settings,
			this.instanceResources, this.codec, this.instanceSide);

	private IpcClient client;

	@AfterEach
	void close() {
		if (this.client != null) {
			this.client.close();
		}
		this.server.close();
		this.managerResources.close();
		this.instanceResources.close();
	}

	@Test
	void aSilentInstanceIsLostAfterExactlyIntervalTimesToleranceOfSilence() throws Exception {
		IpcLink link = connect();
		// the instance's timer never runs, so after the first exchange it never heartbeats again
		this.managerTime.advance(INTERVAL.multipliedBy(3).minusMillis(1));
		assertThat(link.isOpen()).isTrue();
		assertThat(this.managerSide.losses).isEmpty();
		this.managerTime.advance(INTERVAL);
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.managerSide.losses.isEmpty());
		assertThat(this.managerSide.losses.peek().cause()).isEqualTo(LinkLossCause.HEARTBEAT_TIMEOUT);
		assertThat(this.managerSide.losses.peek().detail()).contains("interval 5000 ms x tolerance 3");
	}

	@Test
	void aRequestTimesOutAfterExactlyItsTimeout() throws Exception {
		CompletableFuture<JsonNode> never = new CompletableFuture<>();
		this.instanceSide.requestHandlers.put("never", (payload) -> never);
		IpcLink link = connect();
		// shorter than the heartbeat tolerance, which the silent instance would use up first
		CompletableFuture<Payloads.Response> response = link.request("never", null, null, Duration.ofSeconds(10));
		this.managerTime.advance(Duration.ofSeconds(10).minusMillis(1));
		assertThat(response).isNotDone();
		this.managerTime.advance(Duration.ofMillis(1));
		Payloads.Response timedOut = response.get(5, TimeUnit.SECONDS);
		assertThat(timedOut.ok()).isFalse();
		assertThat(timedOut.error().code()).isEqualTo(ErrorCode.TIMEOUT);
		assertThat(link.pendingRequests()).isZero();
	}

	private IpcLink connect() throws Exception {
		this.server.start();
		this.client = new IpcClient("127.0.0.1", this.server.port(), this.settings, this.managerResources, this.codec);
		Payloads.Hello hello = new Payloads.Hello(this.managerId,
				DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, IpcTestSupport.MANAGER_PID), this.token,
				INTERVAL.toMillis(), List.of(0, 1), 2, 0, Payloads.VERSION);
		CompletableFuture<IpcLink> linked = this.client.connect(hello, this.instanceId, this.managerSide);
		// nothing is sent until the manager's timer runs its first HELLO
		this.managerTime.runDue();
		IpcLink link = linked.get(10, TimeUnit.SECONDS);
		// the instance heartbeats at once, and again once acknowledged (which reports the
		// latency); only then is it silent, its own timer never running: time moves from here
		await().atMost(Duration.ofSeconds(10)).until(() -> link.latencyMillis() != null);
		return link;
	}

}
