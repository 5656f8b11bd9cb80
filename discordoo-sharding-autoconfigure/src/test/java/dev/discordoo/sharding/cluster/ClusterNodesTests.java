package dev.discordoo.sharding.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.discord.FakeDiscord;
import dev.discordoo.sharding.manager.ChildJvmCommand;
import dev.discordoo.sharding.testbot.TestBotApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three node JVMs of one cluster on loopback, an in-process ZooKeeper, and a real JDA on each
 * node's instances (workers) against a fake Discord that is strict about identify buckets:
 * the shards spread over the nodes with one gateway session each, and a node killed with
 * {@code kill -9} has its shards moved to the others, never with two sessions at once.
 */
class ClusterNodesTests {

	private static final String TOKEN = "cluster-nodes-test-token";

	private static final int SHARDS = 6;

	private final FakeDiscord discord = FakeDiscord.start(TOKEN)
		.shards(SHARDS)
		.maxConcurrency(2)
		.identifyWindow(Duration.ofMillis(100));

	private final TestingServer zookeeper = startZooKeeper();

	private final CuratorFramework observer = observe(this.zookeeper);

	private final Map<String, Process> nodes = new LinkedHashMap<>();

	private static TestingServer startZooKeeper() {
		try {
			return new TestingServer(true);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static CuratorFramework observe(TestingServer zookeeper) {
		CuratorFramework client = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(200));
		client.start();
		return client;
	}

	@AfterEach
	void stopEverything() throws Exception {
		// whatever happened, nothing this test started outlives it
		for (Process node : this.nodes.values()) {
			node.descendants().forEach(ProcessHandle::destroyForcibly);
			node.destroyForcibly();
		}
		for (Process node : this.nodes.values()) {
			node.onExit().get();
		}
		this.observer.close();
		this.zookeeper.close();
		this.discord.close();
	}

	@Test
	void threeNodesRunEachShardOnceAndTheShardsOfAKilledNodeMoveWithoutTwoSessionsAtOnce() throws Exception {
		for (String name : List.of("a", "b", "c")) {
			startNode(name);
		}
		await().atMost(Duration.ofSeconds(150)).until(() -> everyShardLiveOnce() && owners().size() == SHARDS);
		assertThat(new HashSet<>(owners().values())).containsExactlyInAnyOrder("a", "b", "c");
		assertThat(this.discord.violations()).isEmpty();
		// the leader alone asked Discord
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);

		List<Integer> movedInstances = owners().entrySet().stream()
			.filter((entry) -> entry.getValue().equals("c"))
			.map(Map.Entry::getKey)
			.toList();
		long killedAt = System.nanoTime();
		Process killed = this.nodes.get("c");
		new ProcessBuilder("kill", "-9", Long.toString(killed.pid())).inheritIO().start().waitFor();
		killed.onExit().get();
		// its sessions end with its process; the others' nodes take them over once its
		// ZooKeeper session has expired and the move margin has passed
		await().atMost(Duration.ofSeconds(120))
			.until(() -> everyShardLiveOnce() && owners().size() == SHARDS && !owners().containsValue("c"));
		assertThat(movedInstances).isNotEmpty().allSatisfy((instance) -> assertThat(owners().get(instance)).isIn("a", "b"));
		for (int shard = 0; shard < SHARDS; shard++) {
			assertNoTwoSessionsAtOnce(shard, killedAt);
		}
		assertThat(this.discord.violations()).isEmpty();
		assertThat(this.discord.gatewayBotCalls()).isEqualTo(1);
	}

