package dev.discordoo.sharding.ipc;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.OpCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connections that wait for HELLO: a local process that holds every slot cannot keep
 * the manager out, and a flood of refused connections does not flood the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class IpcPendingConnectionsTests {

	/** Silent connections are not timed out during the test: only eviction can free a slot. */
	private final IpcTestSupport ipc = new IpcTestSupport(IpcTestSupport.fastSettings()
		.withHandshake(Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofSeconds(60)));

	private final List<RawPeer> squatters = new ArrayList<>();

	@AfterEach
	void close() throws IOException {
		for (RawPeer squatter : this.squatters) {
			squatter.close();
		}
		this.ipc.close();
	}

	@Test
	void theManagerGetsInWhileEveryPendingSlotIsHeldByASilentConnection() throws Exception {
		int limit = this.ipc.settings.maxPendingConnections();
		for (int i = 0; i < limit; i++) {
			this.squatters.add(new RawPeer(this.ipc.server.port()));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.ipc.server.openConnections() == limit);
		// within the spawn timeout (3 s), long before any squatter's handshake timeout (60 s)
		IpcLink link = this.ipc.connect(this.ipc.managerId, this.ipc.token).get(10, TimeUnit.SECONDS);
		assertThat(link.isOpen()).isTrue();
		// the one that waited longest made room
		JsonNode refusal = this.squatters.get(0).readPacket();
		assertThat(refusal.get("op").intValue()).isEqualTo(OpCode.ERROR.code());
		assertThat(refusal.get("d").get("code").stringValue()).isEqualTo(ErrorCode.TOO_MANY_CONNECTIONS);
		assertThat(this.squatters.get(0).isClosedByPeer()).isTrue();
	}

	@Test
	void aFloodOfRefusedConnectionsLogsFewWarnings(CapturedOutput output) throws Exception {
		long start = System.nanoTime();
		int count = 60;
		for (int i = 0; i < count; i++) {
			try (RawPeer peer = new RawPeer(this.ipc.server.port())) {
				peer.sendJson("not json");
				assertThat(peer.readPacket().get("d").get("code").stringValue())
					.isEqualTo(ErrorCode.PROTOCOL_VIOLATION);
			}
		}
		long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
		long warnings = output.getOut()
			.lines()
			.filter((line) -> line.contains(" WARN ") && line.contains("Closing IPC connection"))
			.count();
		// one a second at most (the first, then one per second that passed)
		assertThat(warnings).isPositive().isLessThanOrEqualTo(seconds + 1).isLessThan(count);
	}

}
