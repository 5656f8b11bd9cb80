package dev.discordoo.sharding.ipc;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.messaging.support.GenericMessage;

import dev.discordoo.sharding.ipc.FrameDeserializer.FramingViolation;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Packet;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.protocol.ProtocolViolationException;
import org.jspecify.annotations.Nullable;

/**
 * One TCP connection seen as packets: encodes and sends on the caller's thread, decodes
 * what the reader thread received, and owns the per-connection handler queue. A frame
 * that breaks the protocol is answered with ERROR and closes this connection only. Every
 * frame sent and every frame decoded is reported to the {@link IpcObserver} of the
 * resources: all traffic passes through here.
 */
final class PacketConnection {

	private static final Log logger = LogFactory.getLog(PacketConnection.class);

	private final TcpConnection connection;

	private final FrameCodec codec;

	private final int maxFrameSize;

	private final SerialExecutor inbound;

	private final IpcObserver observer;

	PacketConnection(TcpConnection connection, FrameCodec codec, IpcSettings settings, IpcResources resources) {
		this.connection = connection;
		this.codec = codec;
		this.maxFrameSize = settings.maxFrameSize();
		this.inbound = new SerialExecutor(resources.handlers(), settings.inboundQueueCapacity());
		this.observer = resources.observer();
	}

	String id() {
		return this.connection.getConnectionId();
	}

	String remote() {
		return this.connection.getHostAddress() + ":" + this.connection.getPort();
	}

	FrameCodec codec() {
		return this.codec;
	}

	SerialExecutor inbound() {
		return this.inbound;
	}

	boolean isOpen() {
		return this.connection.isOpen();
	}

	/**
	 * Encode and send a packet.
	 * @throws IllegalArgumentException if the encoded packet exceeds the max frame size
	 * @throws org.springframework.messaging.MessagingException if the connection failed (it
	 * is closed then)
	 */
	void send(OpCode op, @Nullable String t, @Nullable Object d) {
		send(op, t, d, Relay.NONE);
	}

	/** Encode and send a packet with relay fields. */
	void send(OpCode op, @Nullable String t, @Nullable Object d, Relay relay) {
		byte[] body = this.codec.encode(op, t, d, relay.targets(), relay.from());
		if (body.length > this.maxFrameSize) {
			throw new IllegalArgumentException(op + ((t != null) ? " " + t : "") + " packet of " + body.length
					+ " bytes exceeds the max frame size of " + this.maxFrameSize + " bytes");
		}
		this.connection.send(new GenericMessage<>(body));
		try {
			this.observer.onFrameSent(op);
		}
		catch (RuntimeException ex) {
			// the frame is on the wire: a faulty observer must not turn that into a failed send
			logger.debug("IPC observer failed on a sent " + op, ex);
		}
	}

	/** Send, reporting a failure to the log only: for answers whose loss the peer will notice. */
	boolean trySend(OpCode op, @Nullable String t, @Nullable Object d) {
		try {
			send(op, t, d);
			return true;
		}
		catch (RuntimeException ex) {
			logger.debug("Could not send " + op + " on IPC connection " + id(), ex);
			return false;
		}
	}

	/**
	 * Turn what the reader produced into a packet. A violation is left to the caller to
	 * answer: on an authenticated connection the link must learn of it before the close, or
	 * the close would be reported as the peer's.
	 * @throws ProtocolViolationException if the frame breaks the framing or envelope rules
	 */
	Packet decode(Object payload) {
		if (payload instanceof FramingViolation violation) {
			throw new ProtocolViolationException(ErrorCode.FRAME_TOO_LARGE, violation.message());
		}
		Packet packet = this.codec.decode((byte[]) payload);
		try {
			this.observer.onFrameReceived(packet.op());
		}
		catch (RuntimeException ex) {
			// a faulty observer must not look like a protocol violation of the peer
			logger.debug("IPC observer failed on a received " + packet.op(), ex);
		}
		return packet;
	}

	/** Answer ERROR with a reason, then close this connection only. */
	void reject(String code, String message) {
		logger.warn("Closing IPC connection " + id() + " from " + remote() + ": " + code + ": " + message);
		trySend(OpCode.ERROR, null, new Payloads.Error(null, code, message));
		close();
	}

	void close() {
		this.connection.close();
	}

}