	@Test
	void aSecondNodeOfTheSameNameIsRefused() {
		ClusterSettings settings = new ClusterSettings("dup", "same", 10, 1, Duration.ofSeconds(1), Duration.ZERO,
				Duration.ofSeconds(5));
		try (ClusterNode first = newNode(settings); ClusterNode second = newNode(settings)) {
			first.join();
			org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(second::join)
				.withMessageContaining("a node named 'same' is already in cluster 'dup'")
				.withMessageContaining("discordoo.sharding.cluster.node-name");
			// the first is still in, alone: its view of the members fills from ZooKeeper
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(first.members()).extracting(NodeRecord::name).containsExactly("same"));
		}
	}

	private ClusterNode newNode(ClusterSettings settings) {
		CuratorFramework client = CuratorFrameworkFactory.newClient(this.zookeeper.getConnectString(),
				new RetryOneTime(200));
		return new ClusterNode(client, this.zookeeper.getConnectString(), settings,
				tools.jackson.databind.json.JsonMapper.builder().build(),
				() -> new GatewayFacts(1, "ws://localhost", 1, null));
	}

	private boolean everyShardLiveOnce() {
		for (int shard = 0; shard < SHARDS; shard++) {
			if (this.discord.liveSessions(shard).size() != 1) {
				return false;
			}
		}
		return true;
	}

	/** The owner node of each instance, as ZooKeeper has it. */
	private Map<Integer, String> owners() throws Exception {
		String path = "/discordoo/cluster-test/owners";
		Map<Integer, String> owners = new LinkedHashMap<>();
		if (this.observer.checkExists().forPath(path) == null) {
			return owners;
		}
		for (String child : this.observer.getChildren().forPath(path)) {
			try {
				byte[] data = this.observer.getData().forPath(path + "/" + child);
				owners.put(Integer.valueOf(child), new String(data, StandardCharsets.UTF_8).split(" ")[0]);
			}
			catch (org.apache.zookeeper.KeeperException.NoNodeException ex) {
				// gone between the listing and the read
			}
		}
		return owners;
	}

	/** No two sessions of a shard that became READY after a moment were live at once. */
	private void assertNoTwoSessionsAtOnce(int shard, long sinceNanos) {
		List<FakeDiscord.GatewaySession> sessions = new ArrayList<>(this.discord.gatewaySessions(shard));
		sessions.removeIf((session) -> session.readyAtNanos() < 0);
		sessions.sort(Comparator.comparingLong(FakeDiscord.GatewaySession::readyAtNanos));
		for (int i = 1; i < sessions.size(); i++) {
			FakeDiscord.GatewaySession before = sessions.get(i - 1);
			FakeDiscord.GatewaySession after = sessions.get(i);
			if (after.readyAtNanos() < sinceNanos) {
				continue;
			}
			assertThat(before.closed()).as("shard %d: session %s still open when %s was READY", shard,
					before.sessionId(), after.sessionId()).isTrue();
			assertThat(before.closedAtNanos()).as("shard %d: sessions %s and %s overlap", shard, before.sessionId(),
					after.sessionId()).isLessThanOrEqualTo(after.readyAtNanos());
		}
	}

	private void startNode(String name) throws Exception {
		List<String> command = new ArrayList<>(
				ChildJvmCommand.forCurrentJvm(TestBotApplication.class.getName()).toCommandLine());
		command.addAll(List.of("--discordoo.sharding.mode=workers", "--discordoo.sharding.shards=auto",
				"--discordoo.sharding.discord.api-url=" + this.discord.apiUrl(),
				"--discordoo.sharding.identify.interval=600ms", "--discordoo.sharding.heartbeat.interval=1s",
				"--discordoo.sharding.spawn.timeout=90s", "--discordoo.sharding.spawn.ready-timeout=60s",
				"--discordoo.sharding.instance.properties.testbot.jda=true",
				"--discordoo.sharding.cluster.zookeeper.connect-string=" + this.zookeeper.getConnectString(),
				"--discordoo.sharding.cluster.name=cluster-test", "--discordoo.sharding.cluster.node-name=" + name,
				"--discordoo.sharding.cluster.session-timeout=6s", "--discordoo.sharding.cluster.settle=3s",
				"--discordoo.sharding.cluster.move-margin=1s"));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		// the token in the environment, as a user gives it: never on a command line
		builder.environment().put("DISCORDOO_SHARDING_DISCORD_TOKEN", TOKEN);
		Process node = builder.start();
		this.nodes.put(name, node);
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					System.out.println("[node " + name + "] " + line);
				}
			}
			catch (Exception ex) {
				// the node is gone
			}
		});
		reader.setDaemon(true);
		reader.start();
	}

}
