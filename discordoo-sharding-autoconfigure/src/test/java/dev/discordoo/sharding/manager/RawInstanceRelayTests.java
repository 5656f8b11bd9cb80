package dev.discordoo.sharding.manager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.ipc.RawPeer;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.OpCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real manager whose two instances are played by hand over plain sockets, the way a peer
 * in another language (or a broken one) would talk to it: what an instance asks the manager
 * to relay is checked, and a refusal costs the instance nothing but that one packet.
 */
class RawInstanceRelayTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final FrameCodec codec = new FrameCodec();

	private final IpcResources resources = new IpcResources("manager");

	private final RawInstances launcher = new RawInstances();

	private final RecordingMessages messages = new RecordingMessages();

	private IdentifyBroker broker;

	private LocalShardingManager manager;

	private RawPeer instance0;

	private RawPeer instance1;

	@BeforeEach
	void start() throws IOException {
		ShardAllocation allocation = ShardAllocation.of("0-3", 4, 2);
		this.broker = new IdentifyBroker(new GatewayInfo("wss://gateway.discord.gg", 4, 1), Duration.ofSeconds(5),
				Duration.ofSeconds(60), null, allocation::instanceOf);
		// heartbeats far beyond the test: the instances played by hand never send any
		IpcSettings settings = IpcSettings.defaults().withHeartbeat(Duration.ofSeconds(60), 3);
		this.manager = new LocalShardingManager(allocation, this.launcher,
				new RestartPolicy(new RestartPolicy.Settings(false, Duration.ofSeconds(1), Duration.ofSeconds(1), 2.0,
						Duration.ZERO, 1, Duration.ofMinutes(1))),
				settings, new ManagerSettings(Duration.ZERO, 2, Duration.ofMillis(200), Duration.ofMinutes(1)),
				this.resources, this.codec, this.messages, this.broker, (event) -> {
				});
		this.manager.start();
		this.instance0 = this.launcher.handshake(0);
		this.instance1 = this.launcher.handshake(1);
		await().atMost(WAIT).until(() -> this.manager.link(0) != null && this.manager.link(1) != null);
	}

	@AfterEach
	void stop() throws IOException {
		try {
			if (this.manager != null) {
				this.manager.stop();
			}
		}
		finally {
			this.launcher.close();
			this.broker.close();
			this.resources.close();
		}
	}

	@ParameterizedTest(name = "timeout {0}")
	@MethodSource("timeouts")
	void aRelayedRequestsTimeoutIsClampedAndLeavesNothingPending(String sent, long relayed) throws IOException {
		this.instance0.sendJson("{\"op\":9,\"d\":{\"event_id\":\"11\",\"name\":\"echo\",\"payload\":{\"q\":1},"
				+ "\"targets\":[1],\"timeout\":" + sent + "}}");
		JsonNode request = this.instance1.readUntilOp(OpCode.REQUEST.code());
		assertThat(request.get("from").intValue()).isEqualTo(0);
		assertThat(request.get("d").get("timeout").longValue()).isEqualTo(relayed);
		answer(this.instance1, request);
		JsonNode response = this.instance0.readUntilOp(OpCode.RESPONSE.code()).get("d");
		assertThat(response.get("event_id").stringValue()).isEqualTo("11");
		assertThat(response.get("ok").booleanValue()).as("response %s", response).isTrue();
		assertThat(response.get("result")).singleElement().satisfies((entry) -> {
			assertThat(entry.get("instance").intValue()).isEqualTo(1);
			assertThat(entry.get("ok").booleanValue()).isTrue();
			assertThat(entry.get("result").get("q").intValue()).isEqualTo(1);
		});
		await().atMost(WAIT)
			.until(() -> this.manager.link(0).pendingRequests() == 0 && this.manager.link(1).pendingRequests() == 0);
		assertStillHealthy();
	}

	static Stream<Arguments> timeouts() {
		long day = Duration.ofHours(24).toMillis();
		long fallback = IpcSettings.defaults().requestTimeout().toMillis();
		return Stream.of(Arguments.of("90000000", day), Arguments.of(Long.toString(Long.MAX_VALUE), day),
				Arguments.of("99999999999999999999", day), Arguments.of("1e30", day), Arguments.of("86400000", day),
				Arguments.of("2500", 2500L), Arguments.of("0", fallback), Arguments.of("-5", fallback),
				Arguments.of("-1e30", fallback), Arguments.of("null", fallback));
	}

	@Test
	void aRelayedRequestReachesEachTargetOnceHoweverOftenItIsNamed() throws IOException {
		StringBuilder targets = new StringBuilder("[1");
		for (int i = 0; i < 10_000; i++) {
			targets.append(",1");
		}
		targets.append("]");
		this.instance0.sendJson("{\"op\":9,\"d\":{\"event_id\":\"12\",\"name\":\"echo\",\"payload\":{\"q\":2},"
				+ "\"targets\":" + targets + "}}");
		answer(this.instance1, this.instance1.readUntilOp(OpCode.REQUEST.code()));
		JsonNode response = this.instance0.readUntilOp(OpCode.RESPONSE.code()).get("d");
		assertThat(response.get("ok").booleanValue()).as("response %s", response).isTrue();
		assertThat(response.get("result")).singleElement()
			.satisfies((entry) -> assertThat(entry.get("instance").intValue()).isEqualTo(1));
		await().atMost(WAIT).until(() -> this.manager.link(1).pendingRequests() == 0);
		assertStillHealthy();
	}

	@ParameterizedTest(name = "targets {0}")
	@MethodSource("badTargets")
	void aRelayedRequestWithBadTargetsIsRefusedAndTheLinkStays(String targets, String named) throws IOException {
		this.instance0.sendJson("{\"op\":9,\"d\":{\"event_id\":\"13\",\"name\":\"echo\",\"payload\":null,\"targets\":"
				+ targets + "}}");
		JsonNode response = this.instance0.readUntilOp(OpCode.RESPONSE.code()).get("d");
		assertThat(response.get("event_id").stringValue()).isEqualTo("13");
		assertThat(response.get("ok").booleanValue()).isFalse();
		assertThat(response.get("error").get("code").stringValue()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
		assertThat(response.get("error").get("message").stringValue()).contains("targets").contains(named);
		assertStillHealthy();
	}

	@ParameterizedTest(name = "targets {0}")
	@MethodSource("badTargets")
	void aRelayedDispatchWithBadTargetsIsAnsweredWithAnErrorAndTheLinkStays(String targets, String named)
			throws IOException {
		this.instance0.sendJson("{\"op\":0,\"t\":\"GREETING\",\"d\":{\"hi\":1},\"targets\":" + targets + "}");
		JsonNode error = this.instance0.readUntilOp(OpCode.ERROR.code()).get("d");
		assertThat(error.get("code").stringValue()).isEqualTo(ErrorCode.INVALID_PAYLOAD);
		assertThat(error.get("message").stringValue()).contains("targets").contains(named);
		assertThat(error.has("event_id")).isFalse();
		assertStillHealthy();
	}

	static Stream<Arguments> badTargets() {
		return Stream.of(Arguments.of("[2]", "2"), Arguments.of("[0,7]", "7"), Arguments.of("[-1]", "-1"),
				Arguments.of("[4294967296]", "4294967296"), Arguments.of("[1.5]", "1.5"),
				Arguments.of("[\"1\"]", "\"1\""), Arguments.of("[[1]]", "[1]"), Arguments.of("\"some\"", "\"some\""),
				Arguments.of("{\"all\":true}", "all"));
	}

	@Test
	void aRelayedDispatchReachesEachTargetOnce() throws IOException {
		this.instance0.sendJson("{\"op\":0,\"t\":\"GREETING\",\"d\":{\"hi\":1},\"targets\":[1,1,1]}");
		// the marker follows the same way: anything between the two would be a repeat
		this.instance0.sendJson("{\"op\":0,\"t\":\"MARKER\",\"d\":null,\"targets\":[1]}");
		JsonNode greeting = this.instance1.readUntilOp(OpCode.DISPATCH.code());
		assertThat(greeting.get("t").stringValue()).isEqualTo("GREETING");
		assertThat(greeting.get("from").intValue()).isEqualTo(0);
		assertThat(this.instance1.readUntilOp(OpCode.DISPATCH.code()).get("t").stringValue()).isEqualTo("MARKER");
		assertStillHealthy();
	}

	@Test
	void theManagersListenersAreToldWhichEventOrRequestArrived() throws IOException {
		this.instance0.sendJson("{\"op\":0,\"t\":\"GUILD_COUNT\",\"d\":12}");
		this.instance0.sendJson("{\"op\":9,\"d\":{\"event_id\":\"14\",\"name\":\"whoami\",\"payload\":null}}");
		assertThat(this.instance0.readUntilOp(OpCode.RESPONSE.code()).get("d").get("ok").booleanValue()).isTrue();
		await().atMost(WAIT).until(() -> this.messages.senders.size() == 2);
		assertThat(this.messages.senders).extracting(ShardEventContext::event).containsExactly("GUILD_COUNT", "whoami");
		assertThat(this.messages.senders).allSatisfy((sender) -> {
			assertThat(sender.instanceIndex()).isZero();
			assertThat(sender.shards()).containsExactly(0, 1);
		});
	}

	/**
	 * Instance 0's link is as it was: not lost, nothing pending, and it still carries a
	 * request to the instance and its answer.
	 */
	private void assertStillHealthy() throws IOException {
		assertThat(this.manager.instance(0).state()).isEqualTo(InstanceState.IDENTIFIED);
		assertThat(this.manager.link(0).isOpen()).isTrue();
		CompletableFuture<List<InstanceResult<JsonNode>>> asked = this.manager.request("echo", Map.of("n", 5),
				Targets.instances(0), JsonNode.class);
		answer(this.instance0, this.instance0.readUntilOp(OpCode.REQUEST.code()));
		assertThat(asked.join()).singleElement().satisfies((result) -> {
			assertThat(result.ok()).isTrue();
			assertThat(result.value().get("n").intValue()).isEqualTo(5);
		});
		await().atMost(WAIT).until(() -> this.manager.link(0).pendingRequests() == 0);
		assertThat(this.manager.instance(0).state()).isEqualTo(InstanceState.IDENTIFIED);
	}

	/** Answer a request with its own payload. */
	private static void answer(RawPeer peer, JsonNode request) throws IOException {
		JsonNode d = request.get("d");
		peer.sendJson("{\"op\":10,\"d\":{\"event_id\":\"" + d.get("event_id").stringValue()
				+ "\",\"ok\":true,\"result\":" + d.get("payload") + "}}");
	}

	/** Launches instances that are only a listening socket; the test plays each by hand. */
	private static final class RawInstances implements InstanceLauncher {

		private final Map<Integer, CompletableFuture<Launched>> launched = new ConcurrentHashMap<>();

		private final Queue<RawPeer> peers = new ConcurrentLinkedQueue<>();

		@Override
		public LaunchedInstance launch(InstanceSpawn spawn) throws IOException {
			Launched instance = new Launched(spawn, new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
			slot(spawn.index()).complete(instance);
			return instance;
		}

		/** Accept the manager's connection to an instance, and answer its HELLO. */
		RawPeer handshake(int index) throws IOException {
			Launched instance = slot(index).orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
			RawPeer peer = RawPeer.accept(instance.listener);
			this.peers.add(peer);
			JsonNode hello = peer.readUntilOp(OpCode.HELLO.code()).get("d");
			peer.sendJson("{\"op\":1,\"d\":{\"id\":\"" + instance.spawn.instanceId() + "\",\"event_id\":\""
					+ hello.get("event_id").stringValue() + "\",\"pid\":" + (1000 + index) + ",\"v\":1}}");
			return peer;
		}

		private CompletableFuture<Launched> slot(int index) {
			return this.launched.computeIfAbsent(index, (key) -> new CompletableFuture<>());
		}

		void close() throws IOException {
			for (RawPeer peer : this.peers) {
				peer.close();
			}
			for (CompletableFuture<Launched> instance : this.launched.values()) {
				if (instance.isDone()) {
					instance.join().destroyForcibly();
				}
			}
		}

	}

	private record Launched(InstanceSpawn spawn, ServerSocket listener, CompletableFuture<String> exit)
			implements LaunchedInstance {

		Launched(InstanceSpawn spawn, ServerSocket listener) {
			this(spawn, listener, new CompletableFuture<>());
		}

		@Override
		public long pid() {
			return 1000 + this.spawn.index();
		}

		@Override
		public CompletableFuture<InetSocketAddress> endpoint() {
			return CompletableFuture.completedFuture(
					new InetSocketAddress(this.listener.getInetAddress(), this.listener.getLocalPort()));
		}

		@Override
		public CompletableFuture<String> onExit() {
			// a copy: the manager times out what it is given, which must not end the instance
			return this.exit.copy();
		}

		@Override
		public void destroyGracefully() {
			destroyForcibly();
		}

		@Override
		public void destroyForcibly() {
			try {
				this.listener.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			this.exit.complete("destroyed");
		}

	}

	/** Records who sent each application event and request; answers every request with null. */
	private static final class RecordingMessages implements ShardMessageHandler {

		final Queue<ShardEventContext> senders = new ConcurrentLinkedQueue<>();

		@Override
		public void onDispatch(String event, JsonNode data, ShardEventContext sender) {
			this.senders.add(sender);
		}

		@Override
		public CompletionStage<JsonNode> onRequest(String name, JsonNode payload, ShardEventContext sender) {
			this.senders.add(sender);
			return CompletableFuture.completedFuture(null);
		}

	}

}
