package dev.discordoo.sharding.cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Three node JVMs of one cluster on loopback, an in-process ZooKeeper, and a real JDA on each
 * node's instances (workers) against a fake Discord that is strict about identify buckets:
 * the shards spread over the nodes with one gateway session each, and a node killed with
 * {@code kill -9} has its shards moved to the others, never with two sessions at once.
 */
class ClusterNodesTests {

	private static final int SHARDS = 6;

	private final ClusterTestSupport cluster = start();

	private static ClusterTestSupport start() {
		try {
			return new ClusterTestSupport(SHARDS, SHARDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterEach
	void stopEverything() throws Exception {
		this.cluster.close();
	}

	@Test
	void threeNodesRunEachShardOnceAndTheShardsOfAKilledNodeMoveWithoutTwoSessionsAtOnce() throws Exception {
		for (String name : List.of("a", "b", "c")) {
			this.cluster.startNode(name);
		}
		await().atMost(Duration.ofSeconds(150))
			.until(() -> this.cluster.settled() && this.cluster.owners().values().containsAll(List.of("a", "b", "c")));
		assertThat(new HashSet<>(this.cluster.owners().values())).containsExactlyInAnyOrder("a", "b", "c");
		assertThat(this.cluster.discord.violations()).isEmpty();
		// the leader alone asked Discord
		assertThat(this.cluster.discord.gatewayBotCalls()).isEqualTo(1);

		List<Integer> movedInstances = this.cluster.owners().entrySet().stream()
			.filter((entry) -> entry.getValue().equals("c"))
			.map(Map.Entry::getKey)
			.toList();
		long killedAt = System.nanoTime();
		Process killed = this.cluster.nodes.get("c");
		ClusterTestSupport.signal("KILL", killed.pid());
		killed.onExit().get();
		// its sessions end with its process; the other nodes take them over once its
		// ZooKeeper session has expired and the move margin has passed
		await().atMost(Duration.ofSeconds(120))
			.until(() -> this.cluster.settled() && !this.cluster.owners().containsValue("c"));
		assertThat(movedInstances).isNotEmpty()
			.allSatisfy((instance) -> assertThat(this.cluster.owners().get(instance)).isIn("a", "b"));
		for (int shard = 0; shard < SHARDS; shard++) {
			this.cluster.assertNoTwoSessionsAtOnce(shard, killedAt);
		}
		assertThat(this.cluster.discord.violations()).isEmpty();
		assertThat(this.cluster.discord.gatewayBotCalls()).isEqualTo(1);
	}

	@Test
	void aWrongTokenFailsTheLeadersStartUpNamingTheProperty() throws Exception {
		Process node = this.cluster.startNode("wrong", "--discordoo.sharding.discord.token=not-the-bot-token");
		assertThat(node.waitFor(90, TimeUnit.SECONDS)).as("the node exits").isTrue();
		assertThat(node.exitValue()).isNotZero();
		assertThat(this.cluster.output).anyMatch((line) -> line.contains(
				"Invalid value for configuration property 'discordoo.sharding.discord.token' (the value is a secret"))
			.anyMatch((line) -> line.contains("401 Unauthorized"));
		// nothing was started, and no token was printed: neither the wrong one nor the one
		// the environment also sets (Boot's own analyzer would print both)
		assertThat(this.cluster.discord.identifies()).isEmpty();
		assertThat(this.cluster.output).noneMatch((line) -> line.contains("not-the-bot-token"))
			.noneMatch((line) -> line.contains(ClusterTestSupport.TOKEN));
	}

	@Test
	void aSecondNodeOfTheSameNameIsRefused() {
		ClusterSettings settings = new ClusterSettings("dup", "same", 10, 1, Duration.ofSeconds(1), Duration.ZERO,
				Duration.ofSeconds(5), 2);
		try (ClusterNode first = newNode(settings); ClusterNode second = newNode(settings)) {
			first.join();
			assertThatIllegalStateException().isThrownBy(second::join)
				.withMessageContaining("a node named 'same' is already in cluster 'dup'")
				.withMessageContaining("discordoo.sharding.cluster.node-name");
			// the first is still in, alone: its view of the members fills from ZooKeeper
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(first.members()).extracting(NodeRecord::name).containsExactly("same"));
		}
	}

	private ClusterNode newNode(ClusterSettings settings) {
		String connectString = this.cluster.zookeeper.getConnectString();
		CuratorFramework client = CuratorFrameworkFactory.newClient(connectString, new RetryOneTime(200));
		return new ClusterNode(client, connectString, settings, JsonMapper.builder().build(),
				() -> new GatewayFacts(1, "ws://localhost", 1, null));
	}

}
