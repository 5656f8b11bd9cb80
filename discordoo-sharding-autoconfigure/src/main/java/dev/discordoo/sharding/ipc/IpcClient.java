package dev.discordoo.sharding.ipc;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpSender;
import org.springframework.integration.ip.tcp.inbound.TcpReceivingChannelAdapter;
import org.springframework.messaging.MessageChannel;

import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Packet;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.protocol.ProtocolViolationException;
import org.jspecify.annotations.Nullable;

/**
 * The manager's IPC client for one instance. Connects to the instance's server and sends
 * HELLO every hello interval until the instance answers IDENTIFY, then hands over the
 * {@link IpcLink}. Gives up after the spawn timeout.
 *
 * <p>The handshake is the client's, not a connection's: one attempt may connect several
 * times (an instance not listening yet, a connection lost before IDENTIFY) under one spawn
 * deadline and one HELLO, so its state cannot live in a Spring Integration connection
 * interceptor, which lives and dies with one connection.
 */
public final class IpcClient implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(IpcClient.class);

	private enum HandshakeState {

		/** Sending HELLO (connecting first when there is no connection) until answered. */
		HANDSHAKING,

		/** IDENTIFY arrived: the link is up. */
		LINKED,

		/** Refused, timed out or closed: nothing more will happen. */
		FAILED

	}

	private final String host;

	private final int port;

	private final IpcSettings settings;

	private final IpcResources resources;

	private final FrameCodec codec;

	private final @Nullable IpcTls tls;

	/** Whether a refused connection ends the handshake: see {@link #forPeer}. */
	private final boolean peerListens;

	private final CompletableFuture<IpcLink> linked = new CompletableFuture<>();

	private final AtomicBoolean helloInFlight = new AtomicBoolean();

	private volatile HandshakeState state = HandshakeState.HANDSHAKING;

	// set by connect(), before anything reads them
	@SuppressWarnings("NullAway.Init")
	private TcpNetClientConnectionFactory factory;

	/** Spring Integration's outbound adapter on the factory: where every connection's frames are sent. */
	@SuppressWarnings("NullAway.Init")
	private MessageChannel outbound;

	/** Reads the factory's connections; starts and stops the factory. */
	@SuppressWarnings("NullAway.Init")
	private TcpReceivingChannelAdapter receiver;

	private volatile @Nullable PacketConnection connection;

	private volatile @Nullable IpcLink link;

	@SuppressWarnings("NullAway.Init")
	private Payloads.Hello hello;

	@SuppressWarnings("NullAway.Init")
	private String expectedInstanceId;

	@SuppressWarnings("NullAway.Init")
	private IpcLinkHandler handler;

	@SuppressWarnings("NullAway.Init")
	private ScheduledFuture<?> helloTask;

	private @Nullable ScheduledFuture<?> deadline;

	/**
	 * Create a client for one instance's server.
	 * @param host the instance's address
	 * @param port the instance's port
	 * @param settings limits and timings
	 * @param resources the threads to use
	 * @param codec the frame codec
	 */
	public IpcClient(String host, int port, IpcSettings settings, IpcResources resources, FrameCodec codec) {
		this(host, port, null, false, settings, resources, codec);
	}

	private IpcClient(String host, int port, @Nullable IpcTls tls, boolean peerListens, IpcSettings settings,
			IpcResources resources, FrameCodec codec) {
		this.host = host;
		this.tls = tls;
		this.peerListens = peerListens;
		this.port = port;
		this.settings = settings;
		this.resources = resources;
		this.codec = codec;
	}

	/**
	 * Create a client for a peer that published its address only once it listened, such as
	 * another cluster node: a connection it refuses fails the handshake at once, since such a
	 * peer is gone rather than still starting (an instance's client keeps trying until the
	 * spawn timeout).
	 * @param host the peer's address
	 * @param port the peer's port
	 * @param tls TLS to connect with, {@code null} for plain TCP
	 * @param settings limits and timings
	 * @param resources the threads to use
	 * @param codec the frame codec
	 * @return the client
	 */
	public static IpcClient forPeer(String host, int port, @Nullable IpcTls tls, IpcSettings settings,
			IpcResources resources, FrameCodec codec) {
		return new IpcClient(host, port, tls, true, settings, resources, codec);
	}

	/**
	 * Start the handshake. The future completes with the link once a valid IDENTIFY arrives,
	 * or fails with a {@link HandshakeException} after an INVALID_SESSION, an IDENTIFY from
	 * another instance, or the spawn timeout.
	 * @param hello the HELLO to send (resent unchanged until answered)
	 * @param expectedInstanceId the snowflake the instance was spawned with
	 * @param handler receives what arrives on the link
	 * @return the link, when the handshake completes
	 */
	public synchronized CompletableFuture<IpcLink> connect(Payloads.Hello hello, String expectedInstanceId,
			IpcLinkHandler handler) {
		if (this.factory != null) {
			throw new IllegalStateException("connect may be called once");
		}
		this.hello = hello;
		this.expectedInstanceId = expectedInstanceId;
		this.handler = handler;
		TcpNetClientConnectionFactory client = new TcpNetClientConnectionFactory(this.host, this.port);
		client.setSoTcpNoDelay(true);
		client.setTcpNetConnectionSupport(new BufferedConnectionSupport());
		client.setConnectTimeout((int) Math.max(1, this.settings.spawnTimeout().toSeconds()));
		FrameLengthHeaderSerializer framing = new FrameLengthHeaderSerializer(this.settings.maxFrameSize());
		client.setDeserializer(framing);
		client.setSerializer(new FrameBatchSerializer(framing));
		client.registerSender(new TcpSender() {

			@Override
			public void addNewConnection(TcpConnection connection) {
			}

			@Override
			public void removeDeadConnection(TcpConnection connection) {
				onConnectionClosed(connection.getConnectionId(), BufferedConnectionSupport.tlsFailure(connection));
			}

		});
		if (this.tls != null) {
			this.tls.applyTo(client);
		}
		this.resources.configure(client);
		this.outbound = this.resources.sendTo("discordoo-ipc-client", client);
		TcpReceivingChannelAdapter receiver = this.resources.receiveFrom("discordoo-ipc-client", client, this::onFrame);
		receiver.start();
		this.factory = client;
		this.receiver = receiver;
		long interval = this.settings.helloInterval().toNanos();
		// the timer only starts each attempt: connecting and writing may wait, and must never
		// hold up the heartbeats and timeouts of every other link on the shared timer thread
		this.helloTask = this.resources.timer().scheduleWithFixedDelay(this::startHelloAttempt, 0, interval,
				TimeUnit.NANOSECONDS);
		this.deadline = this.resources.timer().schedule(() -> fail("no IDENTIFY from instance "
				+ expectedInstanceId + " at " + this.host + ":" + this.port + " within "
				+ this.settings.spawnTimeout().toMillis() + " ms"), this.settings.spawnTimeout().toNanos(),
				TimeUnit.NANOSECONDS);
		return this.linked;
	}

	/**
	 * Return the link once the handshake completed.
	 * @return the link, or {@code null}
	 */
	public @Nullable IpcLink link() {
		return this.link;
	}

	@Override
	public void close() {
		fail("IPC client closed");
		IpcLink current = this.link;
		if (current != null) {
			current.close("IPC client closed");
		}
		if (this.receiver != null) {
			this.receiver.stop();
		}
	}

	private void startHelloAttempt() {
		if (this.state != HandshakeState.HANDSHAKING || !this.helloInFlight.compareAndSet(false, true)) {
			// the previous attempt still connects: one at a time
			return;
		}
		try {
			this.resources.writers().execute(() -> {
				try {
					sendHello();
				}
				finally {
					this.helloInFlight.set(false);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.helloInFlight.set(false);
		}
	}

	private void sendHello() {
		if (this.state != HandshakeState.HANDSHAKING) {
			return;
		}
		try {
			PacketConnection current = this.connection;
			if (current == null || !current.isOpen()) {
				TcpConnection tcp = this.factory.getConnection();
				current = new PacketConnection(tcp, this.outbound, this.codec, this.settings, this.resources);
				this.connection = current;
			}
			current.send(OpCode.HELLO, null, this.hello);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			SSLException tlsFailure = causeOf(ex, SSLException.class);
			if (tlsFailure != null) {
				fail(tlsFailureReason(tlsFailure));
				return;
			}
			ConnectException refused = this.peerListens ? causeOf(ex, ConnectException.class) : null;
			if (refused != null) {
				fail("cannot connect to " + this.host + ":" + this.port + ": " + refused.getMessage());
				return;
			}
			// not listening yet, or the connection broke: the next tick tries again until the deadline
			logger.debug("HELLO to " + this.host + ":" + this.port + " not sent: " + ex.getMessage());
		}
	}

	private void onFrame(@Nullable Object connectionId, Object frame) {
		PacketConnection current = this.connection;
		if (current == null || !current.id().equals(connectionId)) {
			// a frame of a connection this client has given up on: not the one it talks on
			return;
		}
		IpcLink established = this.link;
		if (established == null && current.isClosing()) {
			// refused during the handshake (a packet before IDENTIFY): an IDENTIFY that follows
			// on it must not make a link of a connection being closed; the next tick reconnects
			return;
		}
		Packet packet;
		try {
			packet = current.decode(frame);
		}
		catch (ProtocolViolationException ex) {
			if (established != null) {
				established.onProtocolViolation(ex);
			}
			else {
				current.reject(ex.code(), ex.getMessage());
			}
			return;
		}
		if (established != null) {
			// decode accepted it, so it is a frame body
			established.onPacket(packet, ((byte[]) frame).length);
			return;
		}
		try {
			switch (packet.op()) {
				case IDENTIFY -> onIdentify(current, this.codec.payload(packet, Payloads.Identify.class));
				case INVALID_SESSION -> {
					Payloads.InvalidSession refusal = this.codec.payload(packet, Payloads.InvalidSession.class);
					fail("instance " + this.expectedInstanceId + " refused the session: " + refusal.reason());
				}
				case ERROR -> {
					Payloads.Error error = this.codec.payload(packet, Payloads.Error.class);
					logger.warn("Instance " + this.expectedInstanceId + " reported " + error.code() + " during handshake: "
							+ error.message());
					if (ErrorCode.CLIENT_START_FAILED.equals(error.code())) {
						fail("instance " + this.expectedInstanceId + " failed to start: " + error.message());
					}
				}
				default -> current.reject(ErrorCode.NOT_AUTHENTICATED,
						"expected IDENTIFY before anything else, got " + packet.op());
			}
		}
		catch (ProtocolViolationException ex) {
			current.reject(ex.code(), ex.getMessage());
		}
	}

	private void onIdentify(PacketConnection current, Payloads.Identify identify) {
		if (!this.hello.eventId().equals(identify.eventId())) {
			// an answer to a HELLO of another session: not ours to accept
			return;
		}
		if (!this.expectedInstanceId.equals(identify.id())) {
			current.close();
			fail("expected IDENTIFY from instance " + this.expectedInstanceId + ", got " + identify.id());
			return;
		}
		synchronized (this) {
			if (this.state != HandshakeState.HANDSHAKING) {
				return;
			}
			this.link = new IpcLink(current, IpcLink.Side.MANAGER, this.hello.id(), identify.id(), identify.pid(),
					this.settings.withHeartbeat(Duration.ofMillis(this.hello.heartbeatInterval()),
							this.settings.heartbeatTolerance()),
					this.resources, this.handler);
			this.state = HandshakeState.LINKED;
		}
		this.helloTask.cancel(false);
		ScheduledFuture<?> handshakeDeadline = this.deadline;
		if (handshakeDeadline != null) {
			handshakeDeadline.cancel(false);
		}
		this.linked.complete(this.link);
	}

	private void onConnectionClosed(String connectionId, @Nullable SSLException tlsFailure) {
		PacketConnection closed = this.connection;
		if (closed == null || !closed.id().equals(connectionId)) {
			// an earlier connection, given up on: Spring Integration may report its close late,
			// and it must not take the current one with it
			return;
		}
		if (tlsFailure != null) {
			// a certificate the other side refuses, or refused here, stays refused: no retry
			fail(tlsFailureReason(tlsFailure));
		}
		IpcLink current = this.link;
		if (current != null) {
			current.onConnectionClosed();
		}
		else {
			// during the handshake a closed connection is retried on the next HELLO tick
			this.connection = null;
		}
	}

	private String tlsFailureReason(SSLException failure) {
		return "TLS handshake with " + this.host + ":" + this.port + " failed: " + failure.getMessage();
	}

	private static <T extends Throwable> @Nullable T causeOf(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	private synchronized void fail(String reason) {
		if (this.state != HandshakeState.HANDSHAKING) {
			return;
		}
		this.state = HandshakeState.FAILED;
		if (this.helloTask != null) {
			this.helloTask.cancel(false);
		}
		if (this.deadline != null) {
			this.deadline.cancel(false);
		}
		PacketConnection current = this.connection;
		if (current != null) {
			current.close();
		}
		this.linked.completeExceptionally(new HandshakeException(reason));
	}

}
