package dev.discordoo.sharding.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.discordoo.sharding.discord.GatewayBot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes' gates on one in-process ZooKeeper: a bucket is held by one node at a time, for
 * at least the identify interval, and the shared budget is never spent below its reserve.
 */
class ZooKeeperIdentifyGateTests {

	private static final Duration INTERVAL = Duration.ofMillis(1500);

	private final TestingServer zookeeper = start();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private static TestingServer start() {
		try {
			return new TestingServer(true);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.zookeeper.close();
	}

	private ZooKeeperIdentifyGate gate(String name, GatewayBot.SessionStartLimit limit, Integer reserve) {
		CuratorFramework client = CuratorFrameworkFactory.newClient(this.zookeeper.getConnectString(),
				new RetryOneTime(200));
		ClusterNode node = new ClusterNode(client, this.zookeeper.getConnectString(),
				new ClusterSettings("gates", name, 10, 1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5), 2),
				JsonMapper.builder().build(), () -> new GatewayFacts(2, "ws://localhost", 1, limit));
		node.join();
		// the leader publishes the budget with the first assignment
		node.awaitAssignment();
		ZooKeeperIdentifyGate gate = new ZooKeeperIdentifyGate(node, 1, INTERVAL, reserve, JsonMapper.builder().build());
		this.closeables.add(node);
		this.closeables.add(gate::close);
		return gate;
	}

	@Test
	void aBucketIsHeldByOneNodeAtATimeForAtLeastTheInterval() {
		GatewayBot.SessionStartLimit limit = new GatewayBot.SessionStartLimit(1000, 1000, Duration.ofHours(20), 1);
		ZooKeeperIdentifyGate first = gate("first", limit, null);
		ZooKeeperIdentifyGate second = gate("second", limit, null);
		await().atMost(Duration.ofSeconds(10)).until(() -> first.tryTake(0) == 0);
		long takenAt = System.nanoTime();
		// held: the other node cannot have it, even once the identify's outcome is in
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> second.tryTake(0) > 0);
		first.giveBack(0, true);
		await().atMost(Duration.ofSeconds(10)).until(() -> second.tryTake(0) == 0);
		assertThat(Duration.ofNanos(System.nanoTime() - takenAt)).isGreaterThanOrEqualTo(INTERVAL);
	}

	@Test
	void theSharedBudgetStopsAtItsReserveForEveryNode() {
		// 3 left, reserve 1: two identifies in the whole cluster, then none
		GatewayBot.SessionStartLimit limit = new GatewayBot.SessionStartLimit(1000, 3, Duration.ofHours(20), 1);
		ZooKeeperIdentifyGate first = gate("first", limit, 1);
		ZooKeeperIdentifyGate second = gate("second", limit, 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> first.tryTake(0) == 0);
		first.giveBack(0, false);
		await().atMost(Duration.ofSeconds(10)).until(() -> second.tryTake(0) == 0);
		second.giveBack(0, false);
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
			.until(() -> first.tryTake(0) > 0 && second.tryTake(0) > 0);
	}

}
