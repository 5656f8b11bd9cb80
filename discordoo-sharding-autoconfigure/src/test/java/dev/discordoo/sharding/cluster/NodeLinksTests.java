package dev.discordoo.sharding.cluster;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Packet;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Node links between two nodes in one JVM, over loopback: the handshake's secret proof, a
 * request crossing a link, and refusals that close only the offending connection.
 */
class NodeLinksTests {

	private final IpcResources resources = new IpcResources("node-links-test");

	private final FrameCodec codec = new FrameCodec();

	private final IpcSettings settings = IpcSettings.defaults()
		.withHandshake(Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofSeconds(2));

	private NodeLinks a;

	private NodeLinks b;

	@AfterEach
	void close() {
		if (this.a != null) {
			this.a.close();
		}
		if (this.b != null) {
			this.b.close();
		}
		this.resources.close();
	}

	private NodeLinks links(String secret) {
		return new NodeLinks("bot", secret, null, "127.0.0.1", 0, this.settings, this.resources, this.codec);
	}

	private static NodeRecord record(String name, NodeLinks links, int port) {
		return new NodeRecord(name, 10, "127.0.0.1", 1, false, "127.0.0.1", port, links.linkId(), links.overTls());
	}

	@Test
	void requestCrossesTheLinkAndAnswersOneEntryPerTarget() {
		this.a = links("s3cret");
		this.b = links("s3cret");
		this.a.start();
		int port = this.b.start();
		// b has no local manager yet: its answer, one entry per target, still comes over the link
		List<InstanceResult<JsonNode>> results = this.a
			.request(record("b", this.b, port), "ping", null, List.of(2, 5), Duration.ofSeconds(5))
			.join();
		assertThat(results).extracting(InstanceResult::instance).containsExactly(2, 5);
		assertThat(results).allSatisfy((result) -> {
			assertThat(result.ok()).isFalse();
			assertThat(result.error().code()).isEqualTo(ErrorCode.NOT_CONNECTED);
			assertThat(result.error().message()).contains("not started yet");
		});
	}

	@Test
	void wrongSecretIsRefusedAndItsTargetsAnswerNotConnected() {
		this.a = links("wrong-secret-value");
		this.b = links("s3cret");
		this.a.start();
		int port = this.b.start();
		List<InstanceResult<JsonNode>> results = this.a
			.request(record("b", this.b, port), "ping", null, List.of(1), Duration.ofSeconds(5))
			.join();
		assertThat(results).singleElement().satisfies((result) -> {
			assertThat(result.error().code()).isEqualTo(ErrorCode.NOT_CONNECTED);
			assertThat(result.error().message()).contains("node link proof is invalid")
				.doesNotContain("wrong-secret-value")
				.doesNotContain("s3cret");
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.openConnections() == 0);
	}

	@Test
	void aNodeThatIsGoneAnswersNotConnectedAtOnceNotAtTheTimeout() {
		this.a = links("s3cret");
		this.b = links("s3cret");
		this.a.start();
		int port = this.b.start();
		this.b.close();
		// its record still names the port (its session has not expired yet): the refused
		// connection ends the attempt, well before this request's long timeout
		List<InstanceResult<JsonNode>> results = this.a
			.request(record("b", this.b, port), "ping", null, List.of(0, 1), Duration.ofMinutes(5))
			.join();
		assertThat(results).allSatisfy((result) -> {
			assertThat(result.error().code()).isEqualTo(ErrorCode.NOT_CONNECTED);
			assertThat(result.error().message()).contains("cannot connect to 127.0.0.1:" + port);
		});
	}

	/** Nodes a and b with the same secret, a's link to b opened by a first request. */
	private NodeRecord linkedPair() {
		this.a = links("s3cret");
		this.b = links("s3cret");
		this.a.start();
		NodeRecord peer = record("b", this.b, this.b.start());
		assertThat(this.a.request(peer, "ping", null, List.of(0), Duration.ofSeconds(5)).join()).hasSize(1);
		return peer;
	}

	@Test
	void aRestartIsTheOtherNodesToDoAndFailsSayingWhyWhenItCannot() {
		NodeRecord peer = linkedPair();
		// b has no local manager yet: it refuses, and the refusal comes back over the link
		assertThatExceptionOfType(CompletionException.class)
			.isThrownBy(() -> this.a.restart(peer, 3, Duration.ofSeconds(5)).join())
			.withMessageContaining("node b did not restart instance 3")
			.withMessageContaining("not started yet");
		this.b.close();
		assertThatExceptionOfType(CompletionException.class)
			.isThrownBy(() -> this.a.restart(peer, 3, Duration.ofSeconds(5)).join());
	}

	@Test
	void garbageClosesOnlyThatConnection() throws Exception {
		NodeRecord peer = linkedPair();
		int port = peer.linkPort();
		try (Socket socket = new Socket("127.0.0.1", port)) {
			OutputStream out = socket.getOutputStream();
			byte[] body = "not json".getBytes(StandardCharsets.UTF_8);
			out.write(new byte[] { 0, 0, 0, (byte) body.length });
			out.write(body);
			out.flush();
			DataInputStream in = new DataInputStream(socket.getInputStream());
			byte[] answer = new byte[in.readInt()];
			in.readFully(answer);
			assertThat(new String(answer, StandardCharsets.UTF_8)).contains(ErrorCode.PROTOCOL_VIOLATION);
			assertThat(in.read()).isEqualTo(-1);
		}
		// the established link is untouched: the next request crosses it again
		List<InstanceResult<JsonNode>> again = this.a.request(peer, "ping", null, List.of(3), Duration.ofSeconds(5))
			.join();
		assertThat(again).singleElement().satisfies((result) -> assertThat(result.error().message())
			.contains("not started yet"));
		// the garbage connection is gone once the server has noticed its close; a's stays
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.openConnections() == 1);
	}

