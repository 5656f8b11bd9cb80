package dev.discordoo.sharding.manager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.discordoo.sharding.FailureCause;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.InstanceStateChangedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance whose client keeps failing to start, in either mode: restarted with a growing
 * backoff, then FAILED at the crash-loop limit with nothing left running, and brought back by
 * hand once the cause is gone.
 */
class CrashLoopTests {

	@RegisterExtension
	final ManagerExtension managers = new ManagerExtension();

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "processes", "workers" })
	void crashLoopBacksOffThenFailsAndAManualRestartBringsItBack(String mode, @TempDir Path dir) throws Exception {
		Path failFile = Files.createFile(dir.resolve("fail"));
		ManagerTestSupport support = this.managers.start(Map.of("discordoo.sharding.mode", mode,
				"discordoo.sharding.shards", "1", "discordoo.sharding.restart.max-restarts", "2",
				"discordoo.sharding.restart.initial-backoff", "200ms", "discordoo.sharding.restart.multiplier", "3",
				"discordoo.sharding.instance.properties.testbot.fail-file", failFile.toString()));
		support.awaitInstance(0, Duration.ofSeconds(90), (info) -> info.state() == InstanceState.FAILED);
		List<InstanceStateChangedEvent> restarts = support.transitions.stream()
			.filter((event) -> event.getState() == InstanceState.RESTARTING)
			.toList();
		assertThat(restarts).extracting((event) -> delayMillis(event.getReason())).containsExactly(200L, 600L);
		assertThat(restarts).extracting(InstanceStateChangedEvent::getCause)
			.containsOnly(FailureCause.CLIENT_START_FAILED);
		InstanceInfo failed = support.manager.instance(0);
		assertThat(failed.lastFailure()).contains("restarted 2 times").contains("failed to start");
		assertThat(failed.lastFailureCause()).isEqualTo(FailureCause.CRASH_LOOP);
		assertThat(failed.pid()).isEqualTo(-1);
		// nothing of the three attempts is left running
		if (mode.equals("processes")) {
			assertThat(support.childPids()).hasSize(3).noneMatch(ManagerTestSupport::isAlive);
		}
		else {
			await().atMost(Duration.ofSeconds(10)).until(() -> ManagerTestSupport.instanceTimers() == 0);
		}

		Files.delete(failFile);
		InstanceInfo restarted = support.manager.restart(0).get(90, TimeUnit.SECONDS);
		assertThat(restarted.state()).isEqualTo(InstanceState.READY);
		if (mode.equals("processes")) {
			assertThat(ManagerTestSupport.isAlive(support.manager.instance(0).pid())).isTrue();
		}
		else {
			assertThat(ManagerTestSupport.instanceTimers()).isEqualTo(1);
		}
	}

	private static long delayMillis(String reason) {
		Matcher matcher = Pattern.compile("in (\\d+) ms").matcher(reason);
		assertThat(matcher.find()).as("delay in '%s'", reason).isTrue();
		return Long.parseLong(matcher.group(1));
	}

}
