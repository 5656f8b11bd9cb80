package dev.discordoo.sharding.ipc;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.support.GenericMessage;

import dev.discordoo.sharding.ipc.FrameMessageMapper.ConnectionIdHeader;
import dev.discordoo.sharding.ipc.FrameWriter.FrameBatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The outbound adapter on a client factory writes to the connection a message names and
 * never opens another: a frame for a closed connection fails instead of reaching the peer on
 * a new, unauthenticated one.
 */
class ConnectionSendingHandlerTests {

	private final IpcResources resources = new IpcResources("sending-handler-test");

	private ServerSocket peer;

	private TcpNetClientConnectionFactory factory;

	@AfterEach
	void close() throws IOException {
		if (this.factory != null) {
			this.factory.stop();
		}
		if (this.peer != null) {
			this.peer.close();
		}
		this.resources.close();
	}

	@Test
	void writesToTheNamedConnectionAndNeverReconnects() throws Exception {
		this.peer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.factory = new TcpNetClientConnectionFactory("127.0.0.1", this.peer.getLocalPort());
		FrameLengthHeaderSerializer framing = new FrameLengthHeaderSerializer(1024);
		this.factory.setDeserializer(framing);
		this.factory.setSerializer(new FrameBatchSerializer(framing));
		this.resources.configure(this.factory);
		MessageChannel outbound = this.resources.sendTo("test", this.factory);
		this.resources.receiveFrom("test", this.factory, (connectionId, frame) -> {
		}).start();
		TcpConnection connection = this.factory.getConnection();
		try (Socket accepted = this.peer.accept()) {
			outbound.send(batch(connection, "{}"));
			DataInputStream in = new DataInputStream(accepted.getInputStream());
			assertThat(in.readInt()).isEqualTo(2);
			assertThat(in.readShort()).isEqualTo((short) (('{' << 8) | '}'));
			connection.close();
			await().atMost(Duration.ofSeconds(5)).until(() -> !connection.isOpen());
			assertThatExceptionOfType(MessagingException.class).isThrownBy(() -> outbound.send(batch(connection, "{}")))
				.withMessageContaining("is closed");
		}
		this.peer.setSoTimeout(200);
		assertThatExceptionOfType(SocketTimeoutException.class).as("no second connection")
			.isThrownBy(() -> this.peer.accept().close());
	}

	private static GenericMessage<FrameBatch> batch(TcpConnection connection, String body) {
		return new GenericMessage<>(new FrameBatch(List.of(body.getBytes())),
				new ConnectionIdHeader(connection.getConnectionId()));
	}

}
