package dev.discordoo.sharding.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.testbot.FanOutHook;
import dev.discordoo.sharding.testbot.TestBotApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request to every instance of a cluster, made through one node, with node links (a
 * cluster secret) between three node JVMs whose instances are child JVMs: every instance
 * answers, the other nodes' over the node links; right after another node is killed with
 * {@code kill -9} its instance answers NOT_CONNECTED while the others still answer, and once
 * its shards have moved the answer is complete again. The killed node's child JVM, orphaned,
 * destroys itself.
 */
class ClusterFanOutTests {

	private static final int SHARDS = 6;

	private static final int INSTANCES = 3;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/** Destroys every process the test started, pass or fail. */
	@AutoClose
	private ClusterTestSupport cluster;

	@Test
	void aRequestThroughOneNodeReachesEveryNodesInstancesAndAKilledNodesAnswerNotConnectedUntilItsShardsMove()
			throws Exception {
		this.cluster = new ClusterTestSupport(SHARDS, INSTANCES);
		for (String name : List.of("a", "b", "c")) {
			this.cluster.startNode(name, "--discordoo.sharding.mode=processes",
					"--discordoo.sharding.shards-per-instance=" + (SHARDS / INSTANCES),
					"--discordoo.sharding.processes.main-class=" + TestBotApplication.class.getName(),
					"--discordoo.sharding.processes.jvm-args=" + ClusterTestSupport.FAST_CHILD_JVM_ARGS,
					"--discordoo.sharding.cluster.secret=fan-out-test-secret",
					"--discordoo.sharding.cluster.link.host=127.0.0.1", "--testbot.fan-out-hook=true",
					// longer than an orphaned instance takes to close its sessions
					"--discordoo.sharding.cluster.move-margin=4s");
		}
		await().atMost(Duration.ofSeconds(180))
			.until(() -> this.cluster.settled()
					&& new HashSet<>(this.cluster.owners().values()).equals(Set.of("a", "b", "c")));
		String fanOut = "http://127.0.0.1:" + hookPort("a") + "/fan-out";

		// through node a: its own instance locally, b's and c's over the node links
		assertThat(fanOut(fanOut)).extracting(FanOutHook.Entry::instance).containsExactly(0, 1, 2);
		assertEveryInstanceAnswered(fanOut(fanOut));

		Map<Integer, String> owners = this.cluster.owners();
		int killedInstance = instanceOf(owners, "c");
		long killedAt = System.nanoTime();
		List<ProcessHandle> orphans = this.cluster.kill("c");
		assertThat(orphans).as("c's instance is a child JVM").hasSize(1);

		// at once: c's instance cannot be reached, a's and b's still answer. c's record is still
		// in ZooKeeper until its session expires, so a tries to link to it again: the refused
		// connection answers NOT_CONNECTED at once (the lost link, or a link that could not be
		// opened, is NOT_CONNECTED in docs/cluster.md)
		List<FanOutHook.Entry> afterKill = fanOut(fanOut);
		assertThat(afterKill).extracting(FanOutHook.Entry::instance).containsExactly(0, 1, 2);
		for (FanOutHook.Entry entry : afterKill) {
			if (entry.instance() == killedInstance) {
				assertThat(entry.ok()).as("%s", entry).isFalse();
				assertThat(entry.code()).as("%s", entry).isEqualTo(ErrorCode.NOT_CONNECTED);
				assertThat(entry.message()).contains("node c");
			}
			else {
				assertThat(entry.ok()).as("%s", entry).isTrue();
				assertThat(entry.answeredBy()).isEqualTo(entry.instance());
			}
		}

		// once c's ZooKeeper session has expired and the margin passed, its instance runs
		// elsewhere and the answer is complete again
		await().atMost(Duration.ofSeconds(150))
			.until(() -> this.cluster.settled() && !this.cluster.owners().containsValue("c"));
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEveryInstanceAnswered(fanOut(fanOut)));
		assertThat(this.cluster.owners().get(killedInstance)).isIn("a", "b");
		for (int shard = 0; shard < SHARDS; shard++) {
			this.cluster.assertNoTwoSessionsAtOnce(shard, killedAt);
		}
		assertThat(this.cluster.discord.violations()).isEmpty();

		// the orphaned instance lost its manager and destroyed itself
		await().atMost(Duration.ofSeconds(30)).until(() -> orphans.stream().allMatch(ClusterTestSupport::exited));
	}

	private static void assertEveryInstanceAnswered(List<FanOutHook.Entry> entries) {
		assertThat(entries).hasSize(INSTANCES).allSatisfy((entry) -> {
			assertThat(entry.ok()).as("%s", entry).isTrue();
			assertThat(entry.answeredBy()).as("answered by the instance itself").isEqualTo(entry.instance());
		});
	}

	private static int instanceOf(Map<Integer, String> owners, String node) {
		List<Integer> instances = owners.entrySet().stream()
			.filter((entry) -> entry.getValue().equals(node))
			.map(Map.Entry::getKey)
			.toList();
		assertThat(instances).as("instances of node %s in %s", node, owners).hasSize(1);
		return instances.get(0);
	}

	private int hookPort(String node) {
		String prefix = "[node " + node + "] " + FanOutHook.LISTENING;
		Optional<String> line = await().atMost(Duration.ofSeconds(30))
			.until(() -> this.cluster.output.stream().filter((each) -> each.startsWith(prefix)).findFirst(),
					Optional::isPresent);
		return Integer.parseInt(line.orElseThrow().substring(prefix.length()).trim());
	}

	private List<FanOutHook.Entry> fanOut(String url) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("%s", response.body()).isEqualTo(200);
		return FanOutHook.Entry.parse(response.body());
	}

}
