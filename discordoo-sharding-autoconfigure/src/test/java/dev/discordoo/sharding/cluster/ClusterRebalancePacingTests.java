package dev.discordoo.sharding.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A joining node's share comes over a batch at a time: the leader publishes at most
 * {@code rebalance-batch} moves from a live node that are not complete yet, and the next
 * once the new node holds a moved instance. The nodes' runners are played by hand here,
 * writing the ownership znodes a runner writes, so that each step can be watched.
 */
class ClusterRebalancePacingTests {

	private static final int INSTANCES = 6;

	private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

	private final List<ClusterAssignment> published = new CopyOnWriteArrayList<>();

	private TestingServer zookeeper;

	private CuratorFramework runners;

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	private ClusterNode join(String name) {
		CuratorFramework client = CuratorFrameworkFactory.newClient(this.zookeeper.getConnectString(), 6000, 3000,
				new RetryOneTime(200));
		ClusterSettings settings = new ClusterSettings("pacing", name, 10, 1, Duration.ZERO, Duration.ZERO,
				Duration.ofSeconds(5), 2);
		ClusterNode node = new ClusterNode(client, this.zookeeper.getConnectString(), settings,
				JsonMapper.builder().build(), () -> new GatewayFacts(INSTANCES, "ws://localhost", 1, null));
		this.closeables.add(node);
		node.join();
		return node;
	}

	/** Take or hand over an instance's ownership as a runner does, once its successor is READY. */
	private void hold(ClusterNode node, int instance, String holder) throws Exception {
		String path = node.paths().owner(instance);
		byte[] data = (holder + " READY").getBytes(StandardCharsets.UTF_8);
		if (this.runners.checkExists().forPath(path) == null) {
			this.runners.create().creatingParentContainersIfNeeded().forPath(path, data);
		}
		else {
			this.runners.setData().forPath(path, data);
		}
	}

	@Test
	void aJoiningNodeTakesItsShareTwoInstancesAtATime() throws Exception {
		this.zookeeper = new TestingServer(true);
		this.closeables.add(this.zookeeper);
		this.runners = CuratorFrameworkFactory.newClient(this.zookeeper.getConnectString(), new RetryOneTime(200));
		this.closeables.add(this.runners);
		this.runners.start();
		ClusterNode a = join("a");
		await().atMost(Duration.ofSeconds(30)).until(a::assignment, Objects::nonNull);
		assertThat(a.assignment().owners()).containsOnly("a").hasSize(INSTANCES);
		long before = a.assignment().version();
		a.onAssignment(this.published::add);
		for (int i = 0; i < INSTANCES; i++) {
			hold(a, i, "a");
		}
		ClusterNode b = join("b");
		// the share of b is three instances; two move first
		await().atMost(Duration.ofSeconds(30)).until(() -> a.assignment().instancesOf("b").size() == 2);
		// no further move while neither hand-over is done
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
			.until(() -> a.assignment().instancesOf("b").size() == 2);
		List<Integer> firstMoves = a.assignment().instancesOf("b");
		hold(a, firstMoves.get(0), "b");
		await().atMost(Duration.ofSeconds(30)).until(() -> a.assignment().instancesOf("b").size() == 3);
		for (int instance : a.assignment().instancesOf("b")) {
			hold(a, instance, "b");
		}
		// two assignments since b joined: two moves, then the third once one was done
		assertThat(this.published).filteredOn((assignment) -> assignment.version() > before)
			.extracting((assignment) -> assignment.instancesOf("b").size())
			.containsExactly(2, 3);
		await().atMost(Duration.ofSeconds(10)).until(() -> b.assignment().instancesOf("a").size() == 3);
	}

}
