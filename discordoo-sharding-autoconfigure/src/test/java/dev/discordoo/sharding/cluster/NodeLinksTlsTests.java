package dev.discordoo.sharding.cluster;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.ipc.IpcTls;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Payloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Node links over TLS with mutual authentication, between nodes in one JVM on loopback, with
 * the test certificates of {@link LinkCertificates}: links open with the bundle alone, and a peer that does not
 * speak TLS, presents no trusted certificate or names another host is refused, each time
 * closing only its own connection.
 */
class NodeLinksTlsTests {

	private final IpcResources resources = new IpcResources("node-links-tls-test");

	private final FrameCodec codec = new FrameCodec();

	private final IpcSettings settings = IpcSettings.defaults()
		.withHandshake(Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofSeconds(2));

	private NodeLinks a;

	private NodeLinks b;

	private NodeLinks other;

	@AfterEach
	void close() {
		for (NodeLinks links : new NodeLinks[] { this.a, this.b, this.other }) {
			if (links != null) {
				links.close();
			}
		}
		this.resources.close();
	}

	private NodeLinks links(@Nullable String secret, @Nullable IpcTls tls) {
		return new NodeLinks("bot", secret, tls, "127.0.0.1", 0, this.settings, this.resources, this.codec);
	}

	private static NodeRecord record(String name, NodeLinks links, int port) {
		return new NodeRecord(name, 10, "127.0.0.1", 1, false, "127.0.0.1", port, links.linkId(), links.overTls());
	}

	private List<InstanceResult<JsonNode>> ping(NodeLinks from, NodeRecord to, int... indices) {
		return from.request(to, "ping", null, java.util.Arrays.stream(indices).boxed().toList(), Duration.ofSeconds(5))
			.join();
	}

	/** b's answer while it has no local manager: proof that the request crossed the link. */
	private static void assertCrossed(List<InstanceResult<JsonNode>> results) {
		assertThat(results).isNotEmpty().allSatisfy((result) -> assertThat(result.error().message())
			.contains("not started yet"));
	}

	private static void assertRefused(List<InstanceResult<JsonNode>> results) {
		assertThat(results).isNotEmpty().allSatisfy((result) -> {
			assertThat(result.error().code()).isEqualTo(ErrorCode.NOT_CONNECTED);
			assertThat(result.error().message()).contains("cannot be reached");
		});
	}

	@Test
	void mutualTlsLinksNodesWithoutASecretAndRefusesPlainTcpOnItsPort() throws Exception {
		this.a = links(null, LinkCertificates.tls("node-a", "cluster", true));
		this.b = links(null, LinkCertificates.tls("node-b", "cluster", true));
		this.a.start();
		int port = this.b.start();
		NodeRecord peer = record("b", this.b, port);
		assertCrossed(ping(this.a, peer, 2, 5));
		// a plain HELLO on the TLS port: no TLS handshake, so the connection is dropped
		// unread; nothing of the protocol is answered in the clear
		try (Socket plain = new Socket("127.0.0.1", port)) {
			plain.setSoTimeout(5000);
			byte[] body = this.codec.encode(OpCode.HELLO, null, new Payloads.Hello(this.a.linkId(), "1", "", 5000,
					List.of(), 0, -1, Payloads.VERSION));
			OutputStream out = plain.getOutputStream();
			out.write(new byte[] { 0, 0, (byte) (body.length >> 8), (byte) body.length });
			out.write(body);
			out.flush();
			InputStream in = plain.getInputStream();
			byte[] answer = in.readNBytes(4096);
			assertThat(new String(answer, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("\"op\"");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.openConnections() == 1);
		assertCrossed(ping(this.a, peer, 3));
	}

	@Test
	void aNodeWhoseCertificateIsNotTrustedIsRefusedAndTheTrustedLinkKeepsWorking() {
		this.a = links(null, LinkCertificates.tls("node-a", "cluster", true));
		this.b = links(null, LinkCertificates.tls("node-b", "cluster", true));
		// the stranger trusts b, but b does not trust the stranger
		this.other = links(null, LinkCertificates.tls("stranger", "stranger", true));
		this.a.start();
		this.other.start();
		int port = this.b.start();
		NodeRecord peer = record("b", this.b, port);
		assertCrossed(ping(this.a, peer, 1));
		assertRefused(ping(this.other, peer, 1));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.openConnections() == 1);
		assertCrossed(ping(this.a, peer, 4));
	}

	@Test
	void aPlainNodeCannotLinkToATlsNodeEvenWithTheRightSecret() {
		this.a = links("s3cret", null);
		this.b = links("s3cret", LinkCertificates.tls("node-b", "cluster", true));
		this.a.start();
		int port = this.b.start();
		// b's record says its links are TLS: a says at once why it cannot link
		assertThat(ping(this.a, record("b", this.b, port), 0)).singleElement()
			.satisfies((result) -> assertThat(result.error().message())
				.contains("its links are TLS and this node's are not"));
		// a record that claims plain links (stale, or forged) gets no further: b speaks TLS only
		NodeRecord claimingPlain = new NodeRecord("b", 10, "127.0.0.1", 1, false, "127.0.0.1", port, this.b.linkId(),
				false);
		assertRefused(ping(this.a, claimingPlain, 0));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.b.openConnections() == 0);
	}

	@Test
	void aCertificateThatDoesNotNameTheHostIsRefusedUnlessHostNameVerificationIsOff() {
		this.b = links(null, LinkCertificates.tls("node-elsewhere", "cluster", true));
		int port = this.b.start();
		NodeRecord peer = record("b", this.b, port);
		this.a = links(null, LinkCertificates.tls("node-a", "cluster", true));
		this.a.start();
		assertRefused(ping(this.a, peer, 0));
		this.other = links(null, LinkCertificates.tls("node-a", "cluster", false));
		this.other.start();
		assertCrossed(ping(this.other, peer, 0));
	}

	@Test
	void withTlsAndASecretBothMustMatch() {
		this.a = links("wrong-secret-value", LinkCertificates.tls("node-a", "cluster", true));
		this.b = links("s3cret", LinkCertificates.tls("node-b", "cluster", true));
		this.other = links("s3cret", LinkCertificates.tls("node-a", "cluster", true));
		this.a.start();
		this.other.start();
		int port = this.b.start();
		NodeRecord peer = record("b", this.b, port);
		assertThat(ping(this.a, peer, 0)).singleElement()
			.satisfies((result) -> assertThat(result.error().message()).contains("node link proof is invalid"));
		assertCrossed(ping(this.other, peer, 0));
	}

}
