package dev.discordoo.sharding.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.discordoo.sharding.testbot.TestBotApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster's faults done for real, with node JVMs, an in-process ZooKeeper and a fake
 * Discord: a frozen node (a partition), a ZooKeeper restart, a node joining and a node
 * leaving. Through all of them every shard has one gateway session, apart from the planned
 * overlaps of a hand-over, and none goes uncovered.
 */
class ClusterFaultsTests {

	private ClusterTestSupport cluster;

	@AfterEach
	void stopEverything() throws Exception {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	/**
	 * SIGSTOP of a node whose instances are child JVMs: they lose their manager and
	 * self-destruct, the node's ZooKeeper session expires, and its shards move. After SIGCONT
	 * it finds its session lost and runs nothing until it has joined again.
	 */
	@Test
	void aFrozenNodesInstancesSelfDestructItsShardsMoveAndAfterThawingItRunsNothingUntilItJoinsAgain()
			throws Exception {
		this.cluster = new ClusterTestSupport(4, 2);
		String[] processes = { "--discordoo.sharding.mode=processes", "--discordoo.sharding.shards-per-instance=2",
				"--discordoo.sharding.processes.main-class=" + TestBotApplication.class.getName(),
				"--discordoo.sharding.processes.jvm-args=" + ClusterTestSupport.FAST_CHILD_JVM_ARGS,
				// longer than the instances take to notice their manager is gone and close their sessions
				"--discordoo.sharding.cluster.move-margin=4s" };
		this.cluster.startNode("a", processes);
		await().atMost(Duration.ofSeconds(60)).until(() -> this.cluster.members().contains("a"));
		Process frozen = this.cluster.startNode("b", processes);
		// b may join after the first assignment: then it takes instance 1 over from a
		await().atMost(Duration.ofSeconds(150))
			.until(() -> this.cluster.settled() && this.cluster.owners().equals(Map.of(0, "a", 1, "b")));
		List<ProcessHandle> frozenInstances = frozen.children().toList();
		assertThat(frozenInstances).hasSize(1);

		long frozenAt = System.nanoTime();
		ClusterTestSupport.signal("STOP", frozen.pid());
		await().atMost(Duration.ofSeconds(90))
			.until(() -> "a".equals(this.cluster.owners().get(1)) && this.cluster.everyShardLiveOnce());
		// the frozen node could not stop its instance: it closed its sessions itself, missing
		// its manager, before the move (no two sessions at once), and exits
		for (int shard = 0; shard < 4; shard++) {
			this.cluster.assertNoTwoSessionsAtOnce(shard, frozenAt);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> frozenInstances.stream().allMatch(ClusterTestSupport::exited));

		long thawedAt = System.nanoTime();
		ClusterTestSupport.signal("CONT", frozen.pid());
		// its session is gone: it joins again as a new member
		await().atMost(Duration.ofSeconds(60)).until(() -> this.cluster.members().contains("b"));
		long joinedAt = System.nanoTime();
		assertThat(this.cluster.discord.identifies())
			.as("no identify between the thaw and the node's joining again: it ran nothing")
			.noneMatch((identify) -> identify.atNanos() > thawedAt && identify.atNanos() < joinedAt);
		// and the cluster settles with every shard live once
		await().atMost(Duration.ofSeconds(120))
			.until(this.cluster::settled);
		assertThat(this.cluster.discord.violations()).isEmpty();
	}

	/**
	 * A ZooKeeper restart loses no shard; a node that joins gets shards handed over and a node
	 * stopped gracefully hands its shards over, both without a moment where a shard has no
	 * session.
	 */
	@Test
	void aZooKeeperRestartAJoiningNodeAndALeavingNodeLeaveNoShardUncovered() throws Exception {
		this.cluster = new ClusterTestSupport(6, 6);
		this.cluster.startNode("a");
		await().atMost(Duration.ofSeconds(60)).until(() -> this.cluster.members().contains("a"));
		this.cluster.startNode("b");
		// b may join after the first assignment: then the hand-overs to it must be over first
		await().atMost(Duration.ofSeconds(150))
			.until(() -> this.cluster.settled() && this.cluster.owners().values().containsAll(List.of("a", "b")));
		int identifies = this.cluster.discord.identifies().size();

		long restartedAt = System.nanoTime();
		this.cluster.zookeeper.restart();
		await().atMost(Duration.ofSeconds(60)).until(() -> this.cluster.members().containsAll(List.of("a", "b")));
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30)).until(this.cluster::settled);
		assertEveryShardLiveSince(restartedAt);
		assertThat(this.cluster.discord.identifies()).as("no session was started again").hasSize(identifies);

		long joinedAt = System.nanoTime();
		this.cluster.startNode("c");
		await().atMost(Duration.ofSeconds(150))
			.until(() -> this.cluster.owners().containsValue("c") && this.cluster.settled());
		assertEveryShardLiveSince(joinedAt);

		long leftAt = System.nanoTime();
		Process leaving = this.cluster.nodes.get("a");
		ClusterTestSupport.signal("TERM", leaving.pid());
		await().atMost(Duration.ofSeconds(150))
			.until(() -> !leaving.isAlive() && !this.cluster.owners().containsValue("a") && this.cluster.settled());
		assertEveryShardLiveSince(leftAt);
		assertThat(this.cluster.discord.violations()).isEmpty();
	}

	private void assertEveryShardLiveSince(long fromNanos) {
		long now = System.nanoTime();
		for (int shard = 0; shard < this.cluster.shards; shard++) {
			assertThat(this.cluster.discord.shardLiveThroughout(shard, fromNanos, now))
				.as("shard %d live throughout: %s", shard, this.cluster.discord.gatewaySessions(shard))
				.isTrue();
		}
	}

}
