package dev.discordoo.sharding.health;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.discordoo.sharding.cluster.ClusterStatus;
import dev.discordoo.sharding.cluster.NodeRecord;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterHealthIndicatorTests {

	private static final List<NodeRecord> NODES = List.of(new NodeRecord("a", 10, "host", 1, false),
			new NodeRecord("b", 10, "host", 2, false));

	private static ClusterStatus status(boolean connected, long version, String shortfall) {
		return new ClusterStatus("bot", "a", connected, "a", NODES, version, shortfall, 3,
				List.of(new ClusterStatus.InstanceStatus(0, List.of(0, 1), "a", "a", "READY"),
						new ClusterStatus.InstanceStatus(1, List.of(2, 3), "b", "b", "SPAWNING")));
	}

	private static Health health(ClusterStatus status) {
		return new ClusterHealthIndicator(() -> status).health(true);
	}

	@Test
	void upWhenConnectedAndEveryInstanceHasANode() {
		Health health = health(status(true, 4, null));
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("leader", "a")
			.containsEntry("assignmentVersion", 4L)
			.containsEntry("nodes", NODES)
			.containsEntry("instancesByNode", java.util.Map.of("a", List.of(0), "b", List.of(1)))
			.doesNotContainKey("shortfall");
	}

	@Test
	void downWithoutZooKeeper() {
		assertThat(health(status(false, 4, null)).getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void downBeforeTheFirstAssignment() {
		assertThat(health(status(true, -1, null)).getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void downWithTheShortfallWhenTheNodesHaveTooLittleCapacity() {
		Health health = health(status(true, 2, "the nodes' capacity (20 shards on 2 nodes) is short"));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("shortfall", "the nodes' capacity (20 shards on 2 nodes) is short");
	}

}
