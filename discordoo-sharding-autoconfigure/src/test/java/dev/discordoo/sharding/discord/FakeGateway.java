package dev.discordoo.sharding.discord;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.zip.Deflater;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.discordoo.sharding.discord.FakeDiscord.ClosedBy;
import dev.discordoo.sharding.discord.FakeDiscord.GatewaySession;
import dev.discordoo.sharding.discord.FakeDiscord.Guild;

/**
 * The fake Discord's WebSocket gateway (v10, JSON, optionally {@code zlib-stream}): one
 * {@link Connection} per WebSocket, the Discord sessions a RESUME can pick up again, and the
 * record of every connection. {@link FakeDiscord} documents the behaviour.
 *
 * <p>Thread-safe: all state, including what each connection sends, is guarded by one lock,
 * so that payloads leave a connection (and its deflater) in the order they were decided.
 *
 * <p>Public only because Jetty calls a WebSocket listener through public method handles;
 * tests use {@link FakeDiscord}.
 */
public final class FakeGateway {

	/** Every intent bit Discord defines; any other bit is an invalid intent (4013). */
	static final int KNOWN_INTENTS = (1 << 17) - 1 | 1 << 20 | 1 << 21 | 1 << 24 | 1 << 25;

	static final int PRIVILEGED_INTENTS = FakeDiscord.GUILD_MEMBERS | FakeDiscord.GUILD_PRESENCES
			| FakeDiscord.MESSAGE_CONTENT;

	/** Close codes after which Discord will not let the session be resumed. */
	private static final Set<Integer> SESSION_ENDING_CODES = Set.of(4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014);

	/** Discord allows 120 gateway payloads per connection per 60 seconds. */
	private static final int PAYLOADS_PER_MINUTE = 120;

	private final Object lock = new Object();

	private final IdentifyLedger ledger;

	private final IntSupplier shardCount;

	private final long botUserId;

	private final Scheduler scheduler;

	// Settings a test may change at any time; read under the lock with the state below

	private volatile String url = "";

	private volatile String token;

	private volatile long heartbeatIntervalMillis = 41_250;

	private volatile boolean heartbeatTimeout = true;

	private volatile int allowedPrivilegedIntents;

	// All state below is guarded by the lock

	private final Map<Long, Guild> guilds = new TreeMap<>();

	private final List<Connection> connections = new ArrayList<>();

	private final Map<String, DiscordSession> sessions = new HashMap<>();

	FakeGateway(IdentifyLedger ledger, IntSupplier shardCount, String token, long botUserId, Scheduler scheduler) {
		this.ledger = ledger;
		this.shardCount = shardCount;
		this.token = token;
		this.botUserId = botUserId;
		this.scheduler = scheduler;
	}

	void url(String url) {
		this.url = url;
	}

	void token(String token) {
		this.token = token;
	}

	void heartbeatInterval(Duration interval) {
		this.heartbeatIntervalMillis = interval.toMillis();
	}

	void heartbeatTimeout(boolean enabled) {
		this.heartbeatTimeout = enabled;
	}

	void allowedPrivilegedIntents(int intents) {
		this.allowedPrivilegedIntents = intents;
	}

	void guild(Guild guild) {
		synchronized (this.lock) {
			this.guilds.put(guild.id(), guild);
		}
	}

	List<Guild> guilds() {
		synchronized (this.lock) {
			return List.copyOf(this.guilds.values());
		}
	}

	/** Create the listener of a new WebSocket, checking the query as Discord does on open. */
	Connection connect(ServerUpgradeRequest request) {
		Fields query = Request.extractQueryParameters(request);
		synchronized (this.lock) {
			Connection connection = new Connection(this.connections.size() + 1, query.getValue("compress"));
			connection.rejection = rejection(query);
			this.connections.add(connection);
			return connection;
		}
	}

	int closeShard(int shard, int code, String reason) {
		synchronized (this.lock) {
			List<Connection> live = live(shard);
			live.forEach((connection) -> connection.closeWith(code, reason));
			return live.size();
		}
	}

	int requestReconnect(int shard) {
		synchronized (this.lock) {
			List<Connection> live = live(shard);
			live.forEach((connection) -> connection.send(GatewayPayloads.op(GatewayPayloads.RECONNECT, null)));
			return live.size();
		}
	}

	/** Close every open connection as a server going away does, before the server stops. */
	void closeAll() {
		synchronized (this.lock) {
			this.connections.stream()
				.filter((connection) -> connection.closedAtNanos < 0)
				.forEach((connection) -> connection.closeWith(1001, "fake Discord stopping"));
		}
	}

	List<GatewaySession> sessions() {
		synchronized (this.lock) {
			return this.connections.stream().map(Connection::snapshot).toList();
		}
	}

