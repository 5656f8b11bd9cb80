package dev.discordoo.sharding.ipc;

import java.util.Map;

import org.springframework.integration.ip.IpHeaders;
import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpMessageMapper;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import dev.discordoo.sharding.ipc.FrameLengthHeaderSerializer.FramingViolation;
import org.jspecify.annotations.Nullable;

/**
 * Turns each frame a connection reads into a {@link ReceivedFrame}: the frame and the id of
 * its connection, which is all the IPC listeners use. Spring Integration's own mapper builds
 * full message headers for every frame (a random id, a timestamp, host, address and port in
 * a fresh map): on the reader thread, that costs about as much as decoding the frame.
 * Headers are still there for anyone who asks (Spring Integration's inbound adapter asks for
 * the connection id), built on first use and holding the connection id only. (An option of
 * {@link TcpMessageMapper} to leave out the standard headers would replace this class.)
 * A length header that the {@link FrameLengthHeaderSerializer} refuses is read as a frame
 * too, with its {@link FramingViolation} as the payload: an exception would close the
 * connection before anyone could answer it.
 */
final class FrameMessageMapper extends TcpMessageMapper {

	@Override
	public @Nullable Message<?> toMessage(TcpConnection connection, @Nullable Map<String, Object> headers) {
		Object payload;
		try {
			payload = connection.getPayload();
		}
		catch (RuntimeException ex) {
			FramingViolation violation = FramingViolation.of(ex);
			if (violation == null) {
				throw ex;
			}
			// a frame of its own, so that the listener answers it before the connection closes
			payload = violation;
		}
		return (payload != null) ? new ReceivedFrame(payload, connection.getConnectionId()) : null;
	}

	/** A frame as read, with the id of the connection that read it. */
	static final class ReceivedFrame implements Message<Object> {

		private final Object payload;

		private final String connectionId;

		private volatile @Nullable MessageHeaders headers;

		ReceivedFrame(Object payload, String connectionId) {
			this.payload = payload;
			this.connectionId = connectionId;
		}

		String connectionId() {
			return this.connectionId;
		}

		@Override
		public Object getPayload() {
			return this.payload;
		}

		@Override
		public MessageHeaders getHeaders() {
			MessageHeaders current = this.headers;
			if (current == null) {
				current = new ConnectionIdHeader(this.connectionId);
				this.headers = current;
			}
			return current;
		}

	}

	/**
	 * The connection id alone, without the random id and the timestamp that message headers
	 * otherwise get: Spring Integration's inbound adapter asks every frame for it, and its
	 * outbound adapter looks up the connection to write to by it.
	 */
	static final class ConnectionIdHeader extends MessageHeaders {

		ConnectionIdHeader(String connectionId) {
			super(Map.of(IpHeaders.CONNECTION_ID, connectionId), ID_VALUE_NONE, -1L);
		}

	}

}
