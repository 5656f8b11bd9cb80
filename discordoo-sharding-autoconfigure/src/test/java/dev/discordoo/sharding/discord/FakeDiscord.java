package dev.discordoo.sharding.discord;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake Discord for tests: a real HTTP server on {@code 127.0.0.1}, strict where Discord is
 * strict, so that a client that gets away with something here would get away with it in
 * production too.
 *
 * <p>It serves, under {@link #apiUrl()}:
 * <ul>
 * <li>{@code GET /gateway/bot}, with the configured shard count, gateway URL and session
 * start limit, and the 429s and 502s asked for with {@link #rateLimitNext(int, Duration)} and
 * {@link #failNext(int)};</li>
 * <li>{@code POST /fake-gateway/identify} with a body of {@code {"shard":[id,total]}}, a
 * stand-in for the gateway's IDENTIFY until a WebSocket gateway exists. As Discord's gateway
 * does, it rejects an IDENTIFY that comes less than {@link #identifyWindow(Duration)} after
 * an accepted one of the same bucket ({@code id % maxConcurrency}) with INVALID_SESSION
 * ({@code {"op":9,"d":false}}), still charging it to the daily budget, and it resets the
 * token when an IDENTIFY comes with no budget left.</li>
 * </ul>
 * Every request must carry {@code Authorization: Bot <token>}, or it is answered 401; once
 * the token was reset, every request is. Other paths are answered 404.
 *
 * <p>The daily budget resets lazily: each request (and {@link #remaining()}) first checks
 * whether the reset time has passed and, if so, refills {@code remaining} to {@code total}
 * and sets the next reset 24 hours later.
 *
 * <p>Thread-safe.
 */
public final class FakeDiscord implements AutoCloseable {

	/** The path of the API under the server's root. */
	public static final String API_PATH = "/api/v10";

	private static final String GATEWAY_BOT = API_PATH + "/gateway/bot";

	private static final String IDENTIFY = API_PATH + "/fake-gateway/identify";

	private static final Duration DAY = Duration.ofHours(24);

	private static final String JSON = "application/json";

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final String token;

	private final HttpServer server;

	private final ExecutorService executor;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final Object lock = new Object();

	// All state below is guarded by the lock: a request reads and changes several fields at
	// once, as Discord would in one transaction

	private int shards = 1;

	private int maxConcurrency = 1;

	private int total = 1000;

	private int remaining = 1000;

	private long resetAtNanos;

	private String gatewayUrl = "wss://gateway.fake.invalid";

	private Duration identifyWindow = Duration.ofSeconds(5);

	private int rateLimitedCalls;

	private Duration rateLimitRetryAfter = Duration.ZERO;

	private int failedCalls;

	private int gatewayBotCalls;

	private boolean tokenReset;

	private final List<Identify> identifies = new ArrayList<>();

	private final Map<Integer, Long> lastAcceptedByBucket = new HashMap<>();

	private FakeDiscord(String token) throws IOException {
		this.token = token;
		this.resetAtNanos = System.nanoTime() + DAY.toNanos();
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		AtomicInteger threads = new AtomicInteger();
		this.executor = Executors.newFixedThreadPool(4, (runnable) -> {
			Thread thread = new Thread(runnable, "fake-discord-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
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
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the fake Discord", ex);
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
	 * Return the port the fake listens on.
	 * @return the port
	 */
	public int port() {
		return this.server.getAddress().getPort();
	}

	/**
	 * Set the number of shards {@code /gateway/bot} recommends.
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
		synchronized (this.lock) {
			this.maxConcurrency = maxConcurrency;
		}
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
		synchronized (this.lock) {
			this.total = total;
			this.remaining = remaining;
			this.resetAtNanos = System.nanoTime() + resetAfter.toNanos();
		}
		return this;
	}

	/**
	 * Set the gateway URL {@code /gateway/bot} answers.
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
	 * Set the least time between two accepted IDENTIFYs of the same bucket.
	 * @param identifyWindow the spacing; not negative
	 * @return this fake
	 */
	public FakeDiscord identifyWindow(Duration identifyWindow) {
		if (identifyWindow == null || identifyWindow.isNegative()) {
			throw new IllegalArgumentException("identifyWindow must not be negative, was " + identifyWindow);
		}
		synchronized (this.lock) {
			this.identifyWindow = identifyWindow;
		}
		return this;
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
	 * Return how many requests reached {@code /gateway/bot}, whatever they were answered.
	 * @return the call count
	 */
	public int gatewayBotCalls() {
		synchronized (this.lock) {
			return this.gatewayBotCalls;
		}
	}

	/**
	 * Return the session starts left, after refilling the budget if its reset time passed.
	 * @return the remaining budget
	 */
	public int remaining() {
		synchronized (this.lock) {
			resetBudgetIfDue(System.nanoTime());
			return this.remaining;
		}
	}

	/**
	 * Return whether the token was reset because an IDENTIFY came with no budget left. Once
	 * it is, every request is answered 401.
	 * @return whether the token was reset
	 */
	public boolean tokenReset() {
		synchronized (this.lock) {
			return this.tokenReset;
		}
	}

	/**
	 * Return every authenticated, well-formed IDENTIFY, in arrival order.
	 * @return a copy of the IDENTIFYs
	 */
	public List<Identify> identifies() {
		synchronized (this.lock) {
			return List.copyOf(this.identifies);
		}
	}

	/**
	 * Return the IDENTIFYs Discord would have refused: those inside the identify window of
	 * their bucket, and the one that reset the token.
	 * @return a copy of the refused IDENTIFYs, in arrival order
	 */
	public List<Identify> violations() {
		synchronized (this.lock) {
			return this.identifies.stream().filter((identify) -> !identify.accepted()).toList();
		}
	}

	/**
	 * Stop the server at once, dropping open connections.
	 */
	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.server.stop(0);
			this.executor.shutdownNow();
		}
	}

	@Override
	public String toString() {
		return "FakeDiscord[" + apiUrl() + "]";
	}

	private void handle(HttpExchange exchange) throws IOException {
		try {
			// Read the whole request before answering, so that the connection stays usable
			byte[] body = exchange.getRequestBody().readAllBytes();
			Answer answer;
			try {
				answer = answer(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
						exchange.getRequestHeaders().getFirst("Authorization"), body);
			}
			catch (RuntimeException ex) {
				answer = Answer.json(500, "{\"message\":\"500: Internal Server Error\",\"code\":0}");
			}
			send(exchange, answer);
		}
		finally {
			exchange.close();
		}
	}

	private Answer answer(String method, String path, String authorization, byte[] body) {
		synchronized (this.lock) {
			long now = System.nanoTime();
			resetBudgetIfDue(now);
			if (GATEWAY_BOT.equals(path)) {
				this.gatewayBotCalls++;
			}
			if (this.tokenReset || !("Bot " + this.token).equals(authorization)) {
				return Answer.json(401, "{\"message\":\"401: Unauthorized\",\"code\":0}");
			}
			if (GATEWAY_BOT.equals(path)) {
				return "GET".equals(method) ? gatewayBot(now) : methodNotAllowed();
			}
			if (IDENTIFY.equals(path)) {
				return "POST".equals(method) ? identify(now, body) : methodNotAllowed();
			}
			return Answer.json(404, "{\"message\":\"404: Not Found\",\"code\":0}");
		}
	}

	private Answer gatewayBot(long now) {
		if (this.failedCalls > 0) {
			this.failedCalls--;
			return new Answer(502, "text/html", Map.of(),
					"<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>");
		}
		if (this.rateLimitedCalls > 0) {
			this.rateLimitedCalls--;
			BigDecimal seconds = BigDecimal.valueOf(this.rateLimitRetryAfter.toMillis()).movePointLeft(3);
			ObjectNode limited = mapper.createObjectNode();
			limited.put("message", "You are being rate limited.");
			limited.put("retry_after", seconds.doubleValue());
			limited.put("global", false);
			return new Answer(429, JSON, Map.of("Retry-After", seconds.stripTrailingZeros().toPlainString()),
					mapper.writeValueAsString(limited));
		}
		ObjectNode root = mapper.createObjectNode();
		root.put("url", this.gatewayUrl);
		root.put("shards", this.shards);
		ObjectNode limit = root.putObject("session_start_limit");
		limit.put("total", this.total);
		limit.put("remaining", this.remaining);
		limit.put("reset_after", TimeUnit.NANOSECONDS.toMillis(Math.max(0, this.resetAtNanos - now)));
		limit.put("max_concurrency", this.maxConcurrency);
		return Answer.json(200, mapper.writeValueAsString(root));
	}

	private Answer identify(long now, byte[] body) {
		int[] shard = parseShard(body);
		if (shard == null) {
			return Answer.json(400, "{\"message\":\"Invalid shard\",\"code\":4010}");
		}
		int bucket = shard[0] % this.maxConcurrency;
		if (this.remaining == 0) {
			// Discord resets the token of a bot that keeps identifying past its budget
			this.tokenReset = true;
			this.identifies.add(new Identify(shard[0], bucket, now, false));
			return Answer.json(401, "{\"message\":\"401: Unauthorized\",\"code\":0}");
		}
		// Accepted or not, Discord charges every IDENTIFY to the budget
		this.remaining--;
		Long last = this.lastAcceptedByBucket.get(bucket);
		if (last != null && now - last < this.identifyWindow.toNanos()) {
			this.identifies.add(new Identify(shard[0], bucket, now, false));
			return Answer.json(200, "{\"op\":9,\"d\":false}");
		}
		this.lastAcceptedByBucket.put(bucket, now);
		this.identifies.add(new Identify(shard[0], bucket, now, true));
		return Answer.json(200, "{\"op\":0,\"t\":\"READY\",\"d\":{\"shard\":[" + shard[0] + "," + shard[1] + "]}}");
	}

	private static int[] parseShard(byte[] body) {
		try {
			JsonNode shard = mapper.readTree(body).path("shard");
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

	private void resetBudgetIfDue(long now) {
		if (now - this.resetAtNanos >= 0) {
			this.remaining = this.total;
			this.resetAtNanos = now + DAY.toNanos();
		}
	}

	private static Answer methodNotAllowed() {
		return Answer.json(405, "{\"message\":\"405: Method Not Allowed\",\"code\":0}");
	}

	private static void send(HttpExchange exchange, Answer answer) throws IOException {
		byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", answer.contentType());
		answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
		exchange.sendResponseHeaders(answer.status(), (bytes.length > 0) ? bytes.length : -1);
		if (bytes.length > 0) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}

	/**
	 * An IDENTIFY the fake received.
	 *
	 * @param shard the shard id
	 * @param bucket the identify bucket, {@code shard % maxConcurrency}
	 * @param atNanos when it arrived, from {@link System#nanoTime()}
	 * @param accepted whether it was answered READY; {@code false} for an INVALID_SESSION or
	 * the IDENTIFY that reset the token
	 */
	public record Identify(int shard, int bucket, long atNanos, boolean accepted) {
	}

	private record Answer(int status, String contentType, Map<String, String> headers, String body) {

		static Answer json(int status, String body) {
			return new Answer(status, JSON, Map.of(), body);
		}

	}

}