	private List<Connection> live(int shard) {
		return this.connections.stream()
			.filter((connection) -> connection.shard == shard && connection.readyAtNanos >= 0
					&& connection.closedAtNanos < 0)
			.toList();
	}

	private static Rejection rejection(Fields query) {
		if (!"10".equals(query.getValue("v"))) {
			return new Rejection(4012, "Invalid API version: the fake speaks v=10 only, not v=" + query.getValue("v"));
		}
		String encoding = query.getValue("encoding");
		if (encoding != null && !"json".equals(encoding)) {
			return new Rejection(4002, "Unsupported encoding: the fake speaks encoding=json only, not " + encoding);
		}
		String compress = query.getValue("compress");
		if (compress != null && !"zlib-stream".equals(compress)) {
			return new Rejection(4002, "Unsupported compression: the fake knows zlib-stream only, not " + compress);
		}
		return null;
	}

	/** Why a connection is closed as soon as it opens: a query Discord would not serve. */
	private record Rejection(int code, String reason) {
	}

	/** A Discord session: what a RESUME needs to pick it up on a new connection. */
	private static final class DiscordSession {

		final String id = UUID.randomUUID().toString().replace("-", "");

		final int shard;

		final int total;

		int sequence;

		DiscordSession(int shard, int total) {
			this.shard = shard;
			this.total = total;
		}

	}

	/**
	 * One WebSocket connection to the gateway. Jetty calls it one event at a time; the fake's
	 * controls and timers call it from other threads, hence the lock around everything.
	 */
	public final class Connection implements Session.Listener.AutoDemanding {

		private final int id;

		private final Deflater deflater;

		private final long openedAtNanos = System.nanoTime();

		private final Deque<Long> recentPayloads = new ArrayDeque<>();

		private Rejection rejection;

		private Session session;

		private DiscordSession discordSession;

		private boolean resumed;

		private int shard = -1;

		private int shardTotal = -1;

		private long readyAtNanos = -1;

		private long closedAtNanos = -1;

		private int closeCode = -1;

		private ClosedBy closedBy;

		private int heartbeats;

		private Scheduler.Task heartbeatDeadline;

		Connection(int id, String compress) {
			this.id = id;
			this.deflater = (compress != null) ? new Deflater() : null;
		}

		@Override
		public void onWebSocketOpen(Session session) {
			synchronized (FakeGateway.this.lock) {
				this.session = session;
				if (this.rejection != null) {
					closeWith(this.rejection.code(), this.rejection.reason());
					return;
				}
				send(GatewayPayloads.hello(FakeGateway.this.heartbeatIntervalMillis));
				expectHeartbeat();
			}
		}

		@Override
		public void onWebSocketText(String text) {
			synchronized (FakeGateway.this.lock) {
				if (this.closedAtNanos >= 0) {
					return;
				}
				if (overRateLimit()) {
					closeWith(4008, "Rate limited.");
					return;
				}
				JsonNode payload;
				try {
					payload = GatewayPayloads.mapper.readTree(text);
				}
				catch (JacksonException ex) {
					closeWith(4002, "Error while decoding payload.");
					return;
				}
				if (!payload.isObject() || !payload.path("op").isInt()) {
					closeWith(4002, "Error while decoding payload.");
					return;
				}
				receive(payload.path("op").intValue(), payload.path("d"));
			}
		}

		@Override
		public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
			synchronized (FakeGateway.this.lock) {
				// With encoding=json Discord reads text frames only
				closeWith(4002, "Error while decoding payload.");
			}
			callback.succeed();
		}

		@Override
		public void onWebSocketError(Throwable cause) {
			// Jetty calls onWebSocketClose next (1006 for a dropped connection), which records it
		}

		@Override
		public void onWebSocketClose(int statusCode, String reason) {
			synchronized (FakeGateway.this.lock) {
				if (this.closedAtNanos >= 0) {
					// the server closed it, and recorded so when it sent its close frame
					return;
				}
				// 1006: no close frame, the TCP connection just ended
				closed((statusCode == 1006) ? ClosedBy.CONNECTION_LOST : ClosedBy.CLIENT, statusCode);
				// Discord ends the session of a client that closes with 1000 or 1001
				if (statusCode == 1000 || statusCode == 1001) {
					endSession();
				}
			}
		}

