package dev.discordoo.sharding.ipc;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Packet;
import dev.discordoo.sharding.protocol.Payloads;
import dev.discordoo.sharding.protocol.ProtocolViolationException;
import dev.discordoo.sharding.snowflake.DeconstructedSnowflake;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;
import org.jspecify.annotations.Nullable;

/**
 * An authenticated manager↔instance connection, after HELLO and IDENTIFY. Full duplex:
 * either side dispatches and requests; the instance side sends heartbeats, the manager side
 * acknowledges them, and both watch the other for silence.
 *
 * <p>What the link itself answers is handled on the socket reader thread, as soon as it is
 * read: heartbeats and their acks (so that slow packet handlers can never make a healthy
 * peer look dead), and RESPONSEs, which complete their pending request there. Only user code
 * (the {@link IpcLinkHandler}: dispatches, requests to answer, unsolicited errors, the loss)
 * is handed to the link's handler queue, in arrival order.
 */
public final class IpcLink {

	private static final Log logger = LogFactory.getLog(IpcLink.class);

	/**
	 * Which end of the link this is.
	 */
	public enum Side {

		/** The manager's end: answers heartbeats. */
		MANAGER,

		/** The instance's end: sends heartbeats. */
		INSTANCE

	}

	private enum State {

		OPEN, CLOSED

	}

	private final PacketConnection connection;

	private final Side side;

	private final String localId;

	private final String remoteId;

	private final long remotePid;

	private final IpcSettings settings;

	private final IpcResources resources;

	private final IpcLinkHandler handler;