	@Test
	void aCapturedHelloSentAgainIsRefusedAndTheNodesOwnLinkKeepsWorking() throws Exception {
		NodeRecord peer = linkedPair();
		int port = peer.linkPort();
		// a HELLO as node a makes them, as an eavesdropper on plain TCP would capture it
		String eventId = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, 7);
		byte[] captured = helloFrame(eventId);
		try (Socket first = new Socket("127.0.0.1", port)) {
			assertThat(exchange(first, captured).op()).isEqualTo(OpCode.IDENTIFY);
		}
		try (Socket replay = new Socket("127.0.0.1", port)) {
			Packet answer = exchange(replay, captured);
			assertThat(answer.op()).isEqualTo(OpCode.INVALID_SESSION);
			assertThat(answer.d().get("reason").asString()).contains("accepted before");
			assertThat(replay.getInputStream().read()).isEqualTo(-1);
		}
		// a valid proof over an old event id, never seen here: too old to tell from a replay
		String old = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, 7,
				System.currentTimeMillis() - HelloReplayGuard.WINDOW.toMillis() - 60_000);
		try (Socket stale = new Socket("127.0.0.1", port)) {
			Packet answer = exchange(stale, helloFrame(old));
			assertThat(answer.op()).isEqualTo(OpCode.INVALID_SESSION);
			assertThat(answer.d().get("reason").asString()).contains("s old");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.openConnections() == 1);
		assertThat(this.a.request(peer, "ping", null, List.of(1), Duration.ofSeconds(5)).join()).singleElement()
			.satisfies((result) -> assertThat(result.error().message()).contains("not started yet"));
	}

	private byte[] helloFrame(String eventId) {
		return this.codec.encode(OpCode.HELLO, null, new Payloads.Hello(this.a.linkId(), eventId,
				this.a.proof(this.a.linkId(), eventId), 5000, List.of(), 0, -1, Payloads.VERSION));
	}

	/** Write one frame and read the first frame answered. */
	private Packet exchange(Socket socket, byte[] body) throws Exception {
		socket.setSoTimeout(5000);
		DataOutputStream out = new DataOutputStream(socket.getOutputStream());
		out.writeInt(body.length);
		out.write(body);
		out.flush();
		DataInputStream in = new DataInputStream(socket.getInputStream());
		byte[] answer = new byte[in.readInt()];
		in.readFully(answer);
		return this.codec.decode(answer);
	}

}