		private void receive(int op, JsonNode data) {
			switch (op) {
				case GatewayPayloads.HEARTBEAT -> {
					this.heartbeats++;
					expectHeartbeat();
					send(GatewayPayloads.op(GatewayPayloads.HEARTBEAT_ACK, null));
				}
				case GatewayPayloads.IDENTIFY -> {
					if (this.discordSession != null) {
						closeWith(4005, "Already authenticated.");
					}
					else {
						identify(data);
					}
				}
				case GatewayPayloads.RESUME -> {
					if (this.discordSession != null) {
						closeWith(4005, "Already authenticated.");
					}
					else {
						resume(data);
					}
				}
				case GatewayPayloads.PRESENCE_UPDATE, GatewayPayloads.VOICE_STATE_UPDATE,
						GatewayPayloads.REQUEST_GUILD_MEMBERS -> {
					if (this.discordSession == null) {
						closeWith(4003, "Not authenticated.");
					}
					else if (op == GatewayPayloads.REQUEST_GUILD_MEMBERS) {
						answerMemberRequest(data);
					}
				}
				default -> closeWith(4001, "Unknown opcode.");
			}
		}

		private void identify(JsonNode data) {
			JsonNode shardField = data.path("shard");
			boolean unsharded = shardField.isMissingNode() || shardField.isNull();
			boolean sharded = shardField.isArray() && shardField.size() == 2 && shardField.get(0).isInt()
					&& shardField.get(1).isInt();
			// Recorded even if refused, so that a test finds the refusal among the shard's sessions
			if (data.isObject() && (sharded || unsharded)) {
				this.shard = sharded ? shardField.get(0).intValue() : 0;
				this.shardTotal = sharded ? shardField.get(1).intValue() : 1;
			}
			if (!authenticated(data, "properties")) {
				return;
			}
			int shards = FakeGateway.this.shardCount.getAsInt();
			if (unsharded && shards > 1) {
				closeWith(4011, "Sharding required.");
				return;
			}
			if (!unsharded && (!sharded || this.shardTotal < 1 || this.shard < 0 || this.shard >= this.shardTotal
					|| this.shardTotal > shards)) {
				closeWith(4010, "Invalid shard.");
				return;
			}
			if (this.shardTotal < shards) {
				closeWith(4011, "Sharding required.");
				return;
			}
			int shardId = this.shard;
			int total = this.shardTotal;
			if (!data.path("intents").isInt()) {
				closeWith(4013, "Invalid intent(s).");
				return;
			}
			int intents = data.path("intents").intValue();
			if ((intents & ~KNOWN_INTENTS) != 0) {
				closeWith(4013, "Invalid intent(s).");
				return;
			}
			if ((intents & PRIVILEGED_INTENTS & ~FakeGateway.this.allowedPrivilegedIntents) != 0) {
				closeWith(4014, "Disallowed intent(s).");
				return;
			}
			switch (FakeGateway.this.ledger.admit(shardId, FakeDiscord.Via.GATEWAY)) {
				case READY -> ready(new DiscordSession(shardId, total));
				case INVALID_SESSION -> send(GatewayPayloads.op(GatewayPayloads.INVALID_SESSION, false));
				case TOKEN_RESET -> closeWith(4004, "Authentication failed.");
			}
		}

		private void ready(DiscordSession started) {
			FakeGateway.this.sessions.put(started.id, started);
			this.discordSession = started;
			this.shard = started.shard;
			List<Guild> own = FakeGateway.this.guilds.values()
				.stream()
				.filter((guild) -> (guild.id() >>> 22) % started.total == started.shard)
				.toList();
			// Timed before it leaves: a client that has READY must find the session live
			this.readyAtNanos = System.nanoTime();
			dispatch("READY", GatewayPayloads.ready(FakeGateway.this.botUserId, started.id, FakeGateway.this.url,
					started.shard, started.total, own, FakeGateway.this.allowedPrivilegedIntents));
			for (Guild guild : own) {
				dispatch("GUILD_CREATE", GatewayPayloads.guildCreate(guild, FakeGateway.this.botUserId));
			}
		}

		/**
		 * Check the token of an IDENTIFY or RESUME, closing with 4002 when it or the other
		 * field the payload cannot go without is missing, and with 4004 when it is wrong.
		 */
		private boolean authenticated(JsonNode data, String required) {
			if (!data.isObject() || !data.path("token").isString() || data.path(required).isMissingNode()) {
				closeWith(4002, "Error while decoding payload.");
				return false;
			}
			if (!data.path("token").asString().equals(FakeGateway.this.token)
					|| FakeGateway.this.ledger.tokenReset()) {
				closeWith(4004, "Authentication failed.");
				return false;
			}
			return true;
		}