	private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);

	private final Map<String, CompletableFuture<Payloads.Response>> pending = new ConcurrentHashMap<>();

	private final Map<Long, Long> heartbeatsInFlight = new ConcurrentHashMap<>();

	private final AtomicLong heartbeatSeq = new AtomicLong();

	private final DeconstructedSnowflake localParts;

	private volatile long lastHeardNanos;

	private volatile long lastHeartbeatEpochMillis = System.currentTimeMillis();

	private volatile @Nullable Double latencyMillis;

	private final ScheduledFuture<?> heartbeatTask;

	IpcLink(PacketConnection connection, Side side, String localId, String remoteId, long remotePid,
			IpcSettings settings, IpcResources resources, IpcLinkHandler handler) {
		this.connection = connection;
		this.side = side;
		this.localId = localId;
		this.remoteId = remoteId;
		this.remotePid = remotePid;
		this.settings = settings;
		this.resources = resources;
		this.handler = handler;
		this.localParts = DiscordooSnowflake.deconstruct(localId);
		this.lastHeardNanos = resources.clock().nanoTime();
		long period = settings.heartbeatInterval().toNanos();
		if (side == Side.MANAGER) {
			// check twice per interval so that a silent instance is noticed soon after the tolerance
			period = Math.max(period / 2, TimeUnit.MILLISECONDS.toNanos(10));
		}
		this.heartbeatTask = resources.timer()
			.scheduleAtFixedRate(this::onHeartbeatTimer, period, period, TimeUnit.NANOSECONDS);
	}

	/**
	 * Return which end of the link this is.
	 * @return the side
	 */
	public Side side() {
		return this.side;
	}

	/**
	 * Return this side's snowflake.
	 * @return the local id
	 */
	public String localId() {
		return this.localId;
	}

	/**
	 * Return the peer's snowflake.
	 * @return the remote id
	 */
	public String remoteId() {
		return this.remoteId;
	}

	/**
	 * Return the peer's process id, as it said in its IDENTIFY; {@code -1} on the instance side.
	 * @return the pid
	 */
	public long remotePid() {
		return this.remotePid;
	}

	/**
	 * Return whether the link is still open.
	 * @return whether it is open
	 */
	public boolean isOpen() {
		return this.state.get() == State.OPEN;
	}

	/**
	 * Return the last heartbeat round trip: measured on the instance side, reported by the
	 * instance on the manager side.
	 * @return the round trip in milliseconds, {@code null} before the first one
	 */
	public @Nullable Double latencyMillis() {
		return this.latencyMillis;
	}

	/**
	 * Return how many requests this side sent that still wait for their response.
	 * @return the number of pending requests
	 */
	public int pendingRequests() {
		return this.pending.size();
	}

	/**
	 * Return when the last heartbeat (manager side) or ack (instance side) arrived, or when the
	 * link opened if none has yet.
	 * @return epoch milliseconds
	 */
	public long lastHeartbeatEpochMillis() {
		return this.lastHeartbeatEpochMillis;
	}

	/**
	 * Send a DISPATCH. Dispatches from one thread arrive in the order they were sent.
	 * @param event the event name
	 * @param payload anything Jackson can write, may be {@code null}
	 * @throws IllegalStateException if the link is closed
	 * @throws IllegalArgumentException if the packet exceeds the max frame size
	 */
	public void dispatch(String event, @Nullable Object payload) {
		send(OpCode.DISPATCH, event, payload, Relay.NONE);
	}

	/**
	 * Send a DISPATCH with relay fields: from an instance, the instances the manager should
	 * relay it to; from the manager, the instance it was relayed from.
	 * @param event the event name
	 * @param payload anything Jackson can write, may be {@code null}
	 * @param relay the relay fields
	 * @throws IllegalStateException if the link is closed
	 * @throws IllegalArgumentException if the packet exceeds the max frame size
	 */
	public void dispatch(String event, @Nullable Object payload, Relay relay) {
		if (relay.from() != null) {
			relay(event, payload, relay);
			return;
		}
		send(OpCode.DISPATCH, event, payload, relay);
	}

	/**
	 * A DISPATCH relayed from another instance: queued without waiting, so that a slow or
	 * frozen target never holds up the thread that relays (the sender's handler).
	 */
	private void relay(String event, @Nullable Object payload, Relay relay) {
		if (!isOpen()) {
			throw new IllegalStateException("IPC link to " + this.remoteId + " is closed");
		}
		if (!this.connection.offerRelay(OpCode.DISPATCH, event, payload, relay)) {
			throw new IllegalStateException(backlogged());
		}
	}

	private String backlogged() {
		return "IPC link to " + this.remoteId + " has " + this.connection.queuedBytes()
				+ " bytes waiting to be written (the instance is slow or frozen): relay refused";
	}

	/**
	 * Send an ERROR that answers no request.
	 * @param code a machine-readable code (see {@link ErrorCode})
	 * @param message what went wrong
	 * @throws IllegalStateException if the link is closed
	 */
	public void sendError(String code, String message) {
		send(OpCode.ERROR, null, new Payloads.Error(null, code, message), Relay.NONE);
	}

	/**
	 * Send a REQUEST and wait for its RESPONSE without blocking. The returned future always
	 * completes normally: with the peer's response, or with a failed response whose code is
	 * {@link ErrorCode#TIMEOUT} or {@link ErrorCode#LINK_LOST}. Once it completes, the
	 * {@link IpcObserver} of the link's resources is told how it ended and how long it took.
	 * @param name the handler to run
	 * @param payload its argument, anything Jackson can write
	 * @param targets instance indices or {@code "all"} for the manager to relay, {@code null}
	 * for the peer itself
	 * @param timeout how long to wait; {@code null} for the configured default
	 * @return the response
	 */
	public CompletableFuture<Payloads.Response> request(String name, @Nullable Object payload,
			@Nullable JsonNode targets, @Nullable Duration timeout) {
		return request(name, payload, targets, timeout, null);
	}

	/**
	 * Send a REQUEST relayed from an instance; see
	 * {@link #request(String, Object, JsonNode, Duration)}. A relayed request never waits
	 * for room in the link's outbound queue: when the queue is full (a slow or frozen peer)
	 * it fails at once with {@link ErrorCode#BACKLOGGED}.
	 * @param name the handler to run
	 * @param payload its argument, anything Jackson can write
	 * @param targets instance indices or {@code "all"} for the manager to relay, {@code null}
	 * for the peer itself
	 * @param timeout how long to wait; {@code null} for the configured default
	 * @param from the index of the instance the request is relayed from, {@code null} if none
	 * @return the response
	 */
	public CompletableFuture<Payloads.Response> request(String name, @Nullable Object payload,
			@Nullable JsonNode targets, @Nullable Duration timeout, @Nullable Integer from) {
		Duration targetTimeout = (timeout != null) ? timeout : this.settings.requestTimeout();
		// in nanoseconds without overflow: the timeout may be a peer's (a relayed request)
		long targetNanos = RequestTimeout.toTimerNanos(targetTimeout);
		// a relayed request waits a little longer than its targets, so that the manager's
		// per-target TIMEOUT entries arrive instead of one blanket TIMEOUT
		long graceNanos = (targets != null) ? relayGrace(targetTimeout).toNanos() : 0;
		long waitNanos = (targetNanos > Long.MAX_VALUE - graceNanos) ? Long.MAX_VALUE : targetNanos + graceNanos;
		// a fan-out sends one tree to every target: convert only what is not a tree yet
		JsonNode payloadNode = (payload instanceof JsonNode node) ? node
				: this.connection.codec().mapper().valueToTree(payload);
		long startNanos = this.resources.clock().nanoTime();
		String eventId = DiscordooSnowflake.generate(this.localParts.shardId(), this.localParts.workerId());
		CompletableFuture<Payloads.Response> response = new CompletableFuture<>();
		response.whenComplete((result, ex) -> observeRequest(result, ex, startNanos));
		if (!isOpen()) {
			response.complete(failure(eventId, ErrorCode.LINK_LOST, "link to " + this.remoteId + " is closed"));
			return response;
		}
		this.pending.put(eventId, response);
		// registered before anything can fail: however the request ends, it leaves nothing pending
		response.whenComplete((result, ex) -> this.pending.remove(eventId));
		ScheduledFuture<?> timer;
		try {
			timer = this.resources.timer()
				.schedule(() -> response.complete(failure(eventId, ErrorCode.TIMEOUT, "no response to '" + name
						+ "' within " + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms")), waitNanos,
						TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			response.complete(failure(eventId, ErrorCode.LINK_LOST, "IPC resources are closed"));
			return response;
		}
		response.whenComplete((result, ex) -> timer.cancel(false));
		try {
			Payloads.Request request = new Payloads.Request(eventId, name, payloadNode, targets,
					TimeUnit.NANOSECONDS.toMillis(targetNanos));
			if (from == null) {
				this.connection.send(OpCode.REQUEST, null, request, Relay.NONE);
			}
			else if (!this.connection.offerRelay(OpCode.REQUEST, null, request, new Relay(null, from))) {
				response.complete(failure(eventId, ErrorCode.BACKLOGGED, backlogged()));
			}
		}
		catch (IllegalArgumentException ex) {
			response.completeExceptionally(ex);
		}
		catch (RuntimeException ex) {
			response.complete(failure(eventId, ErrorCode.LINK_LOST, "could not send: " + ex.getMessage()));
			lose(LinkLossCause.SEND_FAILED, String.valueOf(ex.getMessage()));
		}
		return response;
	}

	/**
	 * Close the link on purpose. The handler's {@code onLost} runs with
	 * {@link LinkLossCause#CLOSED_LOCALLY}.
	 * @param reason why, for the log
	 */
	public void close(String reason) {
		lose(LinkLossCause.CLOSED_LOCALLY, reason);
	}

	void send(OpCode op, @Nullable String t, @Nullable Object d, Relay relay) {
		if (!isOpen()) {
			throw new IllegalStateException("IPC link to " + this.remoteId + " is closed");
		}
		try {
			this.connection.send(op, t, d, relay);
		}
		catch (IllegalArgumentException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			lose(LinkLossCause.SEND_FAILED, String.valueOf(ex.getMessage()));
			throw new IllegalStateException("IPC link to " + this.remoteId + " failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Called once the handshake is complete on this side. The instance side sends its first
	 * HEARTBEAT at once, so that the first round trip is known right after the handshake
	 * instead of one interval later. Must come after IDENTIFY: nothing may precede it.
	 */
	void opened() {
		if (this.side == Side.INSTANCE && isOpen()) {
			sendHeartbeat();
		}
	}

	/**
	 * Called on the reader thread for every packet after the handshake.
	 * @param packet the packet
	 * @param frameBytes the size of its frame, counted against the handler queue's budget
	 */
	void onPacket(Packet packet, int frameBytes) {
		if (!isOpen()) {
			return;
		}
		try {
			switch (packet.op()) {
				case HEARTBEAT -> onHeartbeat(packet);
				case HEARTBEAT_ACK -> onHeartbeatAck(packet);
				case DISPATCH -> {
					Relay relay = (packet.targets() == null && packet.from() == null) ? Relay.NONE
							: new Relay(packet.targets(), packet.from());
					// the codec refuses a DISPATCH without t
					String event = Objects.requireNonNull(packet.t());
					this.connection.inbound()
						.execute(() -> this.handler.onDispatch(this, event, packet.d(), relay), frameBytes);
				}
				case REQUEST -> {
					Payloads.Request request = this.connection.codec().payload(packet, Payloads.Request.class);
					requireField(request.eventId(), "REQUEST", "event_id");
					requireField(request.name(), "REQUEST", "name");
					this.connection.inbound().execute(() -> answer(request, packet.from()), frameBytes);
				}
				case RESPONSE -> {
					Payloads.Response response = this.connection.codec().payload(packet, Payloads.Response.class);
					requireField(response.eventId(), "RESPONSE", "event_id");
					// here, not behind user code: the requester waits for nothing else
					complete(response);
				}
				case ERROR -> {
					Payloads.Error error = this.connection.codec().payload(packet, Payloads.Error.class);
					if (!failPending(error)) {
						this.connection.inbound().execute(() -> onError(error), frameBytes);
					}
				}
				case CACHE_OPERATION, GLOBAL_RATE_LIMIT -> this.connection.trySend(OpCode.ERROR, null,
						new Payloads.Error(null, ErrorCode.UNSUPPORTED_OP,
								"op " + packet.op().code() + " is reserved and not supported by protocol version 1"));
				case IDENTIFY, HELLO, INVALID_SESSION -> {
					// a late answer to a resent HELLO, or a resent HELLO: the handshake owner deals
					// with HELLO before it gets here, the rest needs nothing
				}
			}
		}
		catch (ProtocolViolationException ex) {
			onProtocolViolation(ex);
		}
	}

	/** The peer broke the protocol: answer ERROR, close, and report the loss as a violation. */
	void onProtocolViolation(ProtocolViolationException ex) {
		lose(LinkLossCause.PROTOCOL_VIOLATION, ex.getMessage(),
				() -> this.connection.reject(ex.code(), ex.getMessage()));
	}

	/** Called when the connection underneath closed. */
	void onConnectionClosed() {
		lose(LinkLossCause.CLOSED_BY_PEER, "connection closed");
	}

	private void onHeartbeat(Packet packet) {
		if (this.side != Side.MANAGER) {
			throw new ProtocolViolationException(ErrorCode.PROTOCOL_VIOLATION, "HEARTBEAT is sent by instances only");
		}
		Payloads.Heartbeat heartbeat = this.connection.codec().payload(packet, Payloads.Heartbeat.class);
		this.lastHeardNanos = this.resources.clock().nanoTime();
		this.lastHeartbeatEpochMillis = System.currentTimeMillis();
		this.latencyMillis = heartbeat.latency();
		// on this connection's reader: written at once, as the ack is owed to the peer being read
		this.connection.trySend(OpCode.HEARTBEAT_ACK, null, new Payloads.HeartbeatAck(heartbeat.seq()));
	}

	private void onHeartbeatAck(Packet packet) {
		if (this.side != Side.INSTANCE) {
			throw new ProtocolViolationException(ErrorCode.PROTOCOL_VIOLATION,
					"HEARTBEAT_ACK is sent by managers only");
		}
		Payloads.HeartbeatAck ack = this.connection.codec().payload(packet, Payloads.HeartbeatAck.class);
		Long sentNanos = this.heartbeatsInFlight.remove(ack.seq());
		if (sentNanos == null) {
			return;
		}
		long now = this.resources.clock().nanoTime();
		this.latencyMillis = (now - sentNanos) / 1_000_000.0;
		this.lastHeardNanos = now;
		this.lastHeartbeatEpochMillis = System.currentTimeMillis();
		// acks of older heartbeats can no longer arrive in order: forget them
		this.heartbeatsInFlight.keySet().removeIf((seq) -> seq < ack.seq());
		if (ack.seq() == 1 && isOpen()) {
			// the first round trip is measured: report it now rather than an interval later, so
			// that the manager knows the latency from the first exchange on
			sendHeartbeat();
		}
	}

	private void onHeartbeatTimer() {
		if (!isOpen()) {
			return;
		}
		long silentNanos = this.resources.clock().nanoTime() - this.lastHeardNanos;
		if (silentNanos > this.settings.heartbeatTimeout().toNanos()) {
			lose(LinkLossCause.HEARTBEAT_TIMEOUT,
					"no " + ((this.side == Side.MANAGER) ? "heartbeat" : "heartbeat ack") + " for "
							+ TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms (interval "
							+ this.settings.heartbeatInterval().toMillis() + " ms x tolerance "
							+ this.settings.heartbeatTolerance() + ")");
			return;
		}
		if (this.side == Side.INSTANCE) {
			sendHeartbeat();
		}
	}

	private void sendHeartbeat() {
		long seq = this.heartbeatSeq.incrementAndGet();
		Double latency = this.latencyMillis;
		this.heartbeatsInFlight.put(seq, this.resources.clock().nanoTime());
		// queued, never written here: runs on the timer and reader threads, and a peer that
		// stopped reading must not stall the loss check or the reading of its packets
		if (!this.connection.offer(OpCode.HEARTBEAT, new Payloads.Heartbeat(seq, System.currentTimeMillis(), latency))) {
			lose(LinkLossCause.SEND_FAILED, "could not send HEARTBEAT");
		}
	}

	private void answer(Payloads.Request request, @Nullable Integer from) {
		CompletionStage<JsonNode> result;
		try {
			result = this.handler.onRequest(this, request, from);
		}
		catch (RuntimeException ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		result.whenComplete((value, ex) -> {
			Payloads.Response response = (ex == null) ? Payloads.Response.success(request.eventId(), value)
					: Payloads.Response.failure(request.eventId(), errorOf(ex));
			if (isOpen()) {
				this.connection.trySend(OpCode.RESPONSE, null, response);
			}
		});
	}

	private void complete(Payloads.Response response) {
		CompletableFuture<Payloads.Response> waiting = this.pending.get(response.eventId());
		if (waiting != null) {
			waiting.complete(response);
		}
	}

	/** An ERROR naming a pending request ends it; on the reader thread, like a RESPONSE. */
	private boolean failPending(Payloads.Error error) {
		String eventId = error.eventId();
		CompletableFuture<Payloads.Response> waiting = (eventId != null) ? this.pending.get(eventId) : null;
		if (eventId != null && waiting != null) {
			waiting.complete(failure(eventId, error.code(), error.message()));
			return true;
		}
		return false;
	}

	private void onError(Payloads.Error error) {
		logger.warn("IPC peer " + this.remoteId + " reported " + error.code() + ": " + error.message());
		this.handler.onError(this, error);
	}

	private void lose(LinkLossCause cause, String detail) {
		lose(cause, detail, this.connection::close);
	}

	private void lose(LinkLossCause cause, String detail, Runnable closeConnection) {
		if (!this.state.compareAndSet(State.OPEN, State.CLOSED)) {
			return;
		}
		this.heartbeatTask.cancel(false);
		// closed only once the cause is settled: the close calls back into onConnectionClosed
		closeConnection.run();
		this.pending.forEach((eventId, waiting) -> waiting
			.complete(failure(eventId, ErrorCode.LINK_LOST, "link lost: " + cause + " (" + detail + ")")));
		if (cause != LinkLossCause.CLOSED_LOCALLY) {
			logger.warn("IPC link " + this.localId + " -> " + this.remoteId + " lost: " + cause + " (" + detail + ")");
		}
		// runs after the packets already queued, so the handler sees them before the loss
		runOnHandlerThread(() -> this.connection.inbound().execute(() -> {
			try {
				this.handler.onLost(this, cause, detail);
			}
			catch (RuntimeException ex) {
				logger.error("IPC link handler failed on loss of " + this.remoteId, ex);
			}
		}));
	}

	private void runOnHandlerThread(Runnable task) {
		try {
			this.resources.handlers().execute(task);
		}
		catch (RejectedExecutionException ex) {
			// the resources were closed with their application context: nobody is left to tell
			logger.debug("IPC resources closed; dropped a task of the link to " + this.remoteId);
		}
	}

	private static Duration relayGrace(Duration timeout) {
		Duration quarter = timeout.dividedBy(4);
		Duration floor = Duration.ofMillis(50);
		Duration ceiling = Duration.ofSeconds(1);
		return (quarter.compareTo(floor) < 0) ? floor : (quarter.compareTo(ceiling) > 0) ? ceiling : quarter;
	}

	private void observeRequest(Payloads.Response result, Throwable ex, long startNanos) {
		Duration took = Duration.ofNanos(this.resources.clock().nanoTime() - startNanos);
		try {
			this.resources.observer().onRequestCompleted(outcomeOf(result, ex), took);
		}
		catch (RuntimeException observerFailure) {
			// runs on whichever thread completed the response: never let it fail there
			logger.debug("IPC observer failed on a completed request", observerFailure);
		}
	}

	private static IpcObserver.RequestOutcome outcomeOf(Payloads.Response result, Throwable ex) {
		if (ex != null || result == null) {
			return IpcObserver.RequestOutcome.ERROR;
		}
		if (result.ok()) {
			return IpcObserver.RequestOutcome.OK;
		}
		boolean timedOut = result.error() != null && ErrorCode.TIMEOUT.equals(result.error().code());
		return timedOut ? IpcObserver.RequestOutcome.TIMEOUT : IpcObserver.RequestOutcome.ERROR;
	}

	private static void requireField(Object value, String op, String field) {
		if (value == null) {
			throw new ProtocolViolationException(ErrorCode.INVALID_PAYLOAD, op + " must have '" + field + "'");
		}
	}

	private static Payloads.Response failure(String eventId, String code, String message) {
		return Payloads.Response.failure(eventId, new Payloads.ResponseError(code, message, code));
	}

	private static Payloads.ResponseError errorOf(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		String code = (cause instanceof RequestFailedException failed) ? failed.code() : ErrorCode.HANDLER_FAILED;
		return new Payloads.ResponseError(cause.getClass().getSimpleName(), String.valueOf(cause.getMessage()), code);
	}

}
