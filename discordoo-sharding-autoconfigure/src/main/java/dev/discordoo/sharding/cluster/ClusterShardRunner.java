package dev.discordoo.sharding.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ipc.ShardingThreads;
import dev.discordoo.sharding.manager.InstancePlan;
import dev.discordoo.sharding.manager.LocalShardingManager;

/**
 * Runs this node's part of the cluster's assignment on the local manager, and only while it
 * holds each instance's ownership in ZooKeeper:
 * <ul>
 * <li>an instance assigned here that nobody owns: take its ownership znode, then run it;</li>
 * <li>an instance assigned here that another live node still owns (a planned move): run a
 * successor beside it, say in {@code successors/<instance>} when it is READY, and take the
 * ownership once the old owner has let go of it;</li>
 * <li>an instance owned here but assigned elsewhere: keep it running until the new owner's
 * successor is READY (or the hand-over timeout passes), then stop it and let go.</li>
 * </ul>
 * The same rules are applied again every half second and at every change (level, not edge:
 * a missed event costs a delay, never a wrong state). While the ZooKeeper connection is
 * SUSPENDED nothing new is started; once the session is LOST every local instance is stopped
 * before anything else, and the node starts over when it reconnects.
 */
public final class ClusterShardRunner implements SmartLifecycle, ClusterStatusSource {

	private static final Log logger = LogFactory.getLog(ClusterShardRunner.class);

	private static final Duration RECONCILE_INTERVAL = Duration.ofMillis(500);

	private static final String READY = "READY";

	private final ClusterNode node;

	private final LocalShardingManager manager;

	private final Duration handOverTimeout;

	private final ScheduledExecutorService work;

	private final CuratorCache owners;

	private final CuratorCache successors;

	// on the work thread only
	private final Map<Integer, Long> handOverSince = new HashMap<>();

	private final Set<Integer> releasing = new HashSet<>();

	private final Fence fence = new Fence();

	private volatile boolean running;

	private volatile boolean leaving;

	private final CompletableFuture<Void> handedOver = new CompletableFuture<>();

	/** Reconciles on every change of an ownership or successor znode. */
	private final CuratorCacheListener trigger = CuratorCacheListener.builder()
		.forAll((type, before, after) -> reconcileSoon())
		.build();

