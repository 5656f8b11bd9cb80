package dev.discordoo.sharding.ipc;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A manager relays a healthy instance's traffic to an instance that stopped reading (frozen,
 * like a SIGSTOPped process): the relays wait in the frozen instance's bounded outbound queue
 * or are refused, and never hold up the healthy instance's handler, its reader or its
 * heartbeats.
 */
class IpcRelayBackpressureTests {

	/** A small handler queue, so that a relay stuck on the handler thread would stop the reader at once. */
	private static final IpcSettings SETTINGS = new IpcSettings(IpcSettings.DEFAULT_MAX_FRAME_SIZE,
			Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofMillis(100), 10,
			Duration.ofSeconds(5), 16, 16);

	private static final int FRAMES = 400;

	private final IpcTestSupport ipc = new IpcTestSupport(SETTINGS);

	private final AtomicInteger relayed = new AtomicInteger();

	private final AtomicInteger refused = new AtomicInteger();

	private final IpcTestSupport.RecordingHandler healthySide = new IpcTestSupport.RecordingHandler();

	private volatile IpcLink frozenLink;

	private IpcClient healthyClient;

	private IpcClient frozenClient;

	@AfterEach
	void close() {
		if (this.healthyClient != null) {
			this.healthyClient.close();
		}
		if (this.frozenClient != null) {
			this.frozenClient.close();
		}
		this.ipc.close();
	}

	@Test
	void relaysToAFrozenInstanceNeverStallAHealthyOne() throws Exception {
		try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			this.frozenClient = new IpcClient("127.0.0.1", listener.getLocalPort(), SETTINGS,
					this.ipc.managerResources, this.ipc.codec);
			// a heartbeat interval far beyond the test: the frozen instance's link stays up throughout
			Payloads.Hello frozenHello = new Payloads.Hello(this.ipc.managerId,
					DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, IpcTestSupport.MANAGER_PID),
					this.ipc.token, 60_000, List.of(1), 2, 1, Payloads.VERSION);
			String frozenId = DiscordooSnowflake.generate(1, IpcTestSupport.MANAGER_PID);
			CompletableFuture<IpcLink> frozenLinked = this.frozenClient.connect(frozenHello, frozenId,
					new IpcTestSupport.RecordingHandler());
			try (RawPeer frozen = RawPeer.accept(listener)) {
				frozen.readUntilOp(OpCode.HELLO.code());
				frozen.sendJson("{\"op\":1,\"d\":{\"id\":\"" + frozenId + "\",\"event_id\":\"" + frozenHello.eventId()
						+ "\",\"pid\":1,\"v\":1}}");
				this.frozenLink = frozenLinked.get(10, TimeUnit.SECONDS);
				// from here on the frozen instance reads nothing

				this.healthyClient = new IpcClient("127.0.0.1", this.ipc.server.port(), SETTINGS,
						this.ipc.managerResources, this.ipc.codec);
				IpcLink healthyLink = this.healthyClient
					.connect(this.ipc.hello(this.ipc.managerId, this.ipc.token), this.ipc.instanceId, new Relaying())
					.get(10, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(5)).until(() -> this.ipc.server.managerLink() != null);
				IpcLink instanceLink = this.ipc.server.managerLink();
				long ackedBefore = instanceLink.lastHeartbeatEpochMillis();

				// 25 MB of broadcasts: far more than the socket buffers and the frozen link's queue hold
				String filler = "x".repeat(64_000);
				Thread sender = new Thread(() -> {
					for (int n = 0; n < FRAMES; n++) {
						instanceLink.dispatch("BROADCAST", Map.of("n", n, "filler", filler));
					}
				}, "healthy-sender");
				sender.setDaemon(true);
				sender.start();
				await().atMost(Duration.ofSeconds(30)).until(() -> this.relayed.get() + this.refused.get() == FRAMES);
				assertThat(this.refused.get()).as("relays refused once the frozen queue was full").isPositive();
				// the healthy link is answered as ever: heartbeats, and a request and its response
				await().atMost(Duration.ofSeconds(5))
					.until(() -> instanceLink.lastHeartbeatEpochMillis() > ackedBefore);
				this.healthySide.requestHandlers.put("echo", CompletableFuture::completedFuture);
				Payloads.Response echoed = instanceLink.request("echo", 7, null, null).get(5, TimeUnit.SECONDS);
				assertThat(echoed.ok()).as("response %s", echoed).isTrue();
				assertThat(healthyLink.isOpen()).isTrue();
				assertThat(instanceLink.isOpen()).isTrue();
				assertThat(this.healthySide.losses).isEmpty();
				assertThat(this.ipc.instanceSide.losses).isEmpty();
				// a relayed request to the frozen instance fails at once instead of waiting
				Payloads.Response backlogged = this.frozenLink.request("echo", 1, null, Duration.ofSeconds(30), 0)
					.get(5, TimeUnit.SECONDS);
				assertThat(backlogged.ok()).isFalse();
				assertThat(backlogged.error().code()).isEqualTo(ErrorCode.BACKLOGGED);
			}
		}
	}

	/** The manager's side of the healthy link: relays every broadcast to the frozen instance. */
	private final class Relaying extends IpcTestSupport.RecordingHandler {

		@Override
		public void onDispatch(IpcLink link, String event, JsonNode data) {
			try {
				IpcRelayBackpressureTests.this.frozenLink.dispatch(event, data, new Relay(null, 0));
				IpcRelayBackpressureTests.this.relayed.incrementAndGet();
			}
			catch (IllegalStateException ex) {
				IpcRelayBackpressureTests.this.refused.incrementAndGet();
			}
		}

		@Override
		public CompletionStage<JsonNode> onRequest(IpcLink link, Payloads.Request request) {
			return IpcRelayBackpressureTests.this.healthySide.onRequest(link, request);
		}

		@Override
		public void onLost(IpcLink link, LinkLossCause cause, String detail) {
			IpcRelayBackpressureTests.this.healthySide.onLost(link, cause, detail);
		}

	}

}
