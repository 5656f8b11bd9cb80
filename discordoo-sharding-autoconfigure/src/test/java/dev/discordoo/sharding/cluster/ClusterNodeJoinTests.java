package dev.discordoo.sharding.cluster;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node whose ZooKeeper is not there yet waits for it, for as long as it takes, and joins
 * once it is: it never goes ahead uncoordinated.
 */
class ClusterNodeJoinTests {

	@Test
	void aNodeWaitsForAnUnreachableZooKeeperAndJoinsOnceItIsThere() throws Exception {
		int port;
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		try (TestingServer zookeeper = new TestingServer(port, false)) {
			String connectString = "127.0.0.1:" + port;
			CuratorFramework client = CuratorFrameworkFactory.builder()
				.connectString(connectString)
				.connectionTimeoutMs(500)
				.sessionTimeoutMs(6000)
				.retryPolicy(new RetryOneTime(200))
				.build();
			ClusterSettings settings = new ClusterSettings("waiting", "n", 10, 1, Duration.ZERO, Duration.ZERO,
					Duration.ofSeconds(5), 2);
			try (ClusterNode node = new ClusterNode(client, connectString, settings, JsonMapper.builder().build(),
					() -> new GatewayFacts(2, "ws://localhost", 1, null))) {
				CompletableFuture<Void> joined = CompletableFuture.runAsync(node::join);
				// still waiting, and saying so, well past a connection attempt's timeout
				await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> !joined.isDone());
				zookeeper.start();
				joined.get(60, java.util.concurrent.TimeUnit.SECONDS);
				assertThat(node.isConnected()).isTrue();
				// alone, it leads and assigns itself every instance
				ClusterAssignment assignment = node.awaitAssignment();
				assertThat(assignment.owners()).containsExactly("n", "n");
				assertThat(node.isLeader()).isTrue();
			}
		}
	}

}
