package dev.discordoo.sharding.testbot;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.RequestError;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.Targets;

/**
 * A way into a manager JVM of the test bot from a test: with {@code testbot.fan-out-hook=true}
 * the manager (never an instance) listens on an ephemeral loopback port, says which in the
 * line {@value #LISTENING} followed by the port, and answers {@code GET /fan-out} with what
 * {@link ShardingManager#request} to {@link Targets#all()} of {@code echo} answered, one entry
 * per instance: {@code {"instance", "ok", "answeredBy", "code", "message"}}. The node test app
 * has no web server; this is the test bot's counterpart of the sample's {@code /guilds/live}.
 */
public class FanOutHook implements SmartLifecycle {

	/** The line the hook prints once it listens, followed by its port. */
	public static final String LISTENING = "testbot fan-out hook listening on port ";

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ObjectProvider<ShardingManager> manager;

	private final boolean instance;

	private final JsonMapper json = JsonMapper.builder().build();

	private volatile HttpServer server;

	private volatile ExecutorService executor;

	/**
	 * Create the hook.
	 * @param manager the manager whose fan-out it runs
	 * @param instance whether this application is an instance: only a manager listens
	 */
	public FanOutHook(ObjectProvider<ShardingManager> manager, boolean instance) {
		this.manager = manager;
		this.instance = instance;
	}

	@Override
	public boolean isAutoStartup() {
		return !this.instance;
	}

	@Override
	public void start() {
		try {
			HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			this.executor = Executors.newSingleThreadExecutor();
			http.setExecutor(this.executor);
			http.createContext("/fan-out", this::fanOut);
			http.start();
			this.server = http;
			System.out.println(LISTENING + http.getAddress().getPort());
		}
		catch (IOException ex) {
			throw new IllegalStateException("testbot fan-out hook cannot listen", ex);
		}
	}

	private void fanOut(HttpExchange exchange) throws IOException {
		List<Map<String, Object>> entries = new ArrayList<>();
		int status = 200;
		try {
			List<InstanceResult<TestBotHandlers.Echo>> results = this.manager.getObject()
				.request("echo", Map.of("via", "fan-out-hook"), Targets.all(), TestBotHandlers.Echo.class, TIMEOUT)
				.join();
			for (InstanceResult<TestBotHandlers.Echo> result : results) {
				Map<String, Object> entry = new LinkedHashMap<>();
				entry.put("instance", result.instance());
				entry.put("ok", result.ok());
				TestBotHandlers.Echo echo = result.value();
				entry.put("answeredBy", (echo != null) ? echo.instance() : null);
				RequestError error = result.error();
				entry.put("code", (error != null) ? error.code() : null);
				entry.put("message", (error != null) ? error.message() : null);
				entries.add(entry);
			}
		}
		catch (RuntimeException ex) {
			status = 500;
			entries.add(Map.of("failure", String.valueOf(ex)));
		}
		byte[] body = this.json.writeValueAsString(entries).getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	@Override
	public void stop() {
		HttpServer http = this.server;
		if (http != null) {
			http.stop(0);
			this.executor.shutdownNow();
			this.server = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	/** What a test reads back: one instance's entry. */
	public record Entry(int instance, boolean ok, Integer answeredBy, String code, String message) {

		/** Parse the hook's answer. */
		public static List<Entry> parse(String body) {
			JsonNode array = JsonMapper.builder().build().readTree(body);
			List<Entry> entries = new ArrayList<>();
			for (JsonNode entry : array) {
				if (entry.has("failure")) {
					throw new IllegalStateException("the fan-out hook failed: " + entry.path("failure").asString());
				}
				entries.add(new Entry(entry.path("instance").asInt(), entry.path("ok").asBoolean(),
						entry.path("answeredBy").isNull() ? null : entry.path("answeredBy").asInt(),
						text(entry, "code"), text(entry, "message")));
			}
			return entries;
		}

		private static String text(JsonNode entry, String field) {
			JsonNode value = entry.path(field);
			return value.isString() ? value.asString() : null;
		}

	}

}
