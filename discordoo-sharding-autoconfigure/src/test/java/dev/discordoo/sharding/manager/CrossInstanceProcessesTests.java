package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.testbot.TestBotHandlers.Echo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests across child JVMs: a fan-out, a relay between instances, and a target killed
 * with {@code kill -9} answering NOT_CONNECTED while the others still answer.
 */
class CrossInstanceProcessesTests {

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	private ManagerTestSupport support;

	@Test
	void fanOutRelayAndAKilledTarget() throws Exception {
		this.support = this.managers.start(Map.of("discordoo.sharding.shards", "4",
				// a long backoff keeps the killed instance down while the test asks it
				"discordoo.sharding.restart.initial-backoff", "60s", "discordoo.sharding.restart.max-backoff", "60s"));
		this.support.awaitAllReady(Duration.ofSeconds(90));

		List<InstanceResult<Echo>> all = this.support.manager.request("echo", Map.of("q", 1), Targets.all(), Echo.class)
			.get(10, TimeUnit.SECONDS);
		assertThat(all).hasSize(4).allMatch((result) -> result.ok() && result.value().instance() == result.instance());

		List<InstanceResult<JsonNode>> asked = this.support.manager
			.request("ask-others", Map.of("q", 2), Targets.instances(0), JsonNode.class)
			.get(10, TimeUnit.SECONDS);
		assertThat(asked.get(0).value()).hasSize(3)
			.allMatch((entry) -> entry.path("ok").asBoolean() && entry.path("value").path("from").asInt() == 0);

		long victim = this.support.manager.instance(2).pid();
		ManagerTestSupport.signal("KILL", victim);
		this.support.awaitInstance(2, Duration.ofSeconds(10), (info) -> info.state() == InstanceState.RESTARTING);
		long start = System.nanoTime();
		List<InstanceResult<Echo>> partial = this.support.manager
			.request("echo", Map.of("q", 3), Targets.all(), Echo.class, Duration.ofSeconds(30))
			.get(10, TimeUnit.SECONDS);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(partial).hasSize(4);
		assertThat(partial.get(2).ok()).isFalse();
		assertThat(partial.get(2).error().code()).isEqualTo(ErrorCode.NOT_CONNECTED);
		assertThat(partial).filteredOn(InstanceResult::ok).extracting(InstanceResult::instance).containsExactly(0, 1, 3);
	}

}