	/**
	 * Create a runner for a node that has joined its cluster.
	 * @param node the node
	 * @param manager the node's local manager, started idle
	 * @param handOverTimeout how long an instance that moved away keeps running while its
	 * successor elsewhere is not READY
	 */
	public ClusterShardRunner(ClusterNode node, LocalShardingManager manager, Duration handOverTimeout) {
		this.node = node;
		this.manager = manager;
		this.handOverTimeout = handOverTimeout;
		this.work = ShardingThreads.scheduledDaemons("discordoo-cluster-runner-", 1);
		this.owners = node.owners();
		this.successors = CuratorCache.build(node.client(), node.paths().successors());
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.owners.listenable().addListener(this.trigger);
		this.successors.listenable().addListener(this.trigger);
		this.successors.start();
		// a local crash restart waits while the node is out of touch with ZooKeeper: it could
		// not identify, and may no longer own the instance
		this.manager.setRestartGate(() -> this.fence.get() == Standing.CONNECTED);
		this.node.onConnection(this::connectionChanged);
		this.node.onAssignment((assignment) -> reconcileSoon());
		this.work.scheduleWithFixedDelay(this::reconcileSafely, RECONCILE_INTERVAL.toMillis(),
				RECONCILE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		// a graceful stop hands the shards over first: the leader moves them, the other nodes
		// start successors, and reconcile lets go of each once its successor is READY
		this.node.leave();
		this.leaving = true;
		reconcileSoon();
		try {
			this.handedOver.get(this.handOverTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			// said below
		}
		if (!this.manager.instances().isEmpty()) {
			logger.warn("Cluster node " + this.node.nodeName() + " stops with instances not handed over: "
					+ this.manager.instances().stream().map(InstanceInfo::index).toList());
		}
		this.running = false;
		this.work.shutdownNow();
		// the node's cache of owners stays open for the node until it closes
		this.owners.listenable().removeListener(this.trigger);
		this.successors.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// after the local manager has started, before it stops
		return this.manager.getPhase() + 1;
	}

	private void connectionChanged(ConnectionState state) {
		Standing now = this.fence.on(state, () -> {
			// fencing: the session and with it every ownership is gone; another node may be
			// given these instances once the leader's margin has passed
			List<Integer> local = this.manager.instances().stream().map(InstanceInfo::index).toList();
			logger.error("Cluster node " + this.node.nodeName() + " lost its ZooKeeper session: stopping its "
					+ "instances " + local + " now; it joins again when ZooKeeper is back");
			local.forEach(this.manager::release);
		});
		if (now == Standing.CONNECTED || now == Standing.REJOINING) {
			reconcileSoon();
		}
	}

	private void reconcileSoon() {
		if (this.running) {
			this.work.execute(this::reconcileSafely);
		}
	}

	private void reconcileSafely() {
		try {
			reconcile();
		}
		catch (RuntimeException ex) {
			logger.warn("Cluster node " + this.node.nodeName() + " could not apply the assignment now: "
					+ ex.getMessage(), ex);
		}
		// a leaving node is done once nothing runs here any more, or once it cannot hand over
		if (this.leaving && (this.manager.instances().isEmpty() || this.fence.get() != Standing.CONNECTED)) {
			this.handedOver.complete(null);
		}
	}

	private void reconcile() {
		Standing now = this.fence.get();
		if (!this.running || now == Standing.SUSPENDED || now == Standing.SESSION_LOST) {
			return;
		}
		long session = this.node.sessionId();
		if (now == Standing.REJOINING) {
			// after a lost session nothing cached can be trusted: act again only once this node
			// is a member under its new session and has read the assignment from ZooKeeper
			if (!this.node.isMemberInSession(session)) {
				this.node.registerAgainIfGone();
				return;
			}
			this.node.refreshAssignment();
			if (!this.fence.rejoined()) {
				// lost or suspended again meanwhile
				return;
			}
			logger.info("Cluster node " + this.node.nodeName() + " is back in the cluster under a new session");
		}
		ClusterAssignment assignment = this.node.assignment();
		if (assignment == null) {
			return;
		}
		String me = this.node.nodeName();
		Map<Integer, InstanceState> local = new HashMap<>();
		this.manager.instances().forEach((info) -> local.put(info.index(), info.state()));
		for (int i = 0; i < assignment.owners().size(); i++) {
			if (this.fence.get() != Standing.CONNECTED) {
				// suspended or lost while this pass waited on ZooKeeper: what it read is stale
				return;
			}
			reconcile(i, assignment.ownerOf(i), me, session, local);
		}
	}

	private void reconcile(int i, @Nullable String target, String me, long session, Map<Integer, InstanceState> local) {
		Claim owner = Claim.of(this.owners, this.node.paths().owner(i));
		Claim successor = Claim.of(this.successors, this.node.paths().successor(i));
		if ((owner != null && owner.isStaleOf(me, session)) || (successor != null && successor.isStaleOf(me, session))) {
			// a claim of this node's previous session, not yet gone from the cache: wait for the truth
			return;
		}
		boolean mine = owner != null && owner.session() == session;
		boolean mySuccessor = successor != null && successor.session() == session;
		if (me.equals(target)) {
			this.handOverSince.remove(i);
			if (owner != null && mine) {
				run(i);
				reportState(i, owner, local.get(i));
				if (mySuccessor) {
					delete(this.node.paths().successor(i));
				}
			}
			else if (owner == null) {
				if ((successor == null || mySuccessor) && create(this.node.paths().owner(i), me)) {
					logger.info("Cluster node " + me + " owns instance " + i + " now");
					run(i);
				}
			}
			else if (successor == null) {
				// planned move: a successor beside the running instance, announced first
				if (create(this.node.paths().successor(i), me + " SPAWNING")) {
					logger.info("Cluster node " + me + " takes instance " + i + " over from " + owner.node());
					run(i);
				}
			}
			else if (successor != null && mySuccessor) {
				run(i);
				if (!READY.equals(successor.state()) && local.get(i) == InstanceState.READY) {
					setData(this.node.paths().successor(i), me + " " + READY, successor.version());
				}
			}
		}
		else if (owner != null && mine) {
			reportState(i, owner, local.get(i));
			boolean handOver = target != null && successor != null && target.equals(successor.node())
					&& READY.equals(successor.state());
			long since = this.handOverSince.computeIfAbsent(i, (key) -> System.nanoTime());
			boolean givenUp = target != null && System.nanoTime() - since > this.handOverTimeout.toNanos();
			if (target == null || handOver || givenUp) {
				if (givenUp && !handOver) {
					logger.warn("Cluster node " + me + ": the successor of instance " + i + " on " + target
							+ " is not READY after " + this.handOverTimeout.toMillis() + " ms; stopping it here");
				}
				releaseThenLetGo(i);
			}
		}
		else if (mySuccessor) {
			// no longer assigned here while taking it over: give the successor up
			releaseThenDelete(i, this.node.paths().successor(i));
		}
		else if (local.containsKey(i)) {
			releaseThenDelete(i, null);
		}
	}

	/** Keep the state in the ownership znode current, for every node's view of the cluster. */
	private void reportState(int instance, Claim owner, @Nullable InstanceState state) {
		String reported = (state != null) ? state.name() : InstanceState.STOPPED.name();
		if (!reported.equals(owner.state())) {
			setData(this.node.paths().owner(instance), this.node.nodeName() + " " + reported, owner.version());
		}
	}

	@Override
	public ClusterStatus status() {
		ClusterAssignment assignment = this.node.assignment();
		List<ClusterStatus.InstanceStatus> instances = new ArrayList<>();
		if (assignment != null) {
			List<InstancePlan> plans = assignment.allocation().instances();
			for (int i = 0; i < plans.size(); i++) {
				Claim owner = Claim.of(this.owners, this.node.paths().owner(i));
				instances.add(new ClusterStatus.InstanceStatus(i, plans.get(i).shards(), assignment.ownerOf(i),
						(owner != null) ? owner.node() : null, (owner != null) ? owner.state() : null));
			}
		}
		return new ClusterStatus(this.node.clusterName(), this.node.nodeName(), this.node.isConnected(),
				this.node.leader(), this.node.members(), (assignment != null) ? assignment.version() : -1,
				(assignment != null) ? assignment.shortfall() : null, this.node.reassignments(), instances);
	}

	private void run(int instance) {
		if (this.releasing.contains(instance)) {
			return;
		}
		this.fence.startIfConnected(() -> this.manager.run(instance).exceptionally((ex) -> null));
	}

	private void releaseThenLetGo(int instance) {
		releaseThenDelete(instance, this.node.paths().owner(instance));
	}

	private void releaseThenDelete(int instance, @Nullable String path) {
		if (!this.releasing.add(instance)) {
			return;
		}
		this.manager.release(instance).whenComplete((done, ex) -> this.work.execute(() -> {
			this.releasing.remove(instance);
			this.handOverSince.remove(instance);
			if (path != null) {
				delete(path);
			}
			logger.info("Cluster node " + this.node.nodeName() + " stopped instance " + instance);
		}));
	}

	/**
	 * Where this node stands with ZooKeeper, as far as running instances goes; Curator's
	 * connection states move it, and only a node CONNECTED acts on the assignment.
	 */
	enum Standing {

		/** Connected in the session its claims were made in. */
		CONNECTED,

		/** Disconnected, the session perhaps still alive: nothing new starts. */
		SUSPENDED,

		/** The session is gone, with every claim made in it; the instances are stopped. */
		SESSION_LOST,

		/**
		 * Connected again, in a new session: it acts again once it is a member in that
		 * session and has read the assignment from ZooKeeper itself.
		 */
		REJOINING;

		/**
		 * Return where a node in this standing stands after a connection state change.
		 * @param state Curator's new connection state
		 * @return the new standing
		 */
		Standing on(ConnectionState state) {
			return switch (state) {
				case SUSPENDED -> (this == CONNECTED || this == SUSPENDED) ? SUSPENDED : SESSION_LOST;
				case LOST -> SESSION_LOST;
				case CONNECTED, RECONNECTED -> (this == SESSION_LOST || this == REJOINING) ? REJOINING : CONNECTED;
				case READ_ONLY -> this;
			};
		}

	}

	private boolean create(String path, String data) {
		CuratorFramework client = this.node.client();
		try {
			client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
				.forPath(path, data.getBytes(StandardCharsets.UTF_8));
			return true;
		}
		catch (KeeperException.NodeExistsException ex) {
			return false;
		}
		catch (Exception ex) {
			logger.warn("Could not create " + path + ": " + ex.getMessage());
			return false;
		}
	}

	/** Write a znode of this node's, at the version it was read: never one another node has taken since. */
	private void setData(String path, String data, int version) {
		try {
			this.node.client().setData().withVersion(version).forPath(path, data.getBytes(StandardCharsets.UTF_8));
		}
		catch (KeeperException.BadVersionException | KeeperException.NoNodeException ex) {
			// changed or gone meanwhile: the next round sees what it is now
		}
		catch (Exception ex) {
			logger.warn("Could not write " + path + ": " + ex.getMessage());
		}
	}

	/** Delete a znode of this node's: one another node has created meanwhile is left alone. */
	private void delete(String path) {
		try {
			Stat stat = new Stat();
			String data = new String(this.node.client().getData().storingStatIn(stat).forPath(path),
					StandardCharsets.UTF_8);
			if (!data.split(" ")[0].equals(this.node.nodeName())) {
				return;
			}
			this.node.client().delete().withVersion(stat.getVersion()).forPath(path);
		}
		catch (KeeperException.NoNodeException | KeeperException.BadVersionException ex) {
			// already gone, or no longer ours
		}
		catch (Exception ex) {
			logger.warn("Could not delete " + path + ": " + ex.getMessage());
		}
	}

}
