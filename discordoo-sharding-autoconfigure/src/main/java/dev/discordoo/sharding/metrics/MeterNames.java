package dev.discordoo.sharding.metrics;

/**
 * Names of the sharding meters and of their tags, in one place so that the manager and the
 * instance side name the same thing the same way.
 */
final class MeterNames {

	static final String HEARTBEAT_LATENCY = "discordoo.sharding.heartbeat.latency";

	static final String INSTANCES = "discordoo.sharding.instances";

	static final String RESTARTS = "discordoo.sharding.restarts";

	static final String IPC_FRAMES = "discordoo.sharding.ipc.frames";

	static final String REQUESTS = "discordoo.sharding.requests";

	static final String IDENTIFY_WAITING = "discordoo.sharding.identify.waiting";

	static final String IDENTIFY_PERMITS = "discordoo.sharding.identify.permits";

	static final String IDENTIFY_RELEASES = "discordoo.sharding.identify.releases";

	static final String IDENTIFY_REMAINING = "discordoo.sharding.identify.remaining";

	static final String IDENTIFY_WAIT = "discordoo.sharding.identify.wait";

	static final String TAG_INSTANCE = "instance";

	static final String TAG_STATE = "state";

	static final String TAG_REASON = "reason";

	static final String TAG_DIRECTION = "direction";

	static final String TAG_OP = "op";

	static final String TAG_OUTCOME = "outcome";

	private MeterNames() {
	}

	/** Gauge of a cluster's live nodes. */
	static final String CLUSTER_NODES = "discordoo.sharding.cluster.nodes";

	/** Gauge of the version of the cluster assignment a node follows. */
	static final String CLUSTER_ASSIGNMENT_VERSION = "discordoo.sharding.cluster.assignment.version";

	/** Counter of instances moved from one node to another. */
	static final String CLUSTER_REASSIGNMENTS = "discordoo.sharding.cluster.reassignments";

	/** Gauge of whether a node is connected to ZooKeeper. */
	static final String CLUSTER_CONNECTED = "discordoo.sharding.cluster.zookeeper.connected";

}
