package dev.discordoo.sharding.ipc;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.integration.ip.tcp.connection.TcpConnection;
import org.springframework.integration.ip.tcp.connection.TcpConnectionSupport;
import org.springframework.integration.ip.tcp.connection.TcpNetServerConnectionFactory;
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
 * The instance's IPC server. Accepts connections, holds each one to the handshake rules
 * (HELLO first, within the handshake timeout, with the right manager id and token), and turns
 * the one that passes into the manager {@link IpcLink}. Every other connection, and anything
 * that breaks the protocol, is answered and closed on its own: the manager link keeps working.
 */
public final class IpcServer implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(IpcServer.class);

	/**
	 * Room in the kernel's accept queue. Spring Integration's default of 5 lets a burst of
	 * connections overflow it, so that the kernel drops them and clients retry only seconds
	 * later, before the pending-handshake limit can answer them (and the manager with them).
	 */
	private static final int ACCEPT_BACKLOG = 128;

	/**
	 * The longest heartbeat interval a HELLO may ask for. It drives this side's timers
	 * (times the tolerance, in nanoseconds): far beyond any sane setting, far below overflow.
	 */
	private static final Duration MAX_HEARTBEAT_INTERVAL = Duration.ofHours(24);

	/** How long {@link #start()} waits for the socket to be bound. */
	private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Who the instance is and whom it accepts.
	 *
	 * @param managerId the manager's snowflake; a HELLO must carry it
	 * @param instanceId this instance's snowflake
	 * @param token the per-spawn secret; a HELLO must carry it
	 * @param pid this process's id, reported in IDENTIFY
	 */
	public record Credentials(String managerId, String instanceId, String token, long pid) {

		@Override
		public String toString() {
			return "Credentials[managerId=" + this.managerId + ", instanceId=" + this.instanceId + ", pid=" + this.pid
					+ "]";
		}

	}

	/**
	 * Decides whether a HELLO's credentials admit its connection. The server checks the
	 * protocol version and the heartbeat interval itself; an admission checks who is asking.
	 */
	@FunctionalInterface
	public interface Admission {

		/**
		 * Judge a HELLO's credentials.
		 * @param hello the HELLO, of a supported version
		 * @return why it is refused (sent to the peer in INVALID_SESSION and logged, so it
		 * must never quote a secret), or {@code null} to admit it
		 */
		@Nullable String refusalOf(Payloads.Hello hello);

	}

	/**
	 * Receives the manager link and what arrives on it.
	 */
	public interface Listener extends IpcLinkHandler {

		/**
		 * A manager passed the handshake. Runs before any packet of the link is handed to the
		 * listener's other methods (heartbeat acks and responses, which the link handles
		 * itself, need no listener).
		 * @param link the manager link
		 * @param hello the manager's HELLO: shards, total shards, heartbeat interval
		 */
		void onManagerConnected(IpcLink link, Payloads.Hello hello);

	}

	private enum ConnectionState {

		AWAITING_HELLO, AUTHENTICATED, CLOSED

	}

	private final String host;

	private final int port;

	private final String localId;

	private final long pid;

	private final Admission admission;

	/** An instance's server keeps one link, to its manager; a node-link server one per peer. */
	private final boolean singleLink;

	/** TLS for links across hosts; {@code null} for plain TCP on loopback. */
	private final @Nullable IpcTls tls;

	private final IpcSettings settings;

	private final IpcResources resources;

	private final FrameCodec codec;

	private final Listener listener;

	/** At most one WARN line a second about refused connections: anyone local can cause them. */
	private static final Duration REFUSAL_WARNING_INTERVAL = Duration.ofSeconds(1);

	private final Map<String, ServerConnection> connections = new ConcurrentHashMap<>();

	private final AtomicInteger awaitingHello = new AtomicInteger();

	/** The connections waiting for HELLO, oldest first: the oldest makes room for a newcomer. */
	private final Deque<ServerConnection> awaitingHelloOrder = new ConcurrentLinkedDeque<>();

	private final WarningLimiter refusals;

	private final AtomicBoolean managerClaimed = new AtomicBoolean();

	private final AtomicReference<IpcLink> managerLink = new AtomicReference<>();

	// set by start(), before anything reads it
	@SuppressWarnings("NullAway.Init")
	private TcpNetServerConnectionFactory factory;

	/** Spring Integration's outbound adapter on the factory: where every connection's frames are sent. */
	@SuppressWarnings("NullAway.Init")
	private MessageChannel outbound;

	/** Reads the factory's connections; starts and stops the factory. */
	@SuppressWarnings("NullAway.Init")
	private TcpReceivingChannelAdapter receiver;

	/**
	 * Create an instance's server; {@link #start()} binds it. It keeps one link, to the
	 * manager that proves itself with the credentials.
	 * @param host the address to listen on
	 * @param port the port, 0 for an ephemeral one
	 * @param credentials who this instance is and whom it accepts
	 * @param settings limits and timings
	 * @param resources the threads to use
	 * @param codec the frame codec
	 * @param listener receives the manager link
	 */
	public IpcServer(String host, int port, Credentials credentials, IpcSettings settings, IpcResources resources,
			FrameCodec codec, Listener listener) {
		this(host, port, credentials.instanceId(), credentials.pid(), instanceAdmission(credentials), true, null,
				settings, resources, codec, listener);
	}

	private IpcServer(String host, int port, String localId, long pid, Admission admission, boolean singleLink,
			@Nullable IpcTls tls, IpcSettings settings, IpcResources resources, FrameCodec codec, Listener listener) {
		this.host = host;
		this.port = port;
		this.localId = localId;
		this.pid = pid;
		this.admission = admission;
		this.singleLink = singleLink;
		this.tls = tls;
		this.settings = settings;
		this.resources = resources;
		this.codec = codec;
		this.listener = listener;
		this.refusals = new WarningLimiter(logger, REFUSAL_WARNING_INTERVAL, resources.clock());
	}

	/**
	 * Create a server that keeps any number of links, one per peer its admission accepts: a
	 * cluster node's node-link server. Every rule of the handshake and of the protocol holds
	 * as for an instance's server; {@link #managerLink()} stays {@code null} and each link is
	 * handed to the listener's {@code onManagerConnected}.
	 * @param host the address to listen on
	 * @param port the port, 0 for an ephemeral one
	 * @param localId this side's snowflake, answered in IDENTIFY
	 * @param pid this process's id, answered in IDENTIFY
	 * @param admission who is accepted
	 * @param tls TLS every connection must use, {@code null} for plain TCP
	 * @param settings limits and timings
	 * @param resources the threads to use
	 * @param codec the frame codec
	 * @param listener receives each link
	 * @return the server; {@link #start()} binds it
	 */
	public static IpcServer forPeers(String host, int port, String localId, long pid, Admission admission,
			@Nullable IpcTls tls, IpcSettings settings, IpcResources resources, FrameCodec codec, Listener listener) {
		return new IpcServer(host, port, localId, pid, admission, false, tls, settings, resources, codec, listener);
	}

	private static Admission instanceAdmission(Credentials credentials) {
		return (hello) -> {
			if (!credentials.managerId().equals(hello.id())) {
				return "HELLO id does not match this instance's manager id";
			}
			if (hello.token() == null || !MessageDigest.isEqual(credentials.token().getBytes(StandardCharsets.UTF_8),
					hello.token().getBytes(StandardCharsets.UTF_8))) {
				return "HELLO token is invalid";
			}
			return null;
		};
	}

	/**
	 * Bind and start accepting connections.
	 * @return the port listened on
	 * @throws IllegalStateException if the server could not listen (the port is taken, say),
	 * or was not listening after 10 seconds
	 */
	public int start() {
		AdmittingConnectionFactory server = new AdmittingConnectionFactory(this.port);
		server.setLocalAddress(this.host);
		server.setBacklog(ACCEPT_BACKLOG);
		server.setSoTcpNoDelay(true);
		server.setTcpNetConnectionSupport(new BufferedConnectionSupport());
		FrameLengthHeaderSerializer framing = new FrameLengthHeaderSerializer(this.settings.maxFrameSize());
		server.setDeserializer(framing);
		server.setSerializer(new FrameBatchSerializer(framing));
		server.registerSender(new ConnectionTracker());
		if (this.tls != null) {
			this.tls.applyTo(server);
		}
		this.resources.configure(server);
		this.outbound = this.resources.sendTo("discordoo-ipc-server", server);
		TcpReceivingChannelAdapter receiver = this.resources.receiveFrom("discordoo-ipc-server", server, this::onFrame);
		receiver.start();
		try {
			server.listening.get(LISTEN_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			receiver.stop();
			throw new IllegalStateException("Interrupted while the IPC server started on " + this.host + ":" + this.port,
					ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			receiver.stop();
			Throwable cause = (ex instanceof ExecutionException) ? ex.getCause() : ex;
			throw new IllegalStateException("IPC server could not listen on " + this.host + ":" + this.port + ": "
					+ ((cause instanceof TimeoutException) ? "not listening after " + LISTEN_TIMEOUT.toSeconds() + " s"
							: cause),
					cause);
		}
		this.factory = server;
		this.receiver = receiver;
		logger.debug("IPC server listening on " + this.host + ":" + server.getPort());
		return server.getPort();
	}

	/**
	 * Return the port listened on.
	 * @return the port
	 */
	public int port() {
		return this.factory.getPort();
	}

	/**
	 * Return the manager link, once a manager passed the handshake.
	 * @return the link, or {@code null}
	 */
	public @Nullable IpcLink managerLink() {
		return this.managerLink.get();
	}

	/**
	 * Return how many connections are open, authenticated or not.
	 * @return the count
	 */
	public int openConnections() {
		return this.connections.size();
	}

	@Override
	public void close() {
		for (ServerConnection connection : this.connections.values()) {
			IpcLink link = connection.link;
			if (link != null) {
				link.close("IPC server closed");
			}
		}
		if (this.receiver != null) {
			this.receiver.stop();
		}
	}

	/**
	 * Track a new connection and hold it to the handshake rules; runs before it is read, on
	 * the one thread that accepts. When every pending slot is taken, the connection that has
	 * waited longest for HELLO is refused to make room: a local process that opens
	 * connections and says nothing cannot keep the manager's HELLO out, it only ever holds
	 * the slots until newer connections come.
	 */
	private void admit(TcpConnection connection) {
		PacketConnection packets = new PacketConnection(connection, this.outbound, this.codec, this.settings, this.resources);
		ServerConnection server = new ServerConnection(packets);
		this.connections.put(packets.id(), server);
		this.awaitingHelloOrder.add(server);
		if (this.awaitingHello.incrementAndGet() > this.settings.maxPendingConnections()) {
			evictOldestAwaitingHello();
		}
		server.startHandshakeTimer();
	}

	private void evictOldestAwaitingHello() {
		ServerConnection oldest;
		while ((oldest = this.awaitingHelloOrder.poll()) != null) {
			if (oldest.rejectIfAwaitingHello(ErrorCode.TOO_MANY_CONNECTIONS,
					"more than " + this.settings.maxPendingConnections() + " connections are waiting for HELLO")) {
				return;
			}
		}
	}

	/**
	 * Admits each accepted connection once it is ready to send, and says when it listens.
	 * Spring Integration announces listening with a {@code TcpConnectionServerListeningEvent},
	 * but through the factory's task scheduler (the shared timer, a manual one in tests) and
	 * its application event publisher: the hook that publishes the event completes
	 * {@link #listening} at once, on the thread that bound the socket, so that nobody polls.
	 */
	private final class AdmittingConnectionFactory extends TcpNetServerConnectionFactory {

		/** Completes with the port once the socket is bound, or with why it could not be. */
		final CompletableFuture<Integer> listening = new CompletableFuture<>();

		AdmittingConnectionFactory(int port) {
			super(port);
		}

		@Override
		protected void publishServerListeningEvent(int port) {
			this.listening.complete(port);
			super.publishServerListeningEvent(port);
		}

		@Override
		protected void publishServerExceptionEvent(Exception ex) {
			this.listening.completeExceptionally(ex);
			super.publishServerExceptionEvent(ex);
		}

		@Override
		protected void initializeConnection(TcpConnectionSupport connection, Socket socket) {
			super.initializeConnection(connection, socket);
			// admitted only now: Spring Integration tells its senders of a new connection
			// before it gives the connection a serializer, so it could not send ERROR yet
			admit(connection);
		}

	}

	private final class ConnectionTracker implements TcpSender {

		@Override
		public void addNewConnection(TcpConnection connection) {
			// too early to send on it: see admit
		}

		@Override
		public void removeDeadConnection(TcpConnection connection) {
			SSLException tlsFailure = BufferedConnectionSupport.tlsFailure(connection);
			if (tlsFailure != null) {
				IpcServer.this.refusals.warn("Refusing IPC connection " + connection.getConnectionId() + " from "
						+ connection.getHostAddress() + ": TLS handshake failed: " + tlsFailure.getMessage());
			}
			ServerConnection server = IpcServer.this.connections.remove(connection.getConnectionId());
			if (server != null) {
				server.onClosed();
			}
		}

	}

	/** A frame read on one of the server's connections, or a framing violation of one. */
	private void onFrame(@Nullable Object connectionId, Object frame) {
		ServerConnection server = (connectionId != null) ? this.connections.get(connectionId) : null;
		if (server != null) {
			server.onFrame(frame);
		}
	}

	/**
	 * One accepted connection and where it stands in the handshake.
	 *
	 * <p>Not a Spring Integration {@code TcpConnectionInterceptor}, although an interceptor
	 * per connection is what this is: an interceptor would hold the same state machine, since
	 * the pending slots, the eviction order and the one manager claim are the server's, and it
	 * would cost more. The factory creates and registers interceptors before the connection
	 * has a serializer, so the admission hook of {@link AdmittingConnectionFactory} would stay;
	 * and an interceptor cannot leave the chain once the handshake is over, so every frame of
	 * the link would pass through it for the link's whole life. A per-connection hook that
	 * runs once the connection can write, and a way to unwrap an interceptor, would make one fit.
	 */
	private final class ServerConnection {

		private final PacketConnection packets;

		private final AtomicReference<ConnectionState> state = new AtomicReference<>(ConnectionState.AWAITING_HELLO);

		private volatile @Nullable ScheduledFuture<?> handshakeTimer;

		private volatile @Nullable IpcLink link;

		ServerConnection(PacketConnection packets) {
			this.packets = packets;
		}

		void startHandshakeTimer() {
			this.handshakeTimer = IpcServer.this.resources.timer().schedule(() -> {
				rejectIfAwaitingHello(ErrorCode.HANDSHAKE_TIMEOUT,
						"no HELLO within " + IpcServer.this.settings.handshakeTimeout().toMillis() + " ms");
			}, IpcServer.this.settings.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS);
		}

		void onFrame(Object frame) {
			if (this.state.get() == ConnectionState.CLOSED) {
				// refused already: what it sent after the refusing frame is not read
				return;
			}
			Packet packet;
			try {
				packet = this.packets.decode(frame);
			}
			catch (ProtocolViolationException ex) {
				IpcLink current = this.link;
				if (current != null) {
					current.onProtocolViolation(ex);
				}
				else {
					reject(ex.code(), ex.getMessage());
				}
				return;
			}
			if (this.state.get() == ConnectionState.AUTHENTICATED) {
				if (packet.op() == OpCode.HELLO) {
					// the manager resent HELLO before our IDENTIFY reached it: answer again
					onHello(packet);
				}
				else {
					// set on this thread, with AUTHENTICATED, before it read another frame
					IpcLink authenticated = Objects.requireNonNull(this.link);
					// decode accepted it, so it is a frame body
					authenticated.onPacket(packet, ((byte[]) frame).length);
				}
				return;
			}
			if (packet.op() != OpCode.HELLO) {
				reject(ErrorCode.NOT_AUTHENTICATED, "expected HELLO before anything else, got " + packet.op());
				return;
			}
			onHello(packet);
		}

		private void onHello(Packet packet) {
			Payloads.Hello hello;
			try {
				hello = this.packets.codec().payload(packet, Payloads.Hello.class);
			}
			catch (ProtocolViolationException ex) {
				reject(ex.code(), ex.getMessage());
				return;
			}
			String refusal = refusalOf(hello);
			if (refusal != null) {
				IpcServer.this.refusals.warn("Refusing HELLO on IPC connection " + this.packets.id() + " from "
						+ this.packets.remote() + ": " + refusal);
				this.packets.trySend(OpCode.INVALID_SESSION, null,
						new Payloads.InvalidSession(IpcServer.this.localId, refusal));
				close();
				return;
			}
			Payloads.Identify identify = new Payloads.Identify(IpcServer.this.localId, hello.eventId(),
					IpcServer.this.pid, Payloads.VERSION);
			if (this.state.get() == ConnectionState.AUTHENTICATED) {
				this.packets.trySend(OpCode.IDENTIFY, null, identify);
				return;
			}
			// claimed before a link is built: a spare link would close this connection before the
			// refusal is sent, and tell the listener of the loss of a link it never had
			if (IpcServer.this.singleLink && !IpcServer.this.managerClaimed.compareAndSet(false, true)) {
				IpcServer.this.refusals.warn("Refusing HELLO on IPC connection " + this.packets.id() + " from "
						+ this.packets.remote() + ": this instance already has a manager connection");
				this.packets.trySend(OpCode.INVALID_SESSION, null, new Payloads.InvalidSession(
						IpcServer.this.localId, "this instance already has a manager connection"));
				close();
				return;
			}
			// authenticated only if still waiting: the handshake timer or an eviction may have
			// refused this connection while its HELLO was being read
			if (!leaveHandshakeIfAwaiting(ConnectionState.AUTHENTICATED)) {
				if (IpcServer.this.singleLink) {
					IpcServer.this.managerClaimed.set(false);
				}
				return;
			}
			// IDENTIFY is queued before the link exists: the manager refuses anything that comes
			// before it (and the instance would then refuse the manager's next connection, having
			// taken this one as its link), so nothing of the link may be able to send yet: not its
			// heartbeat timer, whose first tick can come before this thread gets on to the next
			// line on a loaded machine, and not a caller of managerLink()
			this.packets.trySend(OpCode.IDENTIFY, null, identify);
			IpcLink created = new IpcLink(this.packets, IpcLink.Side.INSTANCE, IpcServer.this.localId,
					hello.id(), -1, IpcServer.this.settings.withHeartbeat(
							Duration.ofMillis(hello.heartbeatInterval()),
							IpcServer.this.settings.heartbeatTolerance()),
					IpcServer.this.resources, IpcServer.this.listener);
			if (IpcServer.this.singleLink) {
				IpcServer.this.managerLink.set(created);
			}
			this.link = created;
			if (!this.packets.isOpen()) {
				// closed before the link existed to hear of it
				created.onConnectionClosed();
				return;
			}
			created.opened();
			// queued from the reader thread: the listener runs before the link's handler sees any
			// later packet (what the link answers itself, heartbeat acks and responses, it handles
			// here on the reader from the start)
			this.packets.inbound().execute(() -> IpcServer.this.listener.onManagerConnected(created, hello));
		}

		private @Nullable String refusalOf(Payloads.Hello hello) {
			if (hello.v() != Payloads.VERSION) {
				return "unsupported protocol version " + hello.v() + " (this instance speaks " + Payloads.VERSION + ")";
			}
			String refusal = IpcServer.this.admission.refusalOf(hello);
			if (refusal != null) {
				return refusal;
			}
			if (hello.heartbeatInterval() <= 0) {
				return "heartbeat_interval must be positive, was " + hello.heartbeatInterval();
			}
			if (hello.heartbeatInterval() > MAX_HEARTBEAT_INTERVAL.toMillis()) {
				return "heartbeat_interval must be at most " + MAX_HEARTBEAT_INTERVAL.toMillis() + " ms, was "
						+ hello.heartbeatInterval();
			}
			// last, as docs/protocol.md orders the checks: only an instance is given shards
			if (IpcServer.this.singleLink && (hello.shards() == null || hello.totalShards() <= 0)) {
				return "HELLO must carry shards and a positive total_shards";
			}
			return null;
		}

		/** Refuse a connection before it is the link: its WARN line is rate-limited. */
		void reject(String code, String message) {
			leaveHandshake(ConnectionState.CLOSED);
			refuse(code, message);
		}

		/**
		 * Refuse the connection only if it still waits for HELLO (a timeout or an eviction
		 * racing with its HELLO must not close a link).
		 * @return whether it was refused
		 */
		boolean rejectIfAwaitingHello(String code, String message) {
			if (!leaveHandshakeIfAwaiting(ConnectionState.CLOSED)) {
				return false;
			}
			refuse(code, message);
			return true;
		}

		private void refuse(String code, String message) {
			IpcServer.this.refusals.warn(this.packets.rejection(code, message));
			// written at once on the refusing thread (reader, acceptor or timer): nothing was ever
			// written to a connection that waits for HELLO, so its socket buffer is empty and
			// this small ERROR cannot block, and a flood of refusals wakes no writer threads
			this.packets.trySend(OpCode.ERROR, null, new Payloads.Error(null, code, message));
			this.packets.close();
		}

		void close() {
			leaveHandshake(ConnectionState.CLOSED);
			this.packets.close();
		}

		void onClosed() {
			leaveHandshake(ConnectionState.CLOSED);
			IpcLink current = this.link;
			if (current != null) {
				current.onConnectionClosed();
			}
		}

		/** Move out of AWAITING_HELLO (once), releasing its slot and its timer. */
		private void leaveHandshake(ConnectionState next) {
			ConnectionState previous = this.state.getAndUpdate(
					(current) -> (current == ConnectionState.CLOSED) ? ConnectionState.CLOSED : next);
			if (previous == ConnectionState.AWAITING_HELLO && next != ConnectionState.AWAITING_HELLO) {
				releaseHandshakeSlot();
			}
		}

		/** Move out of AWAITING_HELLO only if still there; the caller acts only if it did. */
		private boolean leaveHandshakeIfAwaiting(ConnectionState next) {
			if (!this.state.compareAndSet(ConnectionState.AWAITING_HELLO, next)) {
				return false;
			}
			releaseHandshakeSlot();
			return true;
		}

		private void releaseHandshakeSlot() {
			IpcServer.this.awaitingHello.decrementAndGet();
			IpcServer.this.awaitingHelloOrder.remove(this);
			ScheduledFuture<?> timer = this.handshakeTimer;
			if (timer != null) {
				timer.cancel(false);
			}
		}

	}

}
