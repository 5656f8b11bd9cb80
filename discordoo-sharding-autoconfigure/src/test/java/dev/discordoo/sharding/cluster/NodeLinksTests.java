package dev.discordoo.sharding.cluster;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;

import static org.assertj.core.api.Assertions.assertThat;
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
		return new NodeLinks("bot", secret, "127.0.0.1", 0, this.settings, this.resources, this.codec);
	}

	private static NodeRecord record(String name, NodeLinks links, int port) {
		return new NodeRecord(name, 10, "127.0.0.1", 1, false, "127.0.0.1", port, links.linkId());
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
	void unreachableNodeAnswersNotConnectedWithinTheTimeout() {
		this.a = links("s3cret");
		this.b = links("s3cret");
		this.a.start();
		int port = this.b.start();
		this.b.close();
		List<InstanceResult<JsonNode>> results = this.a
			.request(record("b", this.b, port), "ping", null, List.of(0, 1), Duration.ofMillis(500))
			.join();
		assertThat(results).extracting((result) -> result.error().code())
			.containsExactly(ErrorCode.NOT_CONNECTED, ErrorCode.NOT_CONNECTED);
	}

	@Test
	void garbageClosesOnlyThatConnection() throws Exception {
		this.a = links("s3cret");
		this.b = links("s3cret");
		this.a.start();
		int port = this.b.start();
		NodeRecord peer = record("b", this.b, port);
		assertThat(this.a.request(peer, "ping", null, List.of(0), Duration.ofSeconds(5)).join()).hasSize(1);
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
		assertThat(this.b.openConnections()).isEqualTo(1);
	}

}
