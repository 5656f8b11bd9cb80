package dev.discordoo.sharding.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.discordoo.sharding.identify.IdentifyGate;
import dev.discordoo.sharding.ipc.ShardingThreads;

/**
 * The identify buckets and the daily budget, shared by every node of a cluster through
 * ZooKeeper:
 * <ul>
 * <li>a node takes a bucket by creating its ephemeral znode, and deletes it once the
 * identify's outcome is in and the identify interval has passed since it took it, measured on
 * its own monotonic clock (no two hosts' clocks are compared); a node that dies holding one
 * frees it with its session, which must therefore last longer than the interval;</li>
 * <li>each identify takes one from the shared budget, with a versioned write so that two
 * nodes never spend the same one; at the reserve nothing is taken until the leader has read
 * the budget again after its reset;</li>
 * <li>while the connection to ZooKeeper is suspended or lost nothing is taken at all: a node
 * that may have lost its session grants no identify.</li>
 * </ul>
 */
public final class ZooKeeperIdentifyGate implements IdentifyGate {

	private static final Log logger = LogFactory.getLog(ZooKeeperIdentifyGate.class);

	private static final long BUSY_RETRY_NANOS = Duration.ofMillis(200).toNanos();

	private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

	private static final Duration UNUSED_TIMEOUT = Duration.ofSeconds(2);

	private static final long DISCONNECTED_RETRY_NANOS = Duration.ofMillis(500).toNanos();

	private static final long BUDGET_RETRY_NANOS = Duration.ofSeconds(30).toNanos();

	private final CuratorFramework client;

	private final ClusterPaths paths;

	private final String nodeName;

	private final Duration interval;

	private final @Nullable Integer reserveSetting;

	private final JsonMapper mapper;

	private final ScheduledExecutorService work;

	private final long[] takenAtNanos;

	private final long[] notBeforeNanos;

	private final Slot[] slots;

	private volatile boolean connected = true;

	private boolean budgetHoldLogged;

	/**
	 * Create the gate of a node.
	 * @param node the node, joined
	 * @param maxConcurrency the number of buckets
	 * @param interval the least time between two identifies of one bucket
	 * @param reserve identifies never spent, or {@code null} for 10 % of the daily total
	 * @param mapper reads and writes the budget
	 */
	public ZooKeeperIdentifyGate(ClusterNode node, int maxConcurrency, Duration interval, @Nullable Integer reserve,
			JsonMapper mapper) {
		this.client = node.client();
		this.paths = node.paths();
		this.nodeName = node.nodeName();
		this.interval = interval;
		this.reserveSetting = reserve;
		this.mapper = mapper;
		this.takenAtNanos = new long[maxConcurrency];
		this.notBeforeNanos = new long[maxConcurrency];
		this.slots = new Slot[maxConcurrency];
		java.util.Arrays.fill(this.slots, Slot.FREE);
		this.work = ShardingThreads.scheduledDaemons("discordoo-identify-gate-", 1);
		node.onConnection(this::connectionChanged);
	}

	private void connectionChanged(ConnectionState state) {
		this.connected = state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED;
	}

	@Override
	public synchronized long tryTake(int bucket) {
		if (!this.connected) {
			return DISCONNECTED_RETRY_NANOS;
		}
		long now = System.nanoTime();
		switch (this.slots[bucket]) {
			case FREE -> {
				long wait = this.notBeforeNanos[bucket] - now;
				if (wait > 0) {
					return wait;
				}
				// ZooKeeper is asked on the gate's own thread, never under the broker's lock: a slow
				// or restarting ZooKeeper must not hold up the node's IPC threads, which report to it
				this.slots[bucket] = Slot.TAKING;
				this.work.execute(() -> take(bucket));
				return POLL_NANOS;
			}
			case TAKEN -> {
				this.slots[bucket] = Slot.GRANTED;
				this.takenAtNanos[bucket] = now;
				return 0;
			}
			default -> {
				return POLL_NANOS;
			}
		}
	}

