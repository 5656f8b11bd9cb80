package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.testbot.TestBotHandlers.Echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A spare child JVM, started ahead of need, takes over an instance killed with
 * {@code kill -9}; the pool starts another, and nothing is left when the manager stops.
 */
class SparesTests {

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	private ManagerTestSupport support;

	@Test
	void aSpareTakesOverAKilledInstanceAndIsReplaced() throws Exception {
		this.support = this.managers.start(Map.of("discordoo.sharding.shards", "2",
				"discordoo.sharding.spawn.spares", "1", "discordoo.sharding.restart.initial-backoff", "1ms"));
		this.support.awaitAllReady(Duration.ofSeconds(90));
		await().atMost(Duration.ofSeconds(60)).until(() -> this.support.manager.sparePids().size() == 1);
		long spare = this.support.manager.sparePids().get(0);
		assertThat(ManagerTestSupport.isAlive(spare)).isTrue();

		long victim = this.support.manager.instance(0).pid();
		long killedAt = System.nanoTime();
		ManagerTestSupport.signal("KILL", victim);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.support.manager.instance(0).state() == InstanceState.READY
					&& this.support.manager.instance(0).pid() == spare);
		System.out.printf("spares: kill -9 -> READY again on the spare in %d ms%n",
				Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
		assertThat(ManagerTestSupport.isAlive(victim)).isFalse();
		// the spare now is instance 0: it got instance 0's shards
		List<InstanceResult<Echo>> echoed = this.support.manager
			.request("echo", null, Targets.shard(0), Echo.class)
			.get(10, TimeUnit.SECONDS);
		assertThat(echoed).singleElement().satisfies((result) -> assertThat(result.value().instance()).isZero());

		// the pool starts another spare behind it
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.support.manager.sparePids().size() == 1
					&& this.support.manager.sparePids().get(0) != spare);
		long nextSpare = this.support.manager.sparePids().get(0);

		List<Long> everything = new ArrayList<>(
				this.support.manager.instances().stream().map(InstanceInfo::pid).toList());
		everything.add(nextSpare);
		this.support.context.close();
		await().atMost(Duration.ofSeconds(15)).until(() -> everything.stream().noneMatch(ManagerTestSupport::isAlive));
	}

}
