package dev.discordoo.sharding.ipc;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link IpcServer#start()} returns once the server listens, told so by its connection
 * factory, and fails with the cause when it cannot listen.
 */
class IpcServerStartTests {

	private final IpcResources resources = new IpcResources("start");

	private final IpcServer.Credentials credentials = new IpcServer.Credentials(
			DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, IpcTestSupport.MANAGER_PID),
			DiscordooSnowflake.generate(0, IpcTestSupport.MANAGER_PID), "start-test-token", 1);

	@AfterEach
	void close() {
		this.resources.close();
	}

	@Test
	void startReturnsTheBoundPortOnceTheServerListens() throws IOException {
		try (IpcServer server = server(0)) {
			int port = server.start();
			assertThat(port).isPositive().isEqualTo(server.port());
			// listening already: a connection at once is accepted and held to the handshake
			try (RawPeer peer = new RawPeer(port)) {
				assertThat(peer.readPacket().get("d").get("code").stringValue()).isEqualTo(ErrorCode.HANDSHAKE_TIMEOUT);
			}
		}
	}

	@Test
	void aPortInUseFailsTheStartWithTheReason() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
				IpcServer server = server(taken.getLocalPort())) {
			assertThatIllegalStateException().isThrownBy(server::start)
				.withMessageContaining("could not listen on 127.0.0.1:" + taken.getLocalPort())
				.withCauseInstanceOf(BindException.class);
		}
	}

	private IpcServer server(int port) {
		return new IpcServer("127.0.0.1", port, this.credentials, IpcTestSupport.fastSettings(), this.resources,
				new FrameCodec(), new IpcTestSupport.RecordingListener());
	}

}
