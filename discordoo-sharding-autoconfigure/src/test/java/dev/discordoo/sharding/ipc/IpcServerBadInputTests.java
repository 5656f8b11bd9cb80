package dev.discordoo.sharding.ipc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.IntNode;

import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every kind of bad input an instance's IPC server can meet, each over a real loopback
 * socket while a healthy manager link is up: the offending connection is answered and
 * closed on its own, and the manager link does not notice.
 */
class IpcServerBadInputTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private IpcTestSupport ipc;

	private IpcLink managerLink;

	private IpcLink instanceLink;

	@AfterEach
	void close() {
		if (this.ipc != null) {
			this.ipc.close();
		}
	}

	/**
	 * Bytes that a fresh connection sends while the manager link is up, and the one answer
	 * each must get before that connection, and only that one, is closed.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("badInputs")
	void badInputOnAFreshConnectionIsAnsweredAndOnlyThatConnectionIsClosed(String description,
			Function<IpcTestSupport, byte[]> bytes, Answer answer) throws IOException {
		connectHealthyManager();
		try (RawPeer peer = connectPeer()) {
			peer.sendRaw(bytes.apply(this.ipc));
			answer.check(peer.readPacket(), this.ipc);
			assertThat(peer.isClosedByPeer()).isTrue();
		}
		assertManagerLinkStillWorks();
	}

	static Stream<Arguments> badInputs() {
		int max = IpcTestSupport.fastSettings().maxFrameSize();
		return Stream.of(
				// the body is never sent: the server must judge the header alone
				badInput("length just above the max frame size", (ipc) -> header(max + 1L),
						Answer.error(ErrorCode.FRAME_TOO_LARGE,
								"frame of " + (max + 1L) + " bytes exceeds the max frame size of " + max + " bytes")),
				badInput("length with the top bit set is read as unsigned", (ipc) -> header(0xFFFFFFFFL),
						Answer.error(ErrorCode.FRAME_TOO_LARGE,
								"frame of 4294967295 bytes exceeds the max frame size")),
				badInput("length 0", (ipc) -> header(0), Answer.error(ErrorCode.FRAME_TOO_LARGE,
						"frame of 0 bytes is below the minimum of 2 bytes")),
				badInput("length 1", (ipc) -> concat(header(1), new byte[1]), Answer.error(ErrorCode.FRAME_TOO_LARGE,
						"frame of 1 bytes is below the minimum of 2 bytes")),
				badInput("body that is not JSON", (ipc) -> frame("definitely not json"),
						Answer.error(ErrorCode.PROTOCOL_VIOLATION, "frame body is not UTF-8 JSON")),
				badInput("body that is a JSON array",
						(ipc) -> frame("[" + helloJson(ipc, ipc.managerId, ipc.token) + "]"),
						Answer.error(ErrorCode.PROTOCOL_VIOLATION, "frame body must be a JSON object, was ARRAY")),
				badInput("packet without op", (ipc) -> frame("{\"d\":{\"id\":\"" + ipc.managerId + "\"}}"),
						Answer.error(ErrorCode.PROTOCOL_VIOLATION, "packet must have an integer 'op', had none")),
				badInput("unknown op", (ipc) -> frame("{\"op\":11,\"d\":{}}"),
						Answer.error(ErrorCode.PROTOCOL_VIOLATION, "unknown op 11")),
				badInput("DISPATCH without event name", (ipc) -> frame("{\"op\":0,\"d\":{}}"),
						Answer.error(ErrorCode.PROTOCOL_VIOLATION, "DISPATCH (op 0) must have a string 't'")),
				badInput("HELLO without payload", (ipc) -> frame("{\"op\":2}"),
						Answer.error(ErrorCode.INVALID_PAYLOAD, "HELLO must have a 'd' object")),
				badInput("DISPATCH before HELLO", (ipc) -> frame("{\"op\":0,\"t\":\"GUILD_COUNT\",\"d\":1}"),
						Answer.error(ErrorCode.NOT_AUTHENTICATED,
								"expected HELLO before anything else, got DISPATCH")),
				badInput("REQUEST before HELLO",
						(ipc) -> frame("{\"op\":9,\"d\":{\"event_id\":\"1\",\"name\":\"eval\",\"payload\":null}}"),
						Answer.error(ErrorCode.NOT_AUTHENTICATED,
								"expected HELLO before anything else, got REQUEST")),
				badInput("HEARTBEAT before HELLO",
						(ipc) -> frame("{\"op\":7,\"d\":{\"seq\":1,\"sent_at\":0,\"latency\":null}}"),
						Answer.error(ErrorCode.NOT_AUTHENTICATED,
								"expected HELLO before anything else, got HEARTBEAT")),
				badInput("HELLO with the wrong token",
						(ipc) -> frame(helloJson(ipc, ipc.managerId, "not-the-token")),
						Answer.invalidSession("HELLO token is invalid")),
				badInput("HELLO with the wrong manager id",
						(ipc) -> frame(helloJson(ipc, DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID,
								IpcTestSupport.MANAGER_PID + 1), ipc.token)),
						Answer.invalidSession("HELLO id does not match this instance's manager id")),
				badInput("HELLO with a heartbeat interval above a day",
						(ipc) -> frame(helloJson(ipc.managerId, ipc.token, 86_400_001)),
						Answer.invalidSession("heartbeat_interval must be at most 86400000 ms, was 86400001")),
				badInput("HELLO with a heartbeat interval too long to count in nanoseconds",
						(ipc) -> frame(helloJson(ipc.managerId, ipc.token, Long.MAX_VALUE)),
						Answer.invalidSession(
								"heartbeat_interval must be at most 86400000 ms, was " + Long.MAX_VALUE)),
				// a valid HELLO, but the instance already has its manager: the link is not replaced
				badInput("second valid HELLO on another connection",
						(ipc) -> frame(helloJson(ipc, ipc.managerId, ipc.token)),
						Answer.invalidSession("this instance already has a manager connection")));
	}

	private static Arguments badInput(String description, Function<IpcTestSupport, byte[]> bytes, Answer answer) {
		return Arguments.of(description, bytes, answer);
	}

	/**
	 * The answer a connection must get: an ERROR whose message contains a fragment, or an
	 * INVALID_SESSION with the instance's id and exactly this reason.
	 */
	record Answer(OpCode op, String code, String message) {

		static Answer error(String code, String messageFragment) {
			return new Answer(OpCode.ERROR, code, messageFragment);
		}

		static Answer invalidSession(String reason) {
			return new Answer(OpCode.INVALID_SESSION, null, reason);
		}

		void check(JsonNode packet, IpcTestSupport ipc) {
			if (this.op == OpCode.ERROR) {
				assertError(packet, this.code, this.message);
				return;
			}
			assertThat(packet.get("op").intValue()).as("op of %s", packet).isEqualTo(OpCode.INVALID_SESSION.code());
			assertThat(packet.get("d").get("id").stringValue()).isEqualTo(ipc.instanceId);
			assertThat(packet.get("d").get("reason").stringValue()).isEqualTo(this.message);
		}

	}

	@Test
	void truncatedFrameFromAPeerThatGoesAwayIsDropped() throws IOException {
		connectHealthyManager();
		try (RawPeer peer = connectPeer()) {
			await().atMost(WAIT).until(() -> this.ipc.server.openConnections() == 2);
			peer.sendRaw(header(100));
			peer.sendRaw(new byte[10]);
		}
		// nobody is left to answer: the server only forgets the connection
		await().atMost(WAIT).until(() -> this.ipc.server.openConnections() == 1);
		assertManagerLinkStillWorks();
	}

	@ParameterizedTest
	@ValueSource(ints = { 2, 14 })
	void truncatedFrameIsClosedWithoutAnswer(int bytesSent) throws IOException {
		connectHealthyManager();
		try (RawPeer peer = connectPeer()) {
			// 2 bytes end inside the length header, 14 inside a body announced as 100 bytes
			byte[] frame = ByteBuffer.allocate(104).putInt(100).array();
			peer.sendRaw(Arrays.copyOf(frame, bytesSent));
			peer.shutdownOutput();
			// a half-closed peer could still read an ERROR: there must be none, only the close
			assertThat(peer.readUntilClosed()).isEmpty();
		}
		assertManagerLinkStillWorks();
	}

	@Test
	void silentConnectionIsClosedAfterTheHandshakeTimeout() throws IOException {
		connectHealthyManager();
		Duration handshakeTimeout = this.ipc.settings.handshakeTimeout();
		long start = System.nanoTime();
		try (RawPeer peer = connectPeer()) {
			JsonNode error = peer.readPacket();
			Duration waited = Duration.ofNanos(System.nanoTime() - start);
			assertError(error, ErrorCode.HANDSHAKE_TIMEOUT, "no HELLO within " + handshakeTimeout.toMillis() + " ms");
			assertThat(waited).isGreaterThanOrEqualTo(handshakeTimeout);
			assertThat(peer.isClosedByPeer()).isTrue();
		}
		assertManagerLinkStillWorks();
	}

	@Test
	void floodOfConnectionsIsHeldToTheLimitOfPendingHandshakes() throws IOException {
		// long enough that all connections are open before the first pending one times out: the
		// oldest pending connections make room for newer ones, so the last 16 are the ones that
		// time out, and opening 100 connections can take seconds on a loaded machine
		connectHealthyManager(IpcTestSupport.fastSettings()
			.withHandshake(Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofSeconds(5)));
		int limit = this.ipc.settings.maxPendingConnections();
		int count = 100;
		List<RawPeer> peers = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				peers.add(connectPeer());
			}
			List<String> codes = new ArrayList<>();
			for (RawPeer peer : peers) {
				JsonNode error = peer.readPacket();
				assertThat(error.get("op").intValue()).as("op of %s", error).isEqualTo(OpCode.ERROR.code());
				codes.add(error.get("d").get("code").stringValue());
				if (ErrorCode.TOO_MANY_CONNECTIONS.equals(error.get("d").get("code").stringValue())) {
					assertThat(error.get("d").get("message").stringValue())
						.isEqualTo("more than " + limit + " connections are waiting for HELLO");
				}
				assertThat(peer.isClosedByPeer()).isTrue();
			}
			Map<String, Long> byCode = codes.stream()
				.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
			assertThat(byCode).containsOnly(Map.entry(ErrorCode.HANDSHAKE_TIMEOUT, (long) limit),
					Map.entry(ErrorCode.TOO_MANY_CONNECTIONS, (long) (count - limit)));
		}
		finally {
			for (RawPeer peer : peers) {
				peer.close();
			}
		}
		await().atMost(WAIT).until(() -> this.ipc.server.openConnections() == 1);
		// every pending slot was given back: a newcomer is heard out, not turned away
		try (RawPeer late = connectPeer()) {
			late.sendJson(helloJson(this.ipc.managerId, "not-the-token"));
			assertInvalidSession(late, "HELLO token is invalid");
		}
		assertManagerLinkStillWorks();
	}

	@ParameterizedTest
	@ValueSource(ints = { 3, 5 })
	void reservedOpOnTheManagerLinkIsAnsweredAndTheLinkStaysOpen(int code) {
		connectHealthyManager();
		this.managerLink.send(OpCode.of(code), null, IntNode.valueOf(1), Relay.NONE);
		await().atMost(WAIT).until(() -> !this.ipc.managerSide.errors.isEmpty());
		assertThat(this.ipc.managerSide.errors).singleElement().satisfies((error) -> {
			assertThat(error.code()).isEqualTo(ErrorCode.UNSUPPORTED_OP);
			assertThat(error.message()).contains("op " + code + " is reserved");
		});
		assertManagerLinkStillWorks();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("garbageOnAnAuthenticatedLink")
	void instanceDropsAManagerThatBreaksTheProtocolAfterHello(String description, byte[] garbage, String code,
			String message) throws IOException {
		this.ipc = new IpcTestSupport(IpcTestSupport.fastSettings());
		try (RawPeer manager = connectPeer()) {
			// a heartbeat interval far beyond the test, so that only the garbage can end the link
			manager.sendJson(helloJson(this.ipc.managerId, this.ipc.token, 60_000));
			assertThat(manager.readUntilOp(OpCode.IDENTIFY.code()).get("d").get("id").stringValue())
				.isEqualTo(this.ipc.instanceId);
			await().atMost(WAIT).until(() -> this.ipc.server.managerLink() != null);
			manager.sendRaw(garbage);
			assertError(manager.readUntilOp(OpCode.ERROR.code()), code, message);
			assertThat(manager.isClosedByPeer()).isTrue();
		}
		await().atMost(WAIT).until(() -> !this.ipc.instanceSide.losses.isEmpty());
		assertThat(this.ipc.instanceSide.losses).singleElement()
			.satisfies((loss) -> assertThat(loss.cause()).isEqualTo(LinkLossCause.PROTOCOL_VIOLATION));
		assertThat(this.ipc.server.managerLink().isOpen()).isFalse();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("garbageOnAnAuthenticatedLink")
	void managerDropsAnInstanceThatBreaksTheProtocolAfterIdentify(String description, byte[] garbage, String code,
			String message) throws Exception {
		connectHealthyManager();
		IpcTestSupport.RecordingHandler fakeInstanceSide = new IpcTestSupport.RecordingHandler();
		try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			IpcClient client = new IpcClient("127.0.0.1", listener.getLocalPort(), this.ipc.settings,
					this.ipc.managerResources, this.ipc.codec);
			try {
				// a heartbeat interval far beyond the test, so that only the garbage can end the link
				Payloads.Hello hello = new Payloads.Hello(this.ipc.managerId,
						DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, IpcTestSupport.MANAGER_PID),
						this.ipc.token, 60_000, List.of(0), 1, 0, Payloads.VERSION);
				CompletableFuture<IpcLink> linked = client.connect(hello, this.ipc.instanceId, fakeInstanceSide);
				try (RawPeer instance = RawPeer.accept(listener)) {
					JsonNode received = instance.readUntilOp(OpCode.HELLO.code());
					assertThat(received.get("d").get("event_id").stringValue()).isEqualTo(hello.eventId());
					instance.sendJson("{\"op\":1,\"d\":{\"id\":\"" + this.ipc.instanceId + "\",\"event_id\":\""
							+ hello.eventId() + "\",\"pid\":1,\"v\":1}}");
					IpcLink link = linked.get(10, TimeUnit.SECONDS);
					instance.sendRaw(garbage);
					// HELLOs resent before the IDENTIFY arrived may come first
					assertError(instance.readUntilOp(OpCode.ERROR.code()), code, message);
					assertThat(instance.isClosedByPeer()).isTrue();
					await().atMost(WAIT).until(() -> !fakeInstanceSide.losses.isEmpty());
					assertThat(link.isOpen()).isFalse();
					assertThat(fakeInstanceSide.losses).singleElement()
						.satisfies((loss) -> assertThat(loss.cause()).isEqualTo(LinkLossCause.PROTOCOL_VIOLATION));
				}
			}
			finally {
				client.close();
			}
		}
		assertManagerLinkStillWorks();
	}

	static Stream<Arguments> garbageOnAnAuthenticatedLink() {
		return Stream.of(
				Arguments.of("not JSON", frame("garbage, not JSON"), ErrorCode.PROTOCOL_VIOLATION,
						"frame body is not UTF-8 JSON"),
				Arguments.of("oversized length", header(0xFFFFFFFFL), ErrorCode.FRAME_TOO_LARGE,
						"frame of 4294967295 bytes exceeds the max frame size"),
				Arguments.of("unknown op", frame("{\"op\":42}"), ErrorCode.PROTOCOL_VIOLATION, "unknown op 42"),
				Arguments.of("REQUEST without event_id", frame("{\"op\":9,\"d\":{\"name\":\"eval\"}}"),
						ErrorCode.INVALID_PAYLOAD, "REQUEST must have 'event_id'"));
	}

	private void connectHealthyManager() {
		connectHealthyManager(IpcTestSupport.fastSettings());
	}

	private void connectHealthyManager(IpcSettings settings) {
		this.ipc = new IpcTestSupport(settings);
		this.ipc.instanceSide.requestHandlers.put("echo", CompletableFuture::completedFuture);
		this.ipc.managerSide.requestHandlers.put("echo", CompletableFuture::completedFuture);
		this.managerLink = this.ipc.connect();
		await().atMost(WAIT).until(() -> this.ipc.server.managerLink() != null);
		this.instanceLink = this.ipc.server.managerLink();
		assertThat(this.ipc.server.openConnections()).isEqualTo(1);
	}

	private RawPeer connectPeer() throws IOException {
		return new RawPeer(this.ipc.server.port());
	}

	/**
	 * The manager link is untouched: same link, heartbeats still flowing, requests answered
	 * both ways, no loss on either side, and no connection left behind.
	 */
	private void assertManagerLinkStillWorks() {
		await().atMost(WAIT).until(() -> this.ipc.server.openConnections() == 1);
		assertThat(this.ipc.server.managerLink()).isSameAs(this.instanceLink);
		long heardBefore = this.managerLink.lastHeartbeatEpochMillis();
		long ackedBefore = this.instanceLink.lastHeartbeatEpochMillis();
		await().atMost(WAIT).until(() -> this.managerLink.lastHeartbeatEpochMillis() > heardBefore
				&& this.instanceLink.lastHeartbeatEpochMillis() > ackedBefore);
		Payloads.Response toInstance = this.managerLink.request("echo", "still here", null, null).join();
		assertThat(toInstance.ok()).as("response %s", toInstance).isTrue();
		assertThat(toInstance.result().stringValue()).isEqualTo("still here");
		Payloads.Response toManager = this.instanceLink.request("echo", 42, null, null).join();
		assertThat(toManager.ok()).as("response %s", toManager).isTrue();
		assertThat(toManager.result().intValue()).isEqualTo(42);
		assertThat(this.managerLink.isOpen()).isTrue();
		assertThat(this.instanceLink.isOpen()).isTrue();
		assertThat(this.ipc.managerSide.losses).isEmpty();
		assertThat(this.ipc.instanceSide.losses).isEmpty();
		assertThat(this.ipc.instanceSide.hellos).hasSize(1);
	}

	private static void assertError(JsonNode packet, String code, String message) {
		assertThat(packet.get("op").intValue()).as("op of %s", packet).isEqualTo(OpCode.ERROR.code());
		assertThat(packet.get("d").get("code").stringValue()).as("code of %s", packet).isEqualTo(code);
		assertThat(packet.get("d").get("message").stringValue()).contains(message);
	}

	private void assertInvalidSession(RawPeer peer, String reason) throws IOException {
		JsonNode packet = peer.readPacket();
		assertThat(packet.get("op").intValue()).as("op of %s", packet).isEqualTo(OpCode.INVALID_SESSION.code());
		assertThat(packet.get("d").get("id").stringValue()).isEqualTo(this.ipc.instanceId);
		assertThat(packet.get("d").get("reason").stringValue()).isEqualTo(reason);
		assertThat(peer.isClosedByPeer()).isTrue();
	}

	private String helloJson(String managerId, String token) {
		return helloJson(this.ipc, managerId, token);
	}

	private static String helloJson(IpcTestSupport ipc, String managerId, String token) {
		return helloJson(managerId, token, ipc.settings.heartbeatInterval().toMillis());
	}

	private static String helloJson(String managerId, String token, long heartbeatInterval) {
		String eventId = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, IpcTestSupport.MANAGER_PID);
		return "{\"op\":2,\"d\":{\"id\":\"" + managerId + "\",\"event_id\":\"" + eventId + "\",\"token\":\"" + token
				+ "\",\"heartbeat_interval\":" + heartbeatInterval
				+ ",\"shards\":[0],\"total_shards\":1,\"instance\":0,\"v\":1}}";
	}

	private static byte[] header(long length) {
		return ByteBuffer.allocate(4).putInt((int) length).array();
	}

	private static byte[] concat(byte[] first, byte[] second) {
		return ByteBuffer.allocate(first.length + second.length).put(first).put(second).array();
	}

	private static byte[] frame(String json) {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
	}

}
