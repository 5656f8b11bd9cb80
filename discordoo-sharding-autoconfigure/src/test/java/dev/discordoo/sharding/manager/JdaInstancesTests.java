package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.discordoo.sharding.FailureCause;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.discord.FakeDiscord;
import dev.discordoo.sharding.testbot.TestBotApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real JDA on every instance (child JVMs), against a fake Discord on loopback that is
 * strict where Discord is: identifies per bucket, the daily budget, close codes.
 */
class JdaInstancesTests {

	private static final String TOKEN = "jda-instances-test-token";

	private static final Duration READY = Duration.ofSeconds(120);

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	private final FakeDiscord discord = FakeDiscord.start(TOKEN)
		.shards(8)
		.maxConcurrency(2)
		.identifyWindow(Duration.ofMillis(100));

	private @Nullable Process separateManager;

	private final List<ProcessHandle> separateInstances = new ArrayList<>();

	@AfterEach
	void stopDiscord() {
		this.discord.close();
		Process manager = this.separateManager;
		if (manager != null) {
			// whatever happened, nothing this test started outlives it
			manager.descendants().forEach(ProcessHandle::destroyForcibly);
			manager.destroyForcibly();
		}
		this.separateInstances.forEach(ProcessHandle::destroyForcibly);
	}

	/**
	 * A manager killed with {@code kill -9} (it runs in a JVM of its own here): its instances
	 * self-destruct, and closing their JDA shards first, with a close frame, before they exit.
	 */
	@Test
	void instancesWhoseManagerIsKilledCloseEveryGatewaySessionBeforeTheyExit() throws Exception {
		// the token in the environment, as a user gives it: never on a command line
		Process manager = ManagerTestSupport.startSeparateManager(2, Map.of("DISCORDOO_SHARDING_DISCORD_TOKEN", TOKEN),
				List.of("--discordoo.sharding.shards=auto", "--discordoo.sharding.shards-per-instance=4",
						"--discordoo.sharding.processes.main-class=" + TestBotApplication.class.getName(),
						"--discordoo.sharding.processes.jvm-args=" + ManagerTestSupport.FAST_CHILD_JVM_ARGS,
						"--discordoo.sharding.heartbeat.interval=1s", "--discordoo.sharding.spawn.timeout=90s",
						"--discordoo.sharding.discord.api-url=" + this.discord.apiUrl(),
						"--discordoo.sharding.identify.interval=600ms",
						"--discordoo.sharding.instance.properties.testbot.jda=true"));
		this.separateManager = manager;
		List<ProcessHandle> instances = manager.children().toList();
		this.separateInstances.addAll(instances);
		assertThat(instances).hasSize(2);
		List<String> live = this.discord.liveSessions().stream().map(FakeDiscord.GatewaySession::sessionId).toList();
		assertThat(live).hasSize(8);

		ManagerTestSupport.signal("KILL", manager.pid());
		await().atMost(Duration.ofSeconds(30))
			.until(() -> instances.stream().noneMatch((instance) -> ManagerTestSupport.isAlive(instance.pid())));
		// each session was closed by its client with a close frame, not dropped with the process
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.discord.gatewaySessions())
				.filteredOn((session) -> live.contains(session.sessionId()))
				.hasSize(8)
				.allSatisfy((session) -> {
				assertThat(session.closedBy()).isEqualTo(FakeDiscord.ClosedBy.CLIENT);
				assertThat(session.closeCode()).isEqualTo(1000);
			}));
	}

	@Test
	void eightShardsOverFourChildJvmsConnectPacedRestartWithoutGapsAndCloseEverySessionOnStop() throws Exception {
		ManagerTestSupport support = this.managers.start(Map.of("discordoo.sharding.shards", "auto",
				"discordoo.sharding.shards-per-instance", "2", "discordoo.sharding.discord.token", TOKEN,
				"discordoo.sharding.discord.api-url", this.discord.apiUrl(), "discordoo.sharding.identify.interval",
				"600ms", "discordoo.sharding.spawn.ready-timeout", "60s", "discordoo.sharding.spawn.timeout", "90s",
				"discordoo.sharding.instance.properties.testbot.jda", "true"));
		support.awaitAllReady(READY);
		// READY means every JDA shard of the instance is CONNECTED: the fake sent READY to each
		assertThat(this.discord.liveSessions()).hasSize(8);
		for (int shard = 0; shard < 8; shard++) {
			assertThat(this.discord.liveSessions(shard)).singleElement()
				.satisfies((session) -> assertThat(session.compressed()).as("zlib-stream by default").isTrue());
		}
		assertThat(this.discord.identifies()).hasSize(8).allMatch(FakeDiscord.Identify::accepted);
		assertThat(this.discord.violations()).isEmpty();
		// the manager asked Discord once; the instances never did
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);

		// a resumable disconnect stays JDA's business: it resumes, spends no identify, and the
		// instance is not touched
		support.transitions.clear();
		this.discord.requestReconnect(0);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.discord.liveSessions(0).stream().anyMatch(FakeDiscord.GatewaySession::resumed));
		assertThat(this.discord.identifies()).hasSize(8);
		assertThat(support.transitionsOf(0)).isEmpty();

		// an overlapped restart: each of its shards has a live session at every moment
		long before = System.nanoTime();
		long oldPid = support.manager.instance(1).pid();
		InstanceInfo restarted = support.manager.restart(1).get(60, TimeUnit.SECONDS);
		assertThat(restarted.pid()).isNotEqualTo(oldPid);
		await().atMost(Duration.ofSeconds(20)).until(() -> !ManagerTestSupport.isAlive(oldPid));
		long after = System.nanoTime();
		for (int shard : List.of(2, 3)) {
			assertThat(this.discord.shardLiveThroughout(shard, before, after)).as("shard %d live throughout", shard)
				.isTrue();
			assertThat(this.discord.liveSessions(shard)).singleElement();
			assertThat(this.discord.gatewaySessions(shard)).hasSize(2);
		}

		// kill -9: the instance's shards identify again, through the broker
		long killed = support.manager.instance(2).pid();
		support.transitions.clear();
		ManagerTestSupport.signal("KILL", killed);
		support.awaitInstance(2, READY, (info) -> info.state() == InstanceState.READY && info.pid() != killed);
		assertThat(support.transitionsOf(2)).contains(InstanceState.LOST);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.discord.liveSessions().size() == 8);
		assertThat(this.discord.identifies()).hasSize(12).allMatch(FakeDiscord.Identify::accepted);
		assertThat(this.discord.identifies()).filteredOn((identify) -> identify.shard() == 4).hasSize(2);
		assertThat(this.discord.identifies()).filteredOn((identify) -> identify.shard() == 0).hasSize(1);
		assertThat(this.discord.violations()).isEmpty();
		assertThat(support.transitionsOf(0)).isEmpty();

		// a close no retry can fix: the instance FAILS with it, and is not restarted
		support.transitions.clear();
		this.discord.closeShard(6, 4004);
		support.awaitInstance(3, Duration.ofSeconds(30), (info) -> info.state() == InstanceState.FAILED);
		InstanceInfo failed = support.manager.instance(3);
		assertThat(failed.lastFailureCause()).isEqualTo(FailureCause.GATEWAY_REFUSED);
		assertThat(failed.lastFailure()).contains("shard 6").contains("close code 4004");
		assertThat(support.transitionsOf(3)).containsExactly(InstanceState.LOST, InstanceState.FAILED);
		assertThat(this.discord.identifies()).hasSize(12);

		// a graceful stop closes every gateway session
		support.context.close();
		// the fake notes a close when its frame arrives, a moment after the instances exit
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.discord.gatewaySessions()).allMatch(FakeDiscord.GatewaySession::closed));
		assertThat(this.discord.identifies()).hasSize(12);
	}

}
