package dev.discordoo.sharding.ipc;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.messaging.MessageChannel;

import dev.discordoo.sharding.ipc.FrameLengthHeaderSerializer.FramingViolation;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Packet;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.protocol.ProtocolViolationException;
import org.jspecify.annotations.Nullable;

/**
 * One TCP connection seen as packets: encodes on the caller's thread and hands the frame to
 * the connection's {@link FrameWriter}, decodes what the reader thread received, and owns
 * the per-connection handler queue. A frame that breaks the protocol is answered with ERROR
 * and closes this connection only. Every frame sent and every frame decoded is reported to
 * the {@link IpcObserver} of the resources: all traffic passes through here.
 */
final class PacketConnection {

	private static final Log logger = LogFactory.getLog(PacketConnection.class);

	private final TcpConnection connection;

	private final FrameCodec codec;

	private final int maxFrameSize;

	private final SerialExecutor inbound;

	private final FrameWriter outbound;

	private final IpcObserver observer;

	PacketConnection(TcpConnection connection, MessageChannel outboundAdapter, FrameCodec codec, IpcSettings settings,
			IpcResources resources) {
		this.connection = connection;
		this.codec = codec;
		this.maxFrameSize = settings.maxFrameSize();
		this.inbound = new SerialExecutor(resources.handlers(), settings.inboundQueueCapacity(),
				settings.inboundQueueBytes());
		this.outbound = new FrameWriter(connection, outboundAdapter, settings.outboundQueueBytes(), resources);
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
	 * Return whether this side closes the connection (after a refusal, say): it may still be
	 * open while its last frames are written, but what it reads now is not to be acted on.
	 * @return whether it is closing or closed
	 */
	boolean isClosing() {
		return this.outbound.isClosing();
	}

	/**
	 * Encode and send a packet. Waits while the connection's outbound queue is over its
	 * byte budget, except on the reader thread of another connection, which only queues.
	 * @throws IllegalArgumentException if the encoded packet exceeds the max frame size
	 * @throws IllegalStateException if the connection is closed
	 * @throws org.springframework.messaging.MessagingException if the connection failed (it
	 * is closed then)
	 */
	void send(OpCode op, @Nullable String t, @Nullable Object d) {
		send(op, t, d, Relay.NONE);
	}

	/** Encode and send a packet with relay fields. */
	void send(OpCode op, @Nullable String t, @Nullable Object d, Relay relay) {
		this.outbound.send(op, encode(op, t, d, relay));
	}

	/**
	 * Encode and queue a relayed packet without waiting: a slow or frozen peer must not hold
	 * up the thread that relays to it.
	 * @return whether it was queued; {@code false} when the outbound queue is over its budget
	 * or the connection is closed
	 * @throws IllegalArgumentException if the encoded packet exceeds the max frame size
	 */
	boolean offerRelay(OpCode op, @Nullable String t, @Nullable Object d, Relay relay) {
		return this.outbound.offer(op, encode(op, t, d, relay), true);
	}

	/**
	 * Queue a packet the protocol owes the peer (an ack, an answer) without ever waiting, for
	 * the reader and timer threads; a writer thread writes it.
	 * @return whether it was queued
	 */
	boolean offer(OpCode op, @Nullable Object d) {
		try {
			return this.outbound.offer(op, encode(op, null, d, Relay.NONE), false);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not send " + op + " on IPC connection " + id(), ex);
			return false;
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
	 * Return how many bytes wait to be written to this connection.
	 * @return the bytes
	 */
	long queuedBytes() {
		return this.outbound.queuedBytes();
	}

	private byte[] encode(OpCode op, @Nullable String t, @Nullable Object d, Relay relay) {
		byte[] body = this.codec.encode(op, t, d, relay.targets(), relay.from());
		if (body.length > this.maxFrameSize) {
			throw new IllegalArgumentException(op + ((t != null) ? " " + t : "") + " packet of " + body.length
					+ " bytes exceeds the max frame size of " + this.maxFrameSize + " bytes");
		}
		return body;
	}

	/**
	 * Turn what the reader produced into a packet. A violation is left to the caller to
	 * answer: on an authenticated connection the link must learn of it before the close, or
	 * the close would be reported as the peer's.
	 * @throws ProtocolViolationException if the frame breaks the framing or envelope rules
	 */
	Packet decode(Object payload) {
		// on the reader thread of this connection: answers to this peer may be written at once
		IpcResources.reading(this.outbound);
		if (payload instanceof FramingViolation violation) {
			throw new ProtocolViolationException(ErrorCode.FRAME_TOO_LARGE, violation.reason());
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
		logger.warn(rejection(code, message));
		rejectQuietly(code, message);
	}

	/** Answer ERROR with a reason and close, leaving the log line to the caller. */
	void rejectQuietly(String code, String message) {
		// queued, never written here: the reader and the timer call this, and the peer may not read
		offer(OpCode.ERROR, new Payloads.Error(null, code, message));
		close();
	}

	/** The log line of a rejection. */
	String rejection(String code, String message) {
		return "Closing IPC connection " + id() + " from " + remote() + ": " + code + ": " + message;
	}

	/** Close once what is queued is written (for at most a few seconds), so that a last ERROR arrives. */
	void close() {
		this.outbound.close();
	}

}
