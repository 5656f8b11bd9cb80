package dev.discordoo.sharding.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import tools.jackson.databind.json.JsonMapper;

import dev.discordoo.sharding.discord.GatewayBot;
import dev.discordoo.sharding.ipc.ShardingThreads;

/**
 * This host's membership of a cluster: it joins (an ephemeral znode per node, so that a
 * second node of the same name is refused), takes part in the leader election, and follows
 * the leader's assignment. As the leader it plans and publishes the assignment: the first
 * once the membership has settled, then at every join and leave, but a lost node's shards only
 * once its session has expired plus the move margin, so that its instances have closed their
 * sessions before anyone else opens them.
 *
 * <p>Connection states reach the {@link ConnectionListener}s, which fence what this node
 * runs: no new identifies while SUSPENDED, nothing at all once LOST.
 */
public final class ClusterNode implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ClusterNode.class);

	private static final Duration CONNECT_LOG_INTERVAL = Duration.ofSeconds(5);

	private final CuratorFramework client;

	private final ClusterSettings settings;

	private final ClusterPaths paths;

	private final JsonMapper mapper;

	private final Supplier<GatewayFacts> gateway;

	private final String connectString;

	private final ScheduledExecutorService work;

	private final List<Consumer<ClusterAssignment>> assignmentListeners = new CopyOnWriteArrayList<>();

	private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();

	private final CompletableFuture<ClusterAssignment> firstAssignment = new CompletableFuture<>();

	// the leader's memory of nodes that left: their shards stay put until the margin passed
	private final Map<String, Departed> departed = new HashMap<>();

	private @Nullable LeaderLatch latch;

	private @Nullable CuratorCache nodesCache;

	private @Nullable CuratorCache assignmentCache;

	/** Who holds each instance's ownership: the runner's view, and the leader's for pacing moves. */
	private @Nullable CuratorCache ownersCache;

	private volatile @Nullable ClusterAssignment assignment;

	private volatile boolean leaving;

	// where this node's node-link server listens, published in its record; null without one
	private volatile @Nullable LinkAddress link;

	private final AtomicLong reassignments = new AtomicLong();

	private volatile boolean closed;

	private @Nullable ScheduledFuture<?> pendingPlan;

	private @Nullable ScheduledFuture<?> budgetRefresh;

	// on the work thread only
	private int planFailures;

	private long pendingPlanAtNanos;

	/**
	 * Create a node; {@link #join()} joins the cluster.
	 * @param client a Curator client, not started: the node starts and closes it
	 * @param connectString where ZooKeeper is, for the log lines
	 * @param settings this node's name, capacity and the cluster's timings
	 * @param mapper writes and reads the znodes' JSON
	 * @param gateway what the leader publishes with the first assignment; called only by the
	 * leader, and only when there is no assignment yet
	 */
	public ClusterNode(CuratorFramework client, String connectString, ClusterSettings settings, JsonMapper mapper,
			Supplier<GatewayFacts> gateway) {
		this.client = client;
		this.connectString = connectString;
		this.settings = settings;
		this.paths = new ClusterPaths(settings.name());
		this.mapper = mapper;
		this.gateway = gateway;
		this.work = ShardingThreads.scheduledDaemons("discordoo-cluster-", 1);
	}

	/**
	 * Say where this node's node-link server listens, for its record; before {@link #join()}.
	 * @param host the address other nodes connect to
	 * @param port the port
	 * @param id the snowflake the server answers IDENTIFY with
	 * @param tls whether the links are TLS
	 */
	public void publishLink(String host, int port, String id, boolean tls) {
		if (this.link != null) {
			throw new IllegalStateException("the node link is published once, before join");
		}
		this.link = new LinkAddress(host, port, id, tls);
	}

	/**
	 * Return the live record of a member.
	 * @param name the node's name
	 * @return its record, or {@code null} when it is no member now
	 */
	public @Nullable NodeRecord member(String name) {
		for (NodeRecord record : members()) {
			if (record.name().equals(name)) {
				return record;
			}
		}
		return null;
	}

	/**
	 * Join the cluster: connect to ZooKeeper, waiting (and saying so) for as long as it is
	 * unreachable, register this node, and follow the leader election and the assignment.
	 * @throws IllegalStateException if a live node of the same name is in the cluster
	 */
	public void join() {
		this.client.getConnectionStateListenable().addListener((client, state) -> onConnectionState(state));
		this.client.start();
		awaitConnected();
		register();
		CuratorCache assignments = CuratorCache.build(this.client, this.paths.assignment());
		assignments.listenable()
			.addListener(CuratorCacheListener.builder().forCreatesAndChanges((before, after) -> onAssignment(after))
				.forInitialized(() -> assignments.get(this.paths.assignment()).ifPresent(this::onAssignment))
				.build());
		this.assignmentCache = assignments;
		assignments.start();
		CuratorCache nodes = CuratorCache.build(this.client, this.paths.nodes());
		nodes.listenable().addListener(CuratorCacheListener.builder()
			.forAll((type, before, after) -> this.work.execute(this::onMembershipChanged))
			.build());
		this.nodesCache = nodes;
		nodes.start();
		CuratorCache owners = CuratorCache.build(this.client, this.paths.owners());
		// a completed hand-over (another holder, or none) lets the leader start the next paced
		// move; the state reports that make up most changes here do not
		owners.listenable().addListener(CuratorCacheListener.builder().forAll((type, before, after) -> {
			Claim was = Claim.of(before);
			Claim is = Claim.of(after);
			if (was == null || is == null || !was.node().equals(is.node())) {
				this.work.execute(this::onOwnershipChanged);
			}
		}).build());
		this.ownersCache = owners;
		owners.start();
		LeaderLatch latch = new LeaderLatch(this.client, this.paths.leader(), this.settings.nodeName());
		latch.addListener(new LeaderLatchListener() {

			@Override
			public void isLeader() {
				ClusterNode.this.work.execute(ClusterNode.this::onLeadership);
			}

			@Override
			public void notLeader() {
				logger.info("Cluster node " + ClusterNode.this.settings.nodeName() + " is no longer the leader");
			}

		});
		this.latch = latch;
		try {
			latch.start();
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not take part in the leader election of cluster '"
					+ this.settings.name() + "': " + ex.getMessage(), ex);
		}
	}

	/**
	 * Wait for the leader's first assignment, as a node must before it knows the bot's shard
	 * total. Logs what it waits for every few seconds.
	 * @return the assignment
	 */
	public ClusterAssignment awaitAssignment() {
		long started = System.nanoTime();
		while (true) {
			try {
				return this.firstAssignment.get(CONNECT_LOG_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (TimeoutException ex) {
				logger.info("Cluster node " + this.settings.nodeName() + " waiting for the leader's first assignment ("
						+ Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s; the leader waits for "
						+ "the membership to settle for " + this.settings.settle().toMillis() + " ms)");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while waiting for the cluster's assignment", ex);
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof InvalidConfigurationPropertyValueException invalid) {
					// as it is, so that start-up fails naming the property
					throw invalid;
				}
				throw new IllegalStateException("no assignment from cluster '" + this.settings.name() + "'",
						ex.getCause());
			}
		}
	}

	/**
	 * Be told of every assignment published from now on, and of the current one.
	 * @param listener called on a Curator thread; must not block
	 */
	public void onAssignment(Consumer<ClusterAssignment> listener) {
		this.assignmentListeners.add(listener);
		ClusterAssignment current = this.assignment;
		if (current != null) {
			listener.accept(current);
		}
	}

	/**
	 * Be told of changes to this node's connection to ZooKeeper.
	 * @param listener called on Curator's connection thread; must not block
	 */
	public void onConnection(ConnectionListener listener) {
		this.connectionListeners.add(listener);
	}

	/**
	 * Return the assignment this node follows.
	 * @return the newest assignment seen, or {@code null} before the first
	 */
	public @Nullable ClusterAssignment assignment() {
		return this.assignment;
	}

	/**
	 * Return this node's name.
	 * @return the name
	 */
	public String nodeName() {
		return this.settings.nodeName();
	}

	/**
	 * Return the cluster's name.
	 * @return the name
	 */
	public String clusterName() {
		return this.settings.name();
	}

	/**
	 * Return whether this node is the leader now.
	 * @return whether it holds the leader latch
	 */
	public boolean isLeader() {
		LeaderLatch current = this.latch;
		return current != null && current.hasLeadership();
	}

	/**
	 * Return how many instances changed node from one assignment to the next, as this node
	 * saw the assignments.
	 * @return the count since this node joined
	 */
	public long reassignments() {
		return this.reassignments.get();
	}

	/**
	 * Return the leader's name.
	 * @return the node holding the leader latch, or {@code null} when unknown
	 */
	public @Nullable String leader() {
		LeaderLatch current = this.latch;
		if (current == null) {
			return null;
		}
		try {
			String id = current.getLeader().getId();
			return id.isEmpty() ? null : id;
		}
		catch (Exception ex) {
			return null;
		}
	}

	/**
	 * Return the id of this node's ZooKeeper session.
	 * @return the session id, 0 when there is none
	 */
	long sessionId() {
		try {
			return this.client.getZookeeperClient().getZooKeeper().getSessionId();
		}
		catch (Exception ex) {
			return 0;
		}
	}

	/**
	 * Return whether this node's membership znode exists and belongs to a session.
	 * @param session the session
	 * @return whether this node is a member under that session
	 */
	boolean isMemberInSession(long session) {
		try {
			Stat stat = this.client.checkExists().forPath(this.paths.node(this.settings.nodeName()));
			return stat != null && session != 0 && stat.getEphemeralOwner() == session;
		}
		catch (Exception ex) {
			return false;
		}
	}

	/** Read the assignment from ZooKeeper itself rather than from the cache, and follow it if newer. */
	void refreshAssignment() {
		try {
			Stat stat = new Stat();
			byte[] data = this.client.getData().storingStatIn(stat).forPath(this.paths.assignment());
			onAssignment(new ChildData(this.paths.assignment(), stat, data));
		}
		catch (Exception ex) {
			logger.warn("Cluster node " + this.settings.nodeName() + " could not read the assignment: " + ex.getMessage());
		}
	}

	/**
	 * Return whether this node is connected to ZooKeeper now.
	 * @return whether its session is live and connected
	 */
	public boolean isConnected() {
		return this.client.getZookeeperClient().isConnected();
	}

	/**
	 * Return the live nodes, longest-lived first.
	 * @return their records
	 */
	public List<NodeRecord> members() {
		return liveMembers().stream().map(Live::record).toList();
	}

	/**
	 * Return the Curator client, for the node's other parts (ownership, identify gates).
	 * @return the client
	 */
	public CuratorFramework client() {
		return this.client;
	}

	ClusterPaths paths() {
		return this.paths;
	}

	/**
	 * Say that this node is leaving: the leader moves its shards to the other nodes, which
	 * take them over before this node stops them.
	 */
	public void leave() {
		this.leaving = true;
		try {
			NodeRecord record = record().asLeaving();
			this.client.setData().forPath(this.paths.node(this.settings.nodeName()), this.mapper.writeValueAsBytes(record));
		}
		catch (Exception ex) {
			logger.warn("Could not tell the cluster that node " + this.settings.nodeName() + " leaves: "
					+ ex.getMessage());
		}
	}

	@Override
	public void close() {
		this.closed = true;
		this.work.shutdownNow();
		closeQuietly(this.latch);
		closeQuietly(this.nodesCache);
		closeQuietly(this.assignmentCache);
		closeQuietly(this.ownersCache);
		this.client.close();
		this.firstAssignment.completeExceptionally(new IllegalStateException("the cluster node is closed"));
	}

	private static void closeQuietly(@Nullable AutoCloseable closeable) {
		if (closeable == null) {
			return;
		}
		try {
			closeable.close();
		}
		catch (Exception ex) {
			logger.debug("Closing " + closeable + " failed", ex);
		}
	}

	private void awaitConnected() {
		long started = System.nanoTime();
		while (true) {
			try {
				if (this.client.blockUntilConnected((int) CONNECT_LOG_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
					logger.info("Cluster node " + this.settings.nodeName() + " connected to ZooKeeper at "
							+ this.connectString);
					return;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while waiting for ZooKeeper at " + this.connectString, ex);
			}
			if (this.closed) {
				throw new IllegalStateException("the cluster node was closed while waiting for ZooKeeper");
			}
			// no local shard starts uncoordinated: the node waits for ZooKeeper, for as long as it takes
			logger.warn("Cluster node " + this.settings.nodeName() + " cannot reach ZooKeeper at " + this.connectString
					+ " (discordoo.sharding.cluster.zookeeper.connect-string) for "
					+ Duration.ofNanos(System.nanoTime() - started).toSeconds()
					+ " s: waiting; no shard runs here until it is reachable");
		}
	}

	private NodeRecord record() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			host = "unknown";
		}
		LinkAddress address = this.link;
		return new NodeRecord(this.settings.nodeName(), this.settings.capacity(), host,
				ProcessHandle.current().pid(), this.leaving, (address != null) ? address.host() : null,
				(address != null) ? address.port() : null, (address != null) ? address.id() : null,
				(address != null) ? address.tls() : null);
	}

	private void register() {
		String path = this.paths.node(this.settings.nodeName());
		try {
			this.client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
				.forPath(path, this.mapper.writeValueAsBytes(record()));
			logger.info("Cluster node " + this.settings.nodeName() + " joined cluster '" + this.settings.name()
					+ "' with a capacity of " + this.settings.capacity() + " shards");
		}
		catch (KeeperException.NodeExistsException ex) {
			throw new IllegalStateException("a node named '" + this.settings.nodeName() + "' is already in cluster '"
					+ this.settings.name() + "': give each node its own discordoo.sharding.cluster.node-name", ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("could not register node '" + this.settings.nodeName() + "' in cluster '"
					+ this.settings.name() + "': " + ex.getMessage(), ex);
		}
	}

	private void onConnectionState(ConnectionState state) {
		logger.info("Cluster node " + this.settings.nodeName() + ": ZooKeeper connection " + state);
		this.connectionListeners.forEach((listener) -> listener.connectionChanged(state));
		if (state == ConnectionState.RECONNECTED && !this.closed) {
			// a new session after LOST lost the membership znode with the old one: join again
			this.work.execute(this::registerAgainIfGone);
		}
	}

	/**
	 * Join again after a lost session took the membership znode with it. The old znode may
	 * still be there for a moment (its session not yet expired on the server): then the next
	 * call tries again.
	 */
	void registerAgainIfGone() {
		try {
			Stat stat = this.client.checkExists().forPath(this.paths.node(this.settings.nodeName()));
			if (stat == null) {
				register();
			}
		}
		catch (Exception ex) {
			logger.warn("Cluster node " + this.settings.nodeName() + " could not join again yet: " + ex.getMessage());
		}
	}

	// synchronized: the cache's thread and a re-read after a lost session must not pass each other
	private synchronized void onAssignment(ChildData data) {
		ClusterAssignment published;
		try {
			published = this.mapper.readValue(data.getData(), ClusterAssignment.class);
		}
		catch (RuntimeException ex) {
			logger.error("Unreadable cluster assignment at " + data.getPath() + ": " + ex.getMessage());
			return;
		}
		ClusterAssignment current = this.assignment;
		if (current != null && current.version() >= published.version()) {
			return;
		}
		this.assignment = published;
		if (current != null) {
			for (int i = 0; i < published.owners().size(); i++) {
				if (!Objects.equals(current.ownerOf(i), published.ownerOf(i))) {
					this.reassignments.incrementAndGet();
				}
			}
		}
		logger.info("Cluster assignment " + published.version() + ": this node runs instances "
				+ published.instancesOf(this.settings.nodeName()) + " of " + published.owners().size()
				+ ((published.shortfall() != null) ? "; " + published.shortfall() : ""));
		this.firstAssignment.complete(published);
		this.assignmentListeners.forEach((listener) -> listener.accept(published));
	}

	// ---- the leader's part: on the work thread only ----

	private void onLeadership() {
		logger.info("Cluster node " + this.settings.nodeName() + " is the leader of cluster '" + this.settings.name()
				+ "'");
		// nodes the assignment names that are not live: a new leader cannot know when they left,
		// so their margin starts now
		ClusterAssignment current = this.assignment;
		if (current != null) {
			List<String> live = liveMembers().stream().map((member) -> member.record().name()).toList();
			long now = System.nanoTime();
			for (String owner : current.owners()) {
				if (owner != null && !live.contains(owner)) {
					this.departed.putIfAbsent(owner, new Departed(now));
				}
			}
		}
		followBudget();
		onMembershipChanged();
	}

	private void onMembershipChanged() {
		if (!isLeader() || this.closed) {
			return;
		}
		List<Live> live = liveMembers();
		long now = System.nanoTime();
		List<String> names = live.stream().map((member) -> member.record().name()).toList();
		this.departed.keySet().removeIf(names::contains);
		ClusterAssignment current = this.assignment;
		if (current != null) {
			for (String owner : current.owners()) {
				if (owner != null && !names.contains(owner)) {
					this.departed.putIfAbsent(owner, new Departed(now));
				}
			}
		}
		if (current == null) {
			// the first assignment waits for the membership to settle: every change starts the wait anew
			schedulePlan(this.settings.settle(), true);
		}
		else {
			schedulePlan(Duration.ZERO, false);
		}
	}

	private void onOwnershipChanged() {
		if (isLeader() && !this.closed && this.assignment != null) {
			schedulePlan(Duration.ZERO, false);
		}
	}

	/**
	 * Return the cache of the ownership znodes, started when the node joined.
	 * @return the cache
	 */
	CuratorCache owners() {
		CuratorCache owners = this.ownersCache;
		if (owners == null) {
			throw new IllegalStateException("the cluster node has not joined yet");
		}
		return owners;
	}

	/** The node named in an instance's ownership znode, {@code null} when nobody holds it. */
	private @Nullable String holderOf(int instance) {
		CuratorCache owners = this.ownersCache;
		if (owners == null) {
			return null;
		}
		Claim claim = Claim.of(owners, this.paths.owner(instance));
		return (claim != null) ? claim.node() : null;
	}

	private void schedulePlan(Duration delay, boolean restart) {
		long at = System.nanoTime() + delay.toNanos();
		ScheduledFuture<?> pending = this.pendingPlan;
		if (pending != null && !pending.isDone()) {
			if (!restart && this.pendingPlanAtNanos - at <= 0) {
				return;
			}
			pending.cancel(false);
		}
		this.pendingPlanAtNanos = at;
		this.pendingPlan = this.work.schedule(this::planSafely, delay.toNanos(), TimeUnit.NANOSECONDS);
	}

	private void planSafely() {
		// this run is the pending plan: a plan it schedules for later must not be taken for it
		this.pendingPlan = null;
		try {
			plan();
			this.planFailures = 0;
		}
		catch (InvalidConfigurationPropertyValueException ex) {
			if (!this.firstAssignment.isDone()) {
				// a wrong token (a 401 from GET /gateway/bot) before the first assignment: this node's
				// start-up fails naming the property, as a single manager's does; the next leader
				// finds the same, so no node of a misconfigured cluster starts
				logger.error("Cluster leader " + this.settings.nodeName() + " cannot plan the cluster: " + ex.getMessage());
				this.firstAssignment.completeExceptionally(ex);
				return;
			}
			retryPlan(ex);
		}
		catch (Exception ex) {
			retryPlan(ex);
		}
	}

	private void retryPlan(Exception ex) {
		// such as Discord unreachable: every node waits for the assignment, so say why once in
		// full, then briefly, and try again less and less often
		Duration retry = Duration.ofSeconds(Math.min(60, 1L << Math.min(this.planFailures, 6)));
		String message = "Cluster leader " + this.settings.nodeName() + " could not publish an assignment ("
				+ ex.getMessage() + "); trying again in " + retry.toSeconds() + " s";
		if (this.planFailures++ == 0) {
			logger.error(message, ex);
		}
		else {
			logger.error(message);
		}
		schedulePlan(retry, false);
	}

	private void plan() throws Exception {
		if (!isLeader() || this.closed) {
			return;
		}
		// a node that left keeps its instances until the margin has passed since it left, and
		// nothing else moves meanwhile: a plan without it would hand its range to the others
		long now = System.nanoTime();
		long nextExpiry = Long.MAX_VALUE;
		for (Map.Entry<String, Departed> entry : new ArrayList<>(this.departed.entrySet())) {
			long endsAt = entry.getValue().atNanos() + this.settings.moveMargin().toNanos();
			if (now - endsAt >= 0) {
				this.departed.remove(entry.getKey());
				logger.info("Cluster node " + entry.getKey() + " left more than " + this.settings.moveMargin().toMillis()
						+ " ms ago (discordoo.sharding.cluster.move-margin): its instances move");
			}
			else {
				nextExpiry = Math.min(nextExpiry, endsAt);
			}
		}
		if (nextExpiry != Long.MAX_VALUE) {
			logger.info("Cluster leader " + this.settings.nodeName() + " waits for the move margin of "
					+ this.departed.keySet() + " before it moves their instances");
			schedulePlan(Duration.ofNanos(Math.max(0, nextExpiry - now)), false);
			return;
		}
		List<AssignmentPlanner.Member> members = liveMembers().stream()
			.filter((live) -> !live.record().leaving())
			.map((live) -> new AssignmentPlanner.Member(live.record().name(), live.record().capacity()))
			.toList();
		Set<String> settled = members.stream()
			.map(AssignmentPlanner.Member::name)
			.collect(Collectors.toSet());
		ClusterAssignment current = readAssignment();
		ClusterAssignment draft;
		if (current != null) {
			draft = current;
		}
		else {
			GatewayFacts facts = this.gateway.get();
			if (facts.limit() != null) {
				publishBudget(facts.limit());
			}
			draft = new ClusterAssignment(0, facts.totalShards(), this.settings.shardsPerInstance(), facts.gatewayUrl(),
					facts.maxConcurrency(), List.of(), null);
		}
		AssignmentPlanner.Plan plan = AssignmentPlanner.plan(draft.allocation().instances(), members, draft.owners());
		// a joining node's share comes over a few instances at a time: each move starts a
		// successor and an identify per shard on the joining node
		List<@Nullable String> owners = AssignmentPlanner.paceMoves(draft.owners(), plan.owners(), settled,
				this::holderOf, this.settings.rebalanceBatch());
		ClusterAssignment next = new ClusterAssignment(draft.version() + 1, draft.totalShards(),
				draft.shardsPerInstance(), draft.gatewayUrl(), draft.maxConcurrency(), owners, plan.shortfall());
		if (current == null || !current.sameOwners(next)) {
			publish(next, current);
		}
	}

	/** The leader writes the daily budget, and reads it again from Discord after each reset. */
	private void publishBudget(GatewayBot.SessionStartLimit limit) throws Exception {
		long resetAt = System.currentTimeMillis() + limit.resetAfter().toMillis();
		byte[] json = this.mapper.writeValueAsBytes(new ClusterBudget(limit.total(), limit.remaining(), resetAt));
		try {
			this.client.create().creatingParentContainersIfNeeded().forPath(this.paths.budget(), json);
		}
		catch (KeeperException.NodeExistsException ex) {
			this.client.setData().forPath(this.paths.budget(), json);
		}
		logger.info("Cluster leader " + this.settings.nodeName() + " published the identify budget: "
				+ limit.remaining() + " of " + limit.total() + " left, reset in " + limit.resetAfter().toMinutes()
				+ " min");
		scheduleBudgetRefresh(limit.resetAfter());
	}

	private void scheduleBudgetRefresh(Duration after) {
		ScheduledFuture<?> pending = this.budgetRefresh;
		if (pending != null) {
			pending.cancel(false);
		}
		this.budgetRefresh = this.work.schedule(this::refreshBudget, after.toMillis() + 1000, TimeUnit.MILLISECONDS);
	}

	private void refreshBudget() {
		if (!isLeader() || this.closed) {
			return;
		}
		try {
			GatewayFacts facts = this.gateway.get();
			if (facts.limit() != null) {
				publishBudget(facts.limit());
			}
		}
		catch (Exception ex) {
			logger.warn("Cluster leader could not read the identify budget again (" + ex.getMessage()
					+ "); trying again in 1 min");
			scheduleBudgetRefresh(Duration.ofMinutes(1));
		}
	}

	/** A new leader takes over the budget's refresh from the one it read. */
	private void followBudget() {
		try {
			ClusterBudget budget = this.mapper.readValue(this.client.getData().forPath(this.paths.budget()),
					ClusterBudget.class);
			scheduleBudgetRefresh(Duration.ofMillis(Math.max(0, budget.resetAtEpochMillis() - System.currentTimeMillis())));
		}
		catch (KeeperException.NoNodeException ex) {
			// no token, no budget
		}
		catch (Exception ex) {
			logger.warn("Cluster leader could not read the identify budget (" + ex.getMessage() + ")");
		}
	}

	private @Nullable ClusterAssignment readAssignment() throws Exception {
		try {
			return this.mapper.readValue(this.client.getData().forPath(this.paths.assignment()),
					ClusterAssignment.class);
		}
		catch (KeeperException.NoNodeException ex) {
			return null;
		}
	}

	private void publish(ClusterAssignment next, @Nullable ClusterAssignment current) throws Exception {
		byte[] json = this.mapper.writeValueAsBytes(next);
		if (current == null) {
			this.client.create().creatingParentContainersIfNeeded().forPath(this.paths.assignment(), json);
		}
		else {
			Stat stat = new Stat();
			ClusterAssignment read = this.mapper.readValue(
					this.client.getData().storingStatIn(stat).forPath(this.paths.assignment()), ClusterAssignment.class);
			if (read.version() != current.version()) {
				throw new IllegalStateException("the assignment changed under the leader");
			}
			// a leader that lost its latch meanwhile fails here instead of overwriting its successor's work
			this.client.setData().withVersion(stat.getVersion()).forPath(this.paths.assignment(), json);
		}
		logger.info("Cluster leader " + this.settings.nodeName() + " published assignment " + next.version() + ": "
				+ describe(next) + ((next.shortfall() != null) ? "; " + next.shortfall() : ""));
	}

	private static String describe(ClusterAssignment assignment) {
		Map<String, List<Integer>> byNode = new LinkedHashMap<>();
		for (int i = 0; i < assignment.owners().size(); i++) {
			String owner = assignment.owners().get(i);
			byNode.computeIfAbsent((owner != null) ? owner : "(none)", (key) -> new ArrayList<>()).add(i);
		}
		return byNode.toString();
	}

	private List<Live> liveMembers() {
		CuratorCache cache = this.nodesCache;
		if (cache == null) {
			return List.of();
		}
		String parent = this.paths.nodes();
		List<Live> live = new ArrayList<>();
		cache.stream().filter((data) -> !data.getPath().equals(parent)).forEach((data) -> {
			try {
				live.add(new Live(this.mapper.readValue(data.getData(), NodeRecord.class), data.getStat().getCzxid()));
			}
			catch (RuntimeException ex) {
				logger.warn("Unreadable cluster node record at " + data.getPath() + ": " + ex.getMessage());
			}
		});
		live.sort(Comparator.comparingLong(Live::czxid));
		return live;
	}

	/** A node's record and when it joined, in ZooKeeper's own order. */
	/** Where a node-link server listens, and the snowflake it answers IDENTIFY with. */
	private record LinkAddress(String host, int port, String id, boolean tls) {
	}

	private record Live(NodeRecord record, long czxid) {
	}

	private record Departed(long atNanos) {
	}

	/** Told of this node's connection to ZooKeeper. */
	@FunctionalInterface
	public interface ConnectionListener {

		/**
		 * The connection changed.
		 * @param state the new state
		 */
		void connectionChanged(ConnectionState state);

	}

}
