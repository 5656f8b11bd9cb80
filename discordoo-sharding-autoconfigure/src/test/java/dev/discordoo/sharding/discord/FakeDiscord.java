package dev.discordoo.sharding.discord;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake Discord for tests: a real HTTP and WebSocket server (Jetty) on {@code 127.0.0.1},
 * strict where Discord is strict, so that a client that gets away with something here would
 * get away with it in production too. A real, unmodified JDA runs against it.
 *
 * <h2>REST, under {@link #apiUrl()}</h2>
 * <ul>
 * <li>{@code GET /gateway/bot}, with the configured shard count, gateway URL (this fake's own
 * WebSocket gateway unless {@link #gatewayUrl(String)} set another) and session start limit,
 * and the 429s and 502s asked for with {@link #rateLimitNext(int, Duration)} and
 * {@link #failNext(int)};</li>
 * <li>{@code GET /users/@me}: the bot user ({@link #botUserId()}), as JDA asks at login;</li>
 * <li>{@code POST /fake-gateway/identify} with a body of {@code {"shard":[id,total]}}: a
 * stand-in for the gateway's IDENTIFY for clients that do not speak WebSocket. It shares the
 * gateway's daily budget and bucket windows (see below) and answers READY
 * ({@code {"op":0,"t":"READY","d":{"shard":[id,total]}}}), INVALID_SESSION
 * ({@code {"op":9,"d":false}}) or 401 once the token was reset.</li>
 * </ul>
 * Every request must carry {@code Authorization: Bot <token>}, or it is answered 401; once
 * the token was reset, every request is. Other paths are answered 404. Every request is
 * recorded ({@link #restCalls()}).
 *
 * <h2>The WebSocket gateway, at {@link #gatewayWebSocketUrl()}</h2>
 * Gateway v10 with {@code encoding=json}, optionally {@code compress=zlib-stream} (one deflate
 * stream per connection, each payload sync-flushed, in binary frames; text frames without).
 * Like Discord's it sends HELLO on open, answers HEARTBEAT with HEARTBEAT_ACK, and checks an
 * IDENTIFY: token (4004), shard (4010 for an impossible shard or a total above the configured
 * {@link #shards(int)}, 4011 for a lower total or none while sharding is needed), intents
 * (4013 for unknown bits, 4014 for a privileged intent not allowed with
 * {@link #allowPrivilegedIntents(int)}); a second IDENTIFY or RESUME on a connection is
 * closed with 4005, any other payload before one with 4003, an unknown op with 4001, a payload
 * that is not a JSON object with an op with 4002, more than 120 payloads a minute with 4008,
 * and a connection that sends no heartbeat for 1.5 heartbeat intervals with 4009. An accepted
 * IDENTIFY gets READY (user, unavailable guild stubs, {@code session_id},
 * {@code resume_gateway_url}, shard, application) and a GUILD_CREATE for each
 * {@link #guild(long, String, int) guild} of its shard ({@code (id >> 22) % total}), with
 * sequence numbers. A RESUME with a known session and a sequence not past the last one
 * dispatched gets RESUMED (nothing to replay, as the fake dispatches nothing after the
 * GUILD_CREATEs); any other gets INVALID_SESSION ({@code d: false}). As Discord does, a client
 * that closes with 1000 or 1001 ends its session, and so do closes with 4004, 4007, 4009 and
 * 4010 to 4014.
 *
 * <h2>IDENTIFY limits, shared by the gateway and the REST stand-in</h2>
 * As Discord's gateway does, the fake refuses an IDENTIFY that comes less than
 * {@link #identifyWindow(Duration)} after an accepted one of the same bucket
 * ({@code id % maxConcurrency}) with INVALID_SESSION, still charging it to the daily budget,
 * and it resets the token when an IDENTIFY comes with no budget left. The daily budget resets
 * lazily: each request (and {@link #remaining()}) first checks whether the reset time has
 * passed and, if so, refills {@code remaining} to {@code total} and sets the next reset 24
 * hours later.
 *
 * <p>Thread-safe. {@link #close()} stops the server and every thread it started.
 */
public final class FakeDiscord implements AutoCloseable {

	/** The path of the API under the server's root. */
	public static final String API_PATH = "/api/v10";

	/** The privileged intent {@code GUILD_MEMBERS}. */
	public static final int GUILD_MEMBERS = 1 << 1;

	/** The privileged intent {@code GUILD_PRESENCES}. */
	public static final int GUILD_PRESENCES = 1 << 8;

	/** The privileged intent {@code MESSAGE_CONTENT}. */
	public static final int MESSAGE_CONTENT = 1 << 15;

	private static final String GATEWAY_BOT = API_PATH + "/gateway/bot";

	private static final String IDENTIFY = API_PATH + "/fake-gateway/identify";

	private static final String USERS_ME = API_PATH + "/users/@me";

	private static final String JSON = "application/json";

	// The user id of a bot whose token does not start with one, as Discord's tokens do
	private static final long DEFAULT_BOT_USER_ID = 1_000_000_000_000_000_001L;

	private final String token;

	private final long botUserId;

	private final Server server;

	private final int port;

	private final IdentifyLedger ledger = new IdentifyLedger();

	private final FakeGateway gateway;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final Object lock = new Object();

	// All state below is guarded by the lock

	private int shards = 1;

	private String gatewayUrl;

	private int rateLimitedCalls;

	private Duration rateLimitRetryAfter = Duration.ZERO;

	private int failedCalls;

	private int gatewayBotCalls;

	private final List<RestCall> restCalls = new ArrayList<>();

	private FakeDiscord(String token) throws Exception {
		this.token = token;
		this.botUserId = botUserId(token);
		QueuedThreadPool threads = new QueuedThreadPool(16, 2);
		threads.setName("fake-discord");
		threads.setDaemon(true);
		// Jetty's scheduler also times the gateway's heartbeat deadlines
		ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("fake-discord-scheduler", true);
		this.server = new Server(threads, scheduler, null);
		this.gateway = new FakeGateway(this.ledger, this::shardCount, token, this.botUserId, scheduler);
		ServerConnector connector = new ServerConnector(this.server, 1, 1);
		connector.setHost("127.0.0.1");
		connector.setPort(0);
		this.server.addConnector(connector);
		WebSocketUpgradeHandler webSockets = WebSocketUpgradeHandler.from(this.server, (container) -> {
			// Discord closes idle sessions itself, with 4009 (see FakeGateway), not Jetty
			container.setIdleTimeout(Duration.ofHours(1));
			container.addMapping("/", (request, response, callback) -> this.gateway.connect(request));
		});
		webSockets.setHandler(new Rest());
		this.server.setHandler(webSockets);
		try {
			this.server.start();
		}
		catch (Exception ex) {
			this.server.stop();
			throw ex;
		}
		this.port = connector.getLocalPort();
		this.gateway.url(gatewayWebSocketUrl());
	}

	/**
	 * Start a fake Discord on a free port of {@code 127.0.0.1}.
	 * @param token the only bot token it accepts
	 * @return the started fake
	 */
	public static FakeDiscord start(String token) {
		if (token == null || token.isBlank()) {
			throw new IllegalArgumentException("token must not be empty");
		}
		try {
			return new FakeDiscord(token);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not start the fake Discord", ex);
		}
	}

	/**
	 * Return the base URL of the fake's REST API.
	 * @return {@code http://127.0.0.1:<port>/api/v10}
	 */
	public String apiUrl() {
		return "http://127.0.0.1:" + port() + API_PATH;
	}

	/**
	 * Return the URL of the fake's WebSocket gateway, which {@code /gateway/bot} answers unless
	 * {@link #gatewayUrl(String)} set another, and which READY names as
	 * {@code resume_gateway_url}. Like Discord's, it has no path: clients append
	 * {@code ?v=10&encoding=json} and possibly {@code &compress=zlib-stream}.
	 * @return {@code ws://127.0.0.1:<port>}
	 */
	public String gatewayWebSocketUrl() {
		return "ws://127.0.0.1:" + port();
	}

	/**
	 * Return the port the fake listens on, for REST and the gateway alike.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the id of the bot user: as in Discord's tokens, the first part of the token,
	 * base64-encoded, when it is one; a fixed id otherwise.
	 * @return the bot user's id
	 */
	public long botUserId() {
		return this.botUserId;
	}

	/**
	 * Set the number of shards {@code /gateway/bot} recommends. The gateway holds IDENTIFYs to
	 * it: a shard total above it is closed with 4010, below it with 4011.
	 * @param shards the shard count; at least 1
	 * @return this fake
	 */
	public FakeDiscord shards(int shards) {
		if (shards < 1) {
			throw new IllegalArgumentException("shards must be at least 1, was " + shards);
		}
		synchronized (this.lock) {
			this.shards = shards;
		}
		return this;
	}

	/**
	 * Set the number of identify buckets ({@code max_concurrency}).
	 * @param maxConcurrency the bucket count; at least 1
	 * @return this fake
	 */
	public FakeDiscord maxConcurrency(int maxConcurrency) {
		if (maxConcurrency < 1) {
			throw new IllegalArgumentException("maxConcurrency must be at least 1, was " + maxConcurrency);
		}
		this.ledger.maxConcurrency(maxConcurrency);
		return this;
	}

	/**
	 * Set the daily session start budget.
	 * @param total the session starts allowed per day; not negative
	 * @param remaining the session starts left; not negative
	 * @param resetAfter the time from now until {@code remaining} goes back to
	 * {@code total}; not negative
	 * @return this fake
	 */
	public FakeDiscord sessionStartLimit(int total, int remaining, Duration resetAfter) {
		if (total < 0 || remaining < 0) {
			throw new IllegalArgumentException("total and remaining must not be negative, were " + total + " and "
					+ remaining);
		}
		if (resetAfter == null || resetAfter.isNegative()) {
			throw new IllegalArgumentException("resetAfter must not be negative, was " + resetAfter);
		}
		this.ledger.sessionStartLimit(total, remaining, resetAfter);
		return this;
	}

	/**
	 * Set the gateway URL {@code /gateway/bot} answers, instead of this fake's own
	 * {@link #gatewayWebSocketUrl()}.
	 * @param gatewayUrl the URL
	 * @return this fake
	 */
	public FakeDiscord gatewayUrl(String gatewayUrl) {
		if (gatewayUrl == null || gatewayUrl.isBlank()) {
			throw new IllegalArgumentException("gatewayUrl must not be empty");
		}
		synchronized (this.lock) {
			this.gatewayUrl = gatewayUrl;
		}
		return this;
	}

	/**
	 * Set the least time between two accepted IDENTIFYs of the same bucket, over the gateway
	 * and the REST stand-in together. Discord's is 5 seconds.
	 * @param identifyWindow the spacing; not negative
	 * @return this fake
	 */
	public FakeDiscord identifyWindow(Duration identifyWindow) {
		if (identifyWindow == null || identifyWindow.isNegative()) {
			throw new IllegalArgumentException("identifyWindow must not be negative, was " + identifyWindow);
		}
		this.ledger.identifyWindow(identifyWindow);
		return this;
	}

	/**
	 * Set the token the gateway accepts in IDENTIFY and RESUME; by default the one the fake
	 * was started with. Another makes the gateway close with 4004 while REST still accepts the
	 * start token, as when a token is reset between a client's REST login and its IDENTIFY.
	 * @param token the token the gateway accepts
	 * @return this fake
	 */
	public FakeDiscord gatewayToken(String token) {
		if (token == null || token.isBlank()) {
			throw new IllegalArgumentException("token must not be empty");
		}
		this.gateway.token(token);
		return this;
	}

	/**
	 * Set the {@code heartbeat_interval} HELLO announces to new connections; Discord's is
	 * 41.25 seconds, the default. A connection that sends no HEARTBEAT for 1.5 intervals is
	 * closed with 4009, as Discord does.
	 * @param interval the interval; at least 1ms
	 * @return this fake
	 */
	public FakeDiscord heartbeatInterval(Duration interval) {
		if (interval == null || interval.toMillis() < 1) {
			throw new IllegalArgumentException("interval must be at least 1ms, was " + interval);
		}
		this.gateway.heartbeatInterval(interval);
		return this;
	}

	/**
	 * Set whether the gateway closes with 4009 a connection that sends no heartbeat for 1.5
	 * heartbeat intervals, as Discord does; on by default. Changes apply from the next
	 * heartbeat of each connection.
	 * @param enabled whether a missed heartbeat closes the connection
	 * @return this fake
	 */
	public FakeDiscord heartbeatTimeout(boolean enabled) {
		this.gateway.heartbeatTimeout(enabled);
		return this;
	}

	/**
	 * Set the privileged intents the bot may ask for, as enabled in Discord's developer
	 * portal: any of {@link #GUILD_MEMBERS}, {@link #GUILD_PRESENCES},
	 * {@link #MESSAGE_CONTENT}. An IDENTIFY with another privileged intent is closed with
	 * 4014. None, as for a new Discord application, by default.
	 * @param intents the allowed privileged intents, or-ed together
	 * @return this fake
	 */
	public FakeDiscord allowPrivilegedIntents(int intents) {
		if ((intents & ~FakeGateway.PRIVILEGED_INTENTS) != 0) {
			throw new IllegalArgumentException("intents must be privileged intents only, was " + intents);
		}
		this.gateway.allowedPrivilegedIntents(intents);
		return this;
	}

	/**
	 * Add a guild the bot is in (or replace the one with the same id). READY lists it as
	 * unavailable to the shard {@code (id >> 22) % total}, and a GUILD_CREATE with the bot as
	 * its only cached member follows, as Discord sends them for a guild with more members than
	 * it sends at once; a REQUEST_GUILD_MEMBERS for it gets one chunk with the bot.
	 * @param id the guild's snowflake
	 * @param name the guild's name
	 * @param memberCount the guild's {@code member_count}; at least 1 (the bot)
	 * @return this fake
	 */
	public FakeDiscord guild(long id, String name, int memberCount) {
		if (memberCount < 1) {
			throw new IllegalArgumentException("memberCount must be at least 1, was " + memberCount);
		}
		this.gateway.guild(new Guild(id, name, memberCount));
		return this;
	}

	/**
	 * Return the guilds added with {@link #guild(long, String, int)}, by id.
	 * @return a copy of the guilds
	 */
	public List<Guild> guilds() {
		return this.gateway.guilds();
	}

	/**
	 * Answer the next calls to {@code /gateway/bot} with 429, a {@code Retry-After} header in
	 * (possibly fractional) seconds and Discord's rate limit body. Replaces any earlier
	 * setting. Requests that fail authentication, or are answered 502 by
	 * {@link #failNext(int)}, do not use these up.
	 * @param calls how many calls to rate-limit
	 * @param retryAfter how long each 429 asks to wait
	 * @return this fake
	 */
	public FakeDiscord rateLimitNext(int calls, Duration retryAfter) {
		if (calls < 0) {
			throw new IllegalArgumentException("calls must not be negative, was " + calls);
		}
		if (retryAfter == null || retryAfter.isNegative()) {
			throw new IllegalArgumentException("retryAfter must not be negative, was " + retryAfter);
		}
		synchronized (this.lock) {
			this.rateLimitedCalls = calls;
			this.rateLimitRetryAfter = retryAfter;
		}
		return this;
	}

	/**
	 * Answer the next calls to {@code /gateway/bot} with 502 Bad Gateway and an HTML body, as
	 * Discord's proxies do. Replaces any earlier setting. Checked before
	 * {@link #rateLimitNext(int, Duration)}.
	 * @param calls how many calls to fail
	 * @return this fake
	 */
	public FakeDiscord failNext(int calls) {
		if (calls < 0) {
			throw new IllegalArgumentException("calls must not be negative, was " + calls);
		}
		synchronized (this.lock) {
			this.failedCalls = calls;
		}
		return this;
	}

	/**
	 * Close every live (READY or RESUMED, not closed) gateway connection of a shard from the
	 * server side with a close code, as Discord does on errors and maintenance. With 4004,
	 * 4007, 4009 or 4010 to 4014 its session ends (a RESUME gets INVALID_SESSION); with
	 * others it can be resumed.
	 * @param shard the shard id
	 * @param code the WebSocket close code
	 * @return how many connections were closed
	 */
	public int closeShard(int shard, int code) {
		return this.gateway.closeShard(shard, code, "closed by the test");
	}

	/**
	 * Send RECONNECT (op 7) on every live gateway connection of a shard, as Discord does
	 * before it moves a session: the client should close and RESUME on a new connection.
	 * @param shard the shard id
	 * @return how many connections were asked
	 */
	public int requestReconnect(int shard) {
		return this.gateway.requestReconnect(shard);
	}

	/**
	 * Return every gateway connection so far, open or closed, in the order they opened.
	 * @return snapshots of the connections
	 */
	public List<GatewaySession> gatewaySessions() {
		return this.gateway.sessions();
	}

	/**
	 * Return the gateway connections so far that identified (accepted or not) or resumed as a
	 * shard.
	 * @param shard the shard id
	 * @return snapshots of the shard's connections, in the order they opened
	 */
	public List<GatewaySession> gatewaySessions(int shard) {
		return gatewaySessions().stream().filter((session) -> session.shard() == shard).toList();
	}

	/**
	 * Return the live gateway connections: READY or RESUMED, not closed.
	 * @return snapshots of the live connections
	 */
	public List<GatewaySession> liveSessions() {
		return gatewaySessions().stream().filter(GatewaySession::live).toList();
	}

	/**
	 * Return the live gateway connections of a shard.
	 * @param shard the shard id
	 * @return snapshots of the shard's live connections
	 */
	public List<GatewaySession> liveSessions(int shard) {
		return gatewaySessions(shard).stream().filter(GatewaySession::live).toList();
	}

	/**
	 * Return whether a shard had a live gateway connection (READY or RESUMED sent, not yet
	 * closed) at every moment between two instants.
	 * @param shard the shard id
	 * @param fromNanos the start, from {@link System#nanoTime()}
	 * @param toNanos the end, from {@link System#nanoTime()}
	 * @return whether the shard was live throughout
	 */
	public boolean shardLiveThroughout(int shard, long fromNanos, long toNanos) {
		List<GatewaySession> ready = gatewaySessions(shard).stream()
			.filter((session) -> session.readyAtNanos() >= 0)
			.sorted((a, b) -> Long.compare(a.readyAtNanos(), b.readyAtNanos()))
			.toList();
		// Walk the sessions by READY time, extending the covered span while they overlap
		long coveredUntil = fromNanos;
		boolean covered = false;
		for (GatewaySession session : ready) {
			if (session.readyAtNanos() - coveredUntil > 0) {
				break;
			}
			if (session.closedAtNanos() < 0) {
				return true;
			}
			if (session.closedAtNanos() - coveredUntil > 0) {
				coveredUntil = session.closedAtNanos();
				covered = true;
			}
		}
		return covered && coveredUntil - toNanos > 0;
	}

	/**
	 * Return how many requests reached {@code /gateway/bot}, whatever they were answered.
	 * @return the call count
	 */
	public int gatewayBotCalls() {
		synchronized (this.lock) {
			return this.gatewayBotCalls;
		}
	}

	/**
	 * Return every REST request the fake received, whatever it was answered.
	 * @return a copy of the requests, in arrival order
	 */
	public List<RestCall> restCalls() {
		synchronized (this.lock) {
			return List.copyOf(this.restCalls);
		}
	}

	/**
	 * Return the session starts left, after refilling the budget if its reset time passed.
	 * @return the remaining budget
	 */
	public int remaining() {
		return this.ledger.sessionStartLimit().remaining();
	}

	/**
	 * Return whether the token was reset because an IDENTIFY came with no budget left. Once
	 * it is, every request is answered 401 and every IDENTIFY or RESUME closed with 4004.
	 * @return whether the token was reset
	 */
	public boolean tokenReset() {
		return this.ledger.tokenReset();
	}

	/**
	 * Return every authenticated, well-formed IDENTIFY (over the gateway: with the right
	 * token, shard and intents), in arrival order.
	 * @return a copy of the IDENTIFYs
	 */
	public List<Identify> identifies() {
		return this.ledger.identifies();
	}

	/**
	 * Return the IDENTIFYs Discord would have refused: those inside the identify window of
	 * their bucket, and the one that reset the token.
	 * @return a copy of the refused IDENTIFYs, in arrival order
	 */
	public List<Identify> violations() {
		return identifies().stream().filter((identify) -> !identify.accepted()).toList();
	}

	/**
	 * Stop the server: close every gateway connection with 1001 (going away), then stop
	 * Jetty, leaving none of its threads behind.
	 */
	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.gateway.closeAll();
			try {
				this.server.stop();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Could not stop the fake Discord", ex);
			}
		}
	}

	@Override
	public String toString() {
		return "FakeDiscord[" + apiUrl() + "]";
	}

	private int shardCount() {
		synchronized (this.lock) {
			return this.shards;
		}
	}

	private static long botUserId(String token) {
		try {
			String first = token.substring(0, Math.max(0, token.indexOf('.')));
			return Long.parseUnsignedLong(new String(Base64.getDecoder().decode(first), StandardCharsets.US_ASCII));
		}
		catch (IllegalArgumentException ex) {
			return DEFAULT_BOT_USER_ID;
		}
	}

	private Answer answer(String method, String path, String authorization, byte[] body) {
		synchronized (this.lock) {
			this.restCalls.add(new RestCall(method, path, System.nanoTime()));
			if (GATEWAY_BOT.equals(path)) {
				this.gatewayBotCalls++;
			}
			if (this.ledger.tokenReset() || !("Bot " + this.token).equals(authorization)) {
				return Answer.json(401, "{\"message\":\"401: Unauthorized\",\"code\":0}");
			}
			if (GATEWAY_BOT.equals(path)) {
				return "GET".equals(method) ? gatewayBot() : methodNotAllowed();
			}
			if (USERS_ME.equals(path)) {
				return "GET".equals(method)
						? Answer.json(200, GatewayPayloads.mapper.writeValueAsString(GatewayPayloads.botUser(this.botUserId)))
						: methodNotAllowed();
			}
			if (IDENTIFY.equals(path)) {
				return "POST".equals(method) ? identify(body) : methodNotAllowed();
			}
			return Answer.json(404, "{\"message\":\"404: Not Found\",\"code\":0}");
		}
	}

	private Answer gatewayBot() {
		if (this.failedCalls > 0) {
			this.failedCalls--;
			return new Answer(502, "text/html", Map.of(),
					"<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>");
		}
		if (this.rateLimitedCalls > 0) {
			this.rateLimitedCalls--;
			BigDecimal seconds = BigDecimal.valueOf(this.rateLimitRetryAfter.toMillis()).movePointLeft(3);
			ObjectNode limited = GatewayPayloads.mapper.createObjectNode();
			limited.put("message", "You are being rate limited.");
			limited.put("retry_after", seconds.doubleValue());
			limited.put("global", false);
			return new Answer(429, JSON, Map.of("Retry-After", seconds.stripTrailingZeros().toPlainString()),
					GatewayPayloads.mapper.writeValueAsString(limited));
		}
		IdentifyLedger.SessionStartLimit limit = this.ledger.sessionStartLimit();
		ObjectNode root = GatewayPayloads.mapper.createObjectNode();
		root.put("url", (this.gatewayUrl != null) ? this.gatewayUrl : gatewayWebSocketUrl());
		root.put("shards", this.shards);
		ObjectNode limitNode = root.putObject("session_start_limit");
		limitNode.put("total", limit.total());
		limitNode.put("remaining", limit.remaining());
		limitNode.put("reset_after", TimeUnit.NANOSECONDS.toMillis(limit.resetAfterNanos()));
		limitNode.put("max_concurrency", limit.maxConcurrency());
		return Answer.json(200, GatewayPayloads.mapper.writeValueAsString(root));
	}

	private Answer identify(byte[] body) {
		int[] shard = parseShard(body);
		if (shard == null) {
			return Answer.json(400, "{\"message\":\"Invalid shard\",\"code\":4010}");
		}
		return switch (this.ledger.admit(shard[0], Via.REST_STAND_IN)) {
			case READY ->
				Answer.json(200, "{\"op\":0,\"t\":\"READY\",\"d\":{\"shard\":[" + shard[0] + "," + shard[1] + "]}}");
			case INVALID_SESSION -> Answer.json(200, "{\"op\":9,\"d\":false}");
			case TOKEN_RESET -> Answer.json(401, "{\"message\":\"401: Unauthorized\",\"code\":0}");
		};
	}

	private static int[] parseShard(byte[] body) {
		try {
			JsonNode shard = GatewayPayloads.mapper.readTree(body).path("shard");
			if (!shard.isArray() || shard.size() != 2 || !shard.get(0).isInt() || !shard.get(1).isInt()) {
				return null;
			}
			int id = shard.get(0).intValue();
			int total = shard.get(1).intValue();
			return (total >= 1 && id >= 0 && id < total) ? new int[] { id, total } : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static Answer methodNotAllowed() {
		return Answer.json(405, "{\"message\":\"405: Method Not Allowed\",\"code\":0}");
	}

	/** The REST API: every request that is not a WebSocket upgrade. */
	private final class Rest extends Handler.Abstract {

		@Override
		public boolean handle(Request request, Response response, Callback callback) {
			Answer answer;
			try (InputStream in = Request.asInputStream(request)) {
				// Read the whole request before answering, so that the connection stays usable
				byte[] body = in.readAllBytes();
				answer = answer(request.getMethod(), Request.getPathInContext(request),
						request.getHeaders().get("Authorization"), body);
			}
			catch (IOException | RuntimeException ex) {
				answer = Answer.json(500, "{\"message\":\"500: Internal Server Error\",\"code\":0}");
			}
			response.setStatus(answer.status());
			response.getHeaders().put("Content-Type", answer.contentType());
			answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
			response.write(true, ByteBuffer.wrap(answer.body().getBytes(StandardCharsets.UTF_8)), callback);
			return true;
		}

	}

	/** How an IDENTIFY reached the fake. */
	public enum Via {

		/** An IDENTIFY payload (op 2) on a WebSocket connection to the gateway. */
		GATEWAY,

		/** A {@code POST /fake-gateway/identify}. */
		REST_STAND_IN

	}

	/** Who ended a gateway connection. */
	public enum ClosedBy {

		/** The fake sent the close frame (its code is the one it chose). */
		SERVER,

		/** The client sent the close frame. */
		CLIENT,

		/** The connection ended without a close frame (1006), as when a process is killed. */
		CONNECTION_LOST

	}

	/**
	 * An IDENTIFY the fake received.
	 *
	 * @param shard the shard id
	 * @param bucket the identify bucket, {@code shard % maxConcurrency}
	 * @param atNanos when it arrived, from {@link System#nanoTime()}
	 * @param accepted whether it was answered READY; {@code false} for an INVALID_SESSION or
	 * the IDENTIFY that reset the token
	 * @param via how it came
	 */
	public record Identify(int shard, int bucket, long atNanos, boolean accepted, Via via) {
	}

	/**
	 * A snapshot of one WebSocket connection to the fake gateway. A RESUME on a new
	 * connection makes a new record with the same {@code sessionId}. Times are from
	 * {@link System#nanoTime()}; {@code -1} when it has not happened.
	 *
	 * @param connection the connection's number, from 1 in the order they opened
	 * @param sessionId the Discord session it started or resumed, or {@code null}
	 * @param shard the shard it asked for in IDENTIFY (accepted or not) or resumed as, or
	 * {@code -1}
	 * @param shardTotal the shard total that came with it, or {@code -1}
	 * @param resumed whether it resumed a session instead of identifying
	 * @param compressed whether it asked for {@code compress=zlib-stream}
	 * @param openedAtNanos when the WebSocket opened
	 * @param readyAtNanos when READY or RESUMED was sent (taken just before, so that a
	 * client that has it never sees a later time)
	 * @param closedAtNanos when it closed: when the fake sent its close frame if it closed
	 * it (it dispatches nothing after), else when the client's close frame or the end of the
	 * connection arrived
	 * @param closeCode its close code
	 * @param closedBy who closed it, or {@code null} while open
	 * @param heartbeats how many HEARTBEATs it sent
	 */
	public record GatewaySession(int connection, String sessionId, int shard, int shardTotal, boolean resumed,
			boolean compressed, long openedAtNanos, long readyAtNanos, long closedAtNanos, int closeCode,
			ClosedBy closedBy, int heartbeats) {

		/**
		 * Return whether READY or RESUMED was sent and the connection is still open.
		 * @return whether it is live
		 */
		public boolean live() {
			return this.readyAtNanos >= 0 && this.closedAtNanos < 0;
		}

		/**
		 * Return whether the connection closed.
		 * @return whether it closed
		 */
		public boolean closed() {
			return this.closedAtNanos >= 0;
		}

	}

	/**
	 * A guild the bot is in.
	 *
	 * @param id the guild's snowflake
	 * @param name its name
	 * @param memberCount its {@code member_count}
	 */
	public record Guild(long id, String name, int memberCount) {
	}

	/**
	 * A REST request the fake received.
	 *
	 * @param method the HTTP method
	 * @param path the path, from the server's root (with {@link #API_PATH})
	 * @param atNanos when it arrived, from {@link System#nanoTime()}
	 */
	public record RestCall(String method, String path, long atNanos) {
	}

	private record Answer(int status, String contentType, Map<String, String> headers, String body) {

		static Answer json(int status, String body) {
			return new Answer(status, JSON, Map.of(), body);
		}

	}

}