		private void resume(JsonNode data) {
			if (!authenticated(data, "session_id")) {
				return;
			}
			if (!data.path("session_id").isString() || !data.path("seq").isInt()) {
				closeWith(4002, "Error while decoding payload.");
				return;
			}
			DiscordSession known = FakeGateway.this.sessions.get(data.path("session_id").asString());
			int sequence = data.path("seq").intValue();
			if (known == null || sequence < 0 || sequence > known.sequence) {
				send(GatewayPayloads.op(GatewayPayloads.INVALID_SESSION, false));
				return;
			}
			this.discordSession = known;
			this.shard = known.shard;
			this.shardTotal = known.total;
			this.resumed = true;
			// Nothing was dispatched since READY and its GUILD_CREATEs, so nothing to replay
			this.readyAtNanos = System.nanoTime();
			dispatch("RESUMED", GatewayPayloads.mapper.createObjectNode());
		}

		private void answerMemberRequest(JsonNode data) {
			JsonNode requested = data.path("guild_id");
			List<String> ids = new ArrayList<>();
			if (requested.isArray()) {
				requested.forEach((id) -> ids.add(id.asString()));
			}
			else {
				ids.add(requested.asString());
			}
			String nonce = data.path("nonce").isString() ? data.path("nonce").asString() : null;
			for (String id : ids) {
				Guild guild = FakeGateway.this.guilds.get(Long.parseUnsignedLong(id));
				if (guild != null) {
					dispatch("GUILD_MEMBERS_CHUNK", GatewayPayloads.memberChunk(guild, FakeGateway.this.botUserId, nonce));
				}
			}
		}

		private void dispatch(String event, ObjectNode data) {
			send(GatewayPayloads.dispatch(event, ++this.discordSession.sequence, data));
		}

		void send(ObjectNode payload) {
			if (this.session == null || this.closedAtNanos >= 0) {
				return;
			}
			String json = GatewayPayloads.mapper.writeValueAsString(payload);
			if (this.deflater == null) {
				this.session.sendText(json, Callback.NOOP);
			}
			else {
				this.session.sendBinary(ByteBuffer.wrap(deflate(json)), Callback.NOOP);
			}
		}

		/**
		 * Compress one payload as Discord's {@code zlib-stream}: one deflate stream per
		 * connection, each payload ending with a sync flush ({@code 00 00 ff ff}), so that a
		 * client inflates every message with the dictionary of all before it.
		 */
		private byte[] deflate(String json) {
			this.deflater.setInput(json.getBytes(StandardCharsets.UTF_8));
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			int written;
			do {
				written = this.deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
				out.write(buffer, 0, written);
			}
			while (written == buffer.length);
			return out.toByteArray();
		}

		void closeWith(int code, String reason) {
			if (this.closedAtNanos >= 0 || this.session == null) {
				return;
			}
			// Closed from now on: nothing more is sent, and the session is no longer live
			closed(ClosedBy.SERVER, code);
			if (SESSION_ENDING_CODES.contains(code)) {
				endSession();
			}
			this.session.close(code, reason, Callback.NOOP);
		}

		private void closed(ClosedBy by, int code) {
			this.closedAtNanos = System.nanoTime();
			this.closedBy = by;
			this.closeCode = code;
			if (this.heartbeatDeadline != null) {
				this.heartbeatDeadline.cancel();
			}
			if (this.deflater != null) {
				this.deflater.end();
			}
		}

		private void endSession() {
			if (this.discordSession != null) {
				FakeGateway.this.sessions.remove(this.discordSession.id);
			}
		}

		/** Discord closes with 4009 a session that sent no heartbeat for 1.5 intervals. */
		private void expectHeartbeat() {
			if (this.heartbeatDeadline != null) {
				this.heartbeatDeadline.cancel();
			}
			if (!FakeGateway.this.heartbeatTimeout) {
				return;
			}
			long timeout = FakeGateway.this.heartbeatIntervalMillis * 3 / 2;
			this.heartbeatDeadline = FakeGateway.this.scheduler.schedule(() -> {
				synchronized (FakeGateway.this.lock) {
					closeWith(4009, "Session timed out.");
				}
			}, timeout, TimeUnit.MILLISECONDS);
		}

		private boolean overRateLimit() {
			long now = System.nanoTime();
			long minuteAgo = now - TimeUnit.MINUTES.toNanos(1);
			while (!this.recentPayloads.isEmpty() && this.recentPayloads.peekFirst() - minuteAgo < 0) {
				this.recentPayloads.removeFirst();
			}
			this.recentPayloads.addLast(now);
			return this.recentPayloads.size() > PAYLOADS_PER_MINUTE;
		}

		GatewaySession snapshot() {
			DiscordSession started = this.discordSession;
			return new GatewaySession(this.id, (started != null) ? started.id : null, this.shard, this.shardTotal,
					this.resumed, this.deflater != null, this.openedAtNanos,
					this.readyAtNanos, this.closedAtNanos, this.closeCode, this.closedBy, this.heartbeats);
		}

	}

}
