package dev.discordoo.sharding.testbot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ShardEventListener;
import dev.discordoo.sharding.ShardRequestHandler;
import dev.discordoo.sharding.ShardingInstance;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.ipc.RequestFailedException;

/**
 * What the test bot's instances answer. {@value #CRASH} ends the instance's context
 * abruptly, the way a crashing worker would.
 */
@Component
public class TestBotHandlers {

	/** The event that makes an instance end abruptly. */
	public static final String CRASH = "CRASH";

	/** What {@code echo} answers: who answered, who asked, the payload, and what was asked. */
	public record Echo(int instance, Integer from, JsonNode payload, String request) {
	}

	/** A relayed event as an instance saw it. */
	public record Seen(String event, Integer from, JsonNode data) {
	}

	/** What {@code load} answers: how many answers came back, and how many were not their own. */
	public record Load(int answered, int mismatched) {
	}

	private final ObjectProvider<ShardingInstance> instance;

	private final ConfigurableApplicationContext context;

	private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();

	public TestBotHandlers(ObjectProvider<ShardingInstance> instance, ConfigurableApplicationContext context) {
		this.instance = instance;
		this.context = context;
	}

	@ShardEventListener(CRASH)
	void crash() {
		new Thread(this.context::close).start();
	}

	@ShardEventListener("GREETING")
	void greeting(JsonNode data, ShardEventContext sender) {
		this.seen.add(new Seen("GREETING", sender.instanceIndex(), data));
	}

	@ShardRequestHandler("echo")
	Echo echo(JsonNode payload, ShardEventContext sender) {
		return new Echo(self(), sender.instanceIndex(), payload, sender.event());
	}

	/** Blocks the instance named by {@code slow} for {@code millis}; the others answer at once. */
	@ShardRequestHandler("slow")
	Echo slow(JsonNode payload, ShardEventContext sender) throws InterruptedException {
		if (payload.path("slow").asInt(-1) == self()) {
			new CountDownLatch(1).await(payload.path("millis").asLong(), TimeUnit.MILLISECONDS);
		}
		return new Echo(self(), sender.instanceIndex(), payload, sender.event());
	}

	@ShardRequestHandler("boom")
	Echo boom(JsonNode payload) {
		if (payload.path("fail").asInt(-1) == self()) {
			throw new IllegalStateException("instance " + self() + " was told to fail");
		}
		return new Echo(self(), null, payload, "boom");
	}

	/** Asks every other instance to echo, through the manager, and returns what came back. */
	@ShardRequestHandler("ask-others")
	CompletableFuture<List<InstanceResult<Echo>>> askOthers(JsonNode payload) {
		return this.instance.getObject().request("echo", payload, Targets.others(), Echo.class, Duration.ofSeconds(10));
	}

	/** Broadcasts a greeting to every other instance, through the manager. */
	@ShardRequestHandler("greet-others")
	int greetOthers(JsonNode payload) {
		this.instance.getObject().broadcast("GREETING", payload, Targets.others());
		return self();
	}

	@ShardRequestHandler("seen")
	List<Seen> seen() {
		return new ArrayList<>(this.seen);
	}

	/** Sends {@code count} echo requests to random other instances and checks each answer is its own. */
	@ShardRequestHandler("load")
	CompletableFuture<Load> load(JsonNode payload) {
		int count = payload.path("count").asInt();
		int instances = payload.path("instances").asInt();
		List<CompletableFuture<Boolean>> checks = new ArrayList<>(count);
		for (int n = 0; n < count; n++) {
			int target = ThreadLocalRandom.current().nextInt(instances);
			int sequence = n;
			checks.add(this.instance.getObject()
				.request("echo", Map.of("n", sequence, "origin", self()), Targets.instances(target), Echo.class)
				.thenApply((results) -> results.size() == 1 && results.get(0).ok()
						&& results.get(0).value().instance() == target
						&& results.get(0).value().payload().path("n").asInt() == sequence
						&& results.get(0).value().from() == self()));
		}
		return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
			.thenApply((done) -> new Load(count, (int) checks.stream().filter((check) -> !check.join()).count()));
	}

	/**
	 * Asks the manager for an identify permit for the shard in the payload, and answers the
	 * refusal's code, or {@code GRANTED}.
	 */
	@ShardRequestHandler("ask-permit")
	CompletableFuture<String> askPermit(JsonNode payload) {
		return this.instance.getObject()
			.requestIdentify(payload.path("shard").asInt())
			.handle((permit, ex) -> (ex == null) ? "GRANTED"
					: (ex.getCause() instanceof RequestFailedException failed)
							? failed.code() + ": " + failed.getMessage() : String.valueOf(ex));
	}

	/** What the manager told this instance about the gateway. */
	@ShardRequestHandler("gateway")
	CompletableFuture<GatewayInfo> gateway() {
		return this.instance.getObject().gateway();
	}

	/**
	 * Reports that Discord's gateway refused this instance's first shard with the close code
	 * in the payload, as a client does on a close code no retry can fix.
	 */
	@ShardRequestHandler("refuse-shard")
	String refuseShard(int closeCode) {
		ShardingInstance sharding = this.instance.getObject();
		sharding.reportGatewayRefused(sharding.assignment().shards().get(0), closeCode, "refused by the test");
		return "REPORTED";
	}

	private int self() {
		return this.instance.getObject().assignment().instanceIndex();
	}

}