	/** On the gate's thread: the bucket's znode, then one identify of the budget. */
	private void take(int bucket) {
		String path = this.paths.bucket(bucket);
		long retry;
		try {
			this.client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
				.forPath(path, this.nodeName.getBytes(StandardCharsets.UTF_8));
			retry = takeFromBudget();
			if (retry > 0) {
				delete(path);
			}
		}
		catch (KeeperException.NodeExistsException ex) {
			retry = BUSY_RETRY_NANOS;
		}
		catch (Exception ex) {
			logger.warn("Identify bucket " + bucket + " could not be taken in ZooKeeper (" + ex.getMessage()
					+ "): no identify until it can");
			retry = DISCONNECTED_RETRY_NANOS;
		}
		synchronized (this) {
			if (retry > 0) {
				this.slots[bucket] = Slot.FREE;
				this.notBeforeNanos[bucket] = System.nanoTime() + retry;
				return;
			}
			this.slots[bucket] = Slot.TAKEN;
		}
		// a bucket taken for a permit nobody asks for any more must not block the other nodes
		this.work.schedule(() -> dropIfUnused(bucket), UNUSED_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void dropIfUnused(int bucket) {
		synchronized (this) {
			if (this.slots[bucket] != Slot.TAKEN) {
				return;
			}
			this.slots[bucket] = Slot.RELEASING;
		}
		release(bucket);
	}

	@Override
	public synchronized void giveBack(int bucket, boolean used) {
		if (this.slots[bucket] != Slot.GRANTED && this.slots[bucket] != Slot.TAKEN) {
			return;
		}
		this.slots[bucket] = Slot.RELEASING;
		long wait = used ? this.takenAtNanos[bucket] + this.interval.toNanos() - System.nanoTime() : 0;
		this.work.schedule(() -> release(bucket), Math.max(0, wait), TimeUnit.NANOSECONDS);
	}

	private void release(int bucket) {
		delete(this.paths.bucket(bucket));
		synchronized (this) {
			this.slots[bucket] = Slot.FREE;
		}
	}

	/**
	 * Take one identify from the shared budget.
	 * @return 0 when taken, or how long to wait before asking again
	 */
	private long takeFromBudget() {
		for (int attempt = 0; attempt < 10; attempt++) {
			Stat stat = new Stat();
			ClusterBudget budget;
			try {
				budget = this.mapper.readValue(this.client.getData().storingStatIn(stat).forPath(this.paths.budget()),
						ClusterBudget.class);
			}
			catch (KeeperException.NoNodeException ex) {
				// no budget published: the leader has no Discord token, nothing to count
				return 0;
			}
			catch (Exception ex) {
				logger.warn("The cluster's identify budget could not be read (" + ex.getMessage() + ")");
				return DISCONNECTED_RETRY_NANOS;
			}
			int reserve = (this.reserveSetting != null) ? this.reserveSetting : budget.total() / 10;
			if (budget.remaining() <= reserve) {
				if (!this.budgetHoldLogged) {
					this.budgetHoldLogged = true;
					logger.error("Identify permits held: " + budget.remaining() + " of " + budget.total()
							+ " identifies left today, the reserve is " + reserve + "; sessions already up are not "
							+ "touched, the leader reads the budget again after its reset");
				}
				long untilReset = TimeUnit.MILLISECONDS.toNanos(budget.resetAtEpochMillis() - System.currentTimeMillis());
				return Math.max(DISCONNECTED_RETRY_NANOS, Math.min(untilReset, BUDGET_RETRY_NANOS));
			}
			ClusterBudget spent = new ClusterBudget(budget.total(), budget.remaining() - 1,
					budget.resetAtEpochMillis());
			try {
				this.client.setData().withVersion(stat.getVersion()).forPath(this.paths.budget(),
						this.mapper.writeValueAsBytes(spent));
				this.budgetHoldLogged = false;
				return 0;
			}
			catch (KeeperException.BadVersionException ex) {
				// another node spent one meanwhile: read again
			}
			catch (Exception ex) {
				logger.warn("The cluster's identify budget could not be written (" + ex.getMessage() + ")");
				return DISCONNECTED_RETRY_NANOS;
			}
		}
		return BUSY_RETRY_NANOS;
	}

	private void delete(String path) {
		try {
			this.client.delete().guaranteed().forPath(path);
		}
		catch (KeeperException.NoNodeException ex) {
			// gone with its session already
		}
		catch (Exception ex) {
			logger.warn("Could not free " + path + ": " + ex.getMessage());
		}
	}

	/** Stop the gate's thread; the buckets still held go with the session. */
	public void close() {
		this.work.shutdownNow();
	}

	/** Where a bucket stands, as this node holds it. */
	private enum Slot {

		/** Not held: the next ask starts taking it. */
		FREE,

		/** Its znode is being created, and the budget taken. */
		TAKING,

		/** Held, for the broker to grant under at its next ask. */
		TAKEN,

		/** Held for a granted identify. */
		GRANTED,

		/** Being given back, once the interval has passed. */
		RELEASING

	}

}
