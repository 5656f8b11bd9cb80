package dev.discordoo.sharding.discord;

import java.math.BigDecimal;
import java.net.ConnectException;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.StreamUtils;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * The sharding manager's only caller of Discord's REST API. It asks Discord, once at
 * start-up, how many shards to run and how many sessions the bot may still start
 * ({@link #gatewayBot()}).
 *
 * <p>Calls block the calling thread, retrying for at most {@code retryFor}:
 * <ul>
 * <li>when Discord rate-limits the call (429), after the {@code Retry-After} it asks for;</li>
 * <li>when Discord cannot be reached or answers 5xx, after an exponential back-off of
 * 500ms, doubling up to 10s.</li>
 * </ul>
 * A wrong token (401) or any other client error fails at once: retrying cannot fix it.
 *
 * <p>The bot token is sent in the {@code Authorization} header only: it never appears in a
 * log line, an exception message or {@link #toString()}.
 *
 * <p>Thread-safe.
 */
public final class DiscordRestClient {

	/** The property that holds the base URL of Discord's REST API. */
	public static final String API_URL_PROPERTY = "discordoo.sharding.discord.api-url";

	/** The property that holds the bot token. */
	public static final String TOKEN_PROPERTY = "discordoo.sharding.discord.token";

	/** The {@code User-Agent} Discord requires of bots. */
	static final String USER_AGENT = "DiscordBot (https://github.com/discordoo, 0.1)";

	/** What exception values show instead of the token. */
	static final String REDACTED = "<redacted>";

	private static final String GATEWAY_BOT = "/gateway/bot";

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

	// Used when a 429 carries neither a Retry-After header nor a retry_after field, which
	// Discord never does; a second is long enough not to hammer it
	private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

	private static final int MAX_MESSAGE_LENGTH = 200;

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final Log logger = LogFactory.getLog(DiscordRestClient.class);

	private final URI apiUrl;

	private final Duration retryFor;

	private final RestClient restClient;

	/**
	 * Create a client over the JDK's {@link HttpClient}.
	 * @param apiUrl the base URL of Discord's REST API, such as
	 * {@code https://discord.com/api/v10}
	 * @param token the bot token, without the {@code Bot } prefix
	 * @param retryFor how long a call keeps retrying before it gives up; zero to try once
	 * @throws InvalidConfigurationPropertyValueException if the URL is not an absolute http
	 * or https URL, or the token is empty
	 * @throws IllegalArgumentException if {@code retryFor} is null or negative
	 */
	public DiscordRestClient(URI apiUrl, String token, Duration retryFor) {
		this(apiUrl, token, retryFor, RestClient.builder().requestFactory(defaultRequestFactory()));
	}

	/**
	 * Create a client from the given builder, which is cloned, not changed. Its base URL and
	 * its {@code Authorization} and {@code User-Agent} headers are replaced.
	 * @param apiUrl the base URL of Discord's REST API, such as
	 * {@code https://discord.com/api/v10}
	 * @param token the bot token, without the {@code Bot } prefix
	 * @param retryFor how long a call keeps retrying before it gives up; zero to try once
	 * @param builder the builder of the underlying {@link RestClient}
	 * @throws InvalidConfigurationPropertyValueException if the URL is not an absolute http
	 * or https URL, or the token is empty
	 * @throws IllegalArgumentException if {@code retryFor} is null or negative, or the
	 * builder is null
	 */
	public DiscordRestClient(URI apiUrl, String token, Duration retryFor, RestClient.Builder builder) {
		if (apiUrl == null || !apiUrl.isAbsolute() || apiUrl.getHost() == null
				|| !("http".equalsIgnoreCase(apiUrl.getScheme()) || "https".equalsIgnoreCase(apiUrl.getScheme()))) {
			throw new InvalidConfigurationPropertyValueException(API_URL_PROPERTY, apiUrl,
					"must be an absolute http or https URL");
		}
		if (token == null || token.isBlank()) {
			throw new InvalidConfigurationPropertyValueException(TOKEN_PROPERTY, REDACTED, "must not be empty");
		}
		if (retryFor == null || retryFor.isNegative()) {
			throw new IllegalArgumentException("retryFor must not be negative, was " + retryFor);
		}
		if (builder == null) {
			throw new IllegalArgumentException("builder must not be null");
		}
		this.apiUrl = withoutTrailingSlash(apiUrl);
		this.retryFor = retryFor;
		this.restClient = builder.clone()
			.baseUrl(this.apiUrl)
			.defaultHeaders((headers) -> {
				headers.set(HttpHeaders.AUTHORIZATION, "Bot " + token.strip());
				headers.set(HttpHeaders.USER_AGENT, USER_AGENT);
			})
			.build();
	}

	/**
	 * Return the base URL of Discord's REST API this client calls.
	 * @return the API URL, without a trailing slash
	 */
	public URI apiUrl() {
		return this.apiUrl;
	}

	/**
	 * Return how long a call keeps retrying before it gives up.
	 * @return the retry duration
	 */
	public Duration retryFor() {
		return this.retryFor;
	}

	/**
	 * Call {@code GET /gateway/bot}, retrying rate limits, 5xx answers and I/O errors for at
	 * most {@link #retryFor()}. Blocks the calling thread meanwhile.
	 * @return Discord's answer
	 * @throws InvalidConfigurationPropertyValueException naming {@value #TOKEN_PROPERTY} if
	 * Discord rejects the token
	 * @throws IllegalStateException if Discord could not be reached, or kept failing, for
	 * {@link #retryFor()}, if it answered another client error or an unreadable body, or if
	 * the thread was interrupted while waiting to retry (its interrupt flag is then set)
	 */
	public GatewayBot gatewayBot() {
		long deadline = System.nanoTime() + this.retryFor.toNanos();
		BackOffExecution backOff = backOff().start();
		while (true) {
			String failure;
			try {
				Reply reply = get(GATEWAY_BOT);
				int status = reply.status();
				if (status == 200) {
					return parseGatewayBot(reply.body());
				}
				if (status == 401) {
					throw new InvalidConfigurationPropertyValueException(TOKEN_PROPERTY, REDACTED,
							"Discord answered 401 Unauthorized to GET " + GATEWAY_BOT
									+ ": the bot token is wrong or was reset");
				}
				if (status == 429) {
					Duration wait = retryAfter(reply);
					failure = "429 Too Many Requests, retry after " + format(wait);
					// A rate limit is not an outage: wait exactly as long as Discord asks,
					// but never past the deadline, where retrying early would only earn
					// another 429
					if (System.nanoTime() + wait.toNanos() - deadline > 0) {
						throw gaveUp(failure);
					}
					logger.warn("Discord rate-limited GET " + GATEWAY_BOT + "; waiting " + format(wait)
							+ " before retrying");
					pause(wait);
					continue;
				}
				if (status < 500 || status > 599) {
					throw new IllegalStateException("Discord answered " + describe(status) + " to GET " + GATEWAY_BOT
							+ " at " + this.apiUrl + ": " + message(reply.body()));
				}
				failure = describe(status);
			}
			catch (ResourceAccessException ex) {
				failure = describe(ex);
			}
			long delay = backOff.nextBackOff();
			long left = deadline - System.nanoTime();
			if (delay == BackOffExecution.STOP || left <= 0) {
				throw gaveUp(failure);
			}
			// The last try happens at the deadline rather than after it
			Duration wait = Duration.ofMillis(delay);
			if (wait.toNanos() > left) {
				wait = Duration.ofNanos(left);
			}
			logger.warn("GET " + GATEWAY_BOT + " from Discord at " + this.apiUrl + " failed (" + failure
					+ "); retrying in " + format(wait));
			pause(wait);
		}
	}

	private Reply get(String path) {
		return this.restClient.get().uri(path).exchange((request, response) -> {
			String body = StreamUtils.copyToString(response.getBody(), StandardCharsets.UTF_8);
			return new Reply(response.getStatusCode().value(),
					response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER), body);
		}, true);
	}

	private ExponentialBackOff backOff() {
		ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
		backOff.setMaxInterval(10_000);
		backOff.setMaxElapsedTime(this.retryFor.toMillis());
		return backOff;
	}

	private IllegalStateException gaveUp(String failure) {
		return new IllegalStateException("Could not GET " + GATEWAY_BOT + " from Discord at " + this.apiUrl + " ("
				+ API_URL_PROPERTY + ") within " + format(this.retryFor) + "; last failure: " + failure);
	}

	private GatewayBot parseGatewayBot(String body) {
		try {
			JsonNode root = mapper.readTree(body);
			JsonNode limit = root.path("session_start_limit");
			JsonNode url = root.path("url");
			if (!url.isString()) {
				throw new IllegalStateException("url is missing");
			}
			return new GatewayBot(url.asString(), intField(root, "shards"),
					new GatewayBot.SessionStartLimit(intField(limit, "total"), intField(limit, "remaining"),
							Duration.ofMillis(longField(limit, "reset_after")), intField(limit, "max_concurrency")));
		}
		catch (JacksonException | IllegalArgumentException | IllegalStateException ex) {
			throw new IllegalStateException("Discord answered GET " + GATEWAY_BOT + " at " + this.apiUrl
					+ " with an unexpected body: " + ex.getMessage(), ex);
		}
	}

	private static int intField(JsonNode node, String name) {
		JsonNode field = node.path(name);
		if (!field.isIntegralNumber() || !field.canConvertToInt()) {
			throw new IllegalStateException(name + " is not an integer");
		}
		return field.intValue();
	}

	private static long longField(JsonNode node, String name) {
		JsonNode field = node.path(name);
		if (!field.isNumber()) {
			throw new IllegalStateException(name + " is not a number");
		}
		return field.asLong();
	}

	/**
	 * Return how long a 429 asks to wait: the {@code Retry-After} header, else the body's
	 * {@code retry_after}, both in seconds and possibly fractional.
	 */
	private static Duration retryAfter(Reply reply) {
		Duration header = seconds(reply.retryAfter());
		if (header != null) {
			return header;
		}
		try {
			JsonNode retryAfter = mapper.readTree(reply.body()).path("retry_after");
			if (retryAfter.isNumber()) {
				Duration body = seconds(retryAfter.asString());
				if (body != null) {
					return body;
				}
			}
		}
		catch (JacksonException ex) {
			// not JSON: fall back to the default
		}
		return DEFAULT_RETRY_AFTER;
	}

	private static @Nullable Duration seconds(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			// Decimal arithmetic, so that "0.2" is 200ms and not 200.00000000000003ms rounded up
			BigDecimal millis = new BigDecimal(value.strip()).movePointRight(3).setScale(0, RoundingMode.CEILING);
			return (millis.signum() < 0) ? Duration.ZERO : Duration.ofMillis(millis.longValueExact());
		}
		catch (ArithmeticException | NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Return Discord's {@code message} of an error body, or a short excerpt of a body that
	 * is not Discord's JSON.
	 */
	private static String message(String body) {
		@Nullable String message = null;
		try {
			JsonNode node = mapper.readTree(body).path("message");
			if (node.isString()) {
				message = node.asString();
			}
		}
		catch (JacksonException ex) {
			message = body.isBlank() ? null : "unexpected body '" + body.strip() + "'";
		}
		if (message == null) {
			return "no message";
		}
		return (message.length() > MAX_MESSAGE_LENGTH) ? message.substring(0, MAX_MESSAGE_LENGTH) + "..." : message;
	}

	private static String describe(int status) {
		HttpStatus known = HttpStatus.resolve(status);
		return (known != null) ? status + " " + known.getReasonPhrase() : String.valueOf(status);
	}

	private String describe(ResourceAccessException ex) {
		// The JDK's HttpClient often throws a ConnectException without a message, with the
		// useful text further down the chain
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		@Nullable String message = null;
		for (Throwable candidate = cause; candidate != null && message == null; candidate = candidate.getCause()) {
			message = candidate.getMessage();
		}
		if (message == null && cause instanceof ConnectException) {
			message = "could not connect to " + this.apiUrl.getHost() + ":" + port(this.apiUrl);
		}
		return cause.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
	}

	private static void pause(Duration wait) {
		try {
			Thread.sleep(wait.toMillis(), (int) (wait.toNanos() % 1_000_000));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting to retry GET " + GATEWAY_BOT, ex);
		}
	}

	private static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis >= 1000 && millis % 1000 == 0) {
			return (millis / 1000) + "s";
		}
		return millis + "ms";
	}

	private static URI withoutTrailingSlash(URI uri) {
		String value = uri.toString();
		while (value.endsWith("/")) {
			value = value.substring(0, value.length() - 1);
		}
		return URI.create(value);
	}

	private static ClientHttpRequestFactory defaultRequestFactory() {
		HttpClient httpClient = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(httpClient);
		requestFactory.setReadTimeout(READ_TIMEOUT);
		return requestFactory;
	}

	@Override
	public String toString() {
		return "DiscordRestClient[apiUrl=" + this.apiUrl + ", retryFor=" + format(this.retryFor) + "]";
	}

	/**
	 * What the client keeps of an answer; reading it whole lets the connection be released
	 * before the caller decides what to do.
	 */
	private record Reply(int status, @Nullable String retryAfter, String body) {
	}

}
