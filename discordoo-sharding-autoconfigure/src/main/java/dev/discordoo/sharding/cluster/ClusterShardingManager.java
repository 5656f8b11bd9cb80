package dev.discordoo.sharding.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.ipc.FanOutResults;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.manager.LocalShardingManager;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.FrameCodec;

/**
 * A cluster node's {@link ShardingManager}: {@link #request}, {@link #broadcast} and
 * {@link #send} span the whole cluster. Targets are resolved against the assignment the node
 * follows, the indices this node owns run on its {@link LocalShardingManager}, every other
 * node's over its node link, and the entries come back merged in target order. A restart of
 * an instance another node runs is asked of that node, which restarts it itself. Snapshots
 * ({@link #instances()}) and {@link #restartAll()} are about this node's own instances.
 */
public final class ClusterShardingManager implements ShardingManager {

	private final ClusterNode node;

	private final LocalShardingManager local;

	private final @Nullable NodeLinks links;

	private final IpcSettings ipcSettings;

	private final FrameCodec codec;

	private final FanOutResults results;

	private final Duration restartTimeout;

	/**
	 * Create the node's manager.
	 * @param node this node's membership and assignment
	 * @param local this node's local manager
	 * @param links the links to the other nodes, {@code null} without a cluster secret (the
	 * other nodes' instances then answer NOT_CONNECTED)
	 * @param ipcSettings the default request timeout
	 * @param restartTimeout how long a restart asked of another node may take, up to READY
	 * @param codec the frame codec
	 */
	public ClusterShardingManager(ClusterNode node, LocalShardingManager local, @Nullable NodeLinks links,
			IpcSettings ipcSettings, Duration restartTimeout, FrameCodec codec) {
		this.node = node;
		this.local = local;
		this.links = links;
		this.ipcSettings = ipcSettings;
		this.restartTimeout = restartTimeout;
		this.codec = codec;
		this.results = new FanOutResults(codec.mapper());
	}

	@Override
	public List<InstanceInfo> instances() {
		return this.local.instances();
	}

	@Override
	public InstanceInfo instance(int index) {
		return this.local.instance(index);
	}

	@Override
	public CompletableFuture<InstanceInfo> restart(int index) {
		ClusterAssignment assignment = current();
		String owner = (index >= 0 && index < assignment.owners().size()) ? assignment.ownerOf(index) : null;
		if (owner == null || owner.equals(this.node.nodeName())) {
			return this.local.restart(index);
		}
		NodeRecord peer = reachable(owner);
		NodeLinks nodeLinks = this.links;
		if (peer == null || nodeLinks == null) {
			return CompletableFuture.failedFuture(new IllegalStateException("sharding instance " + index
					+ " runs on node " + owner + ", which cannot be reached over a node link"));
		}
		return nodeLinks.restart(peer, index, this.restartTimeout);
	}

	@Override
	public CompletableFuture<List<InstanceInfo>> restartAll() {
		return this.local.restartAll();
	}

	@Override
	public void send(int index, String event, @Nullable Object payload) {
		ClusterAssignment assignment = current();
		String owner = assignment.ownerOf(index);
		if (owner == null || owner.equals(this.node.nodeName())) {
			this.local.send(index, event, payload);
			return;
		}
		NodeRecord peer = reachable(owner);
		NodeLinks nodeLinks = this.links;
		if (peer == null || nodeLinks == null) {
			throw new IllegalStateException("sharding instance " + index + " runs on node " + owner
					+ ", which cannot be reached over a node link");
		}
		nodeLinks.dispatch(peer, event, tree(payload), List.of(index));
	}

	@Override
	public void broadcast(String event, @Nullable Object payload) {
		this.local.broadcast(event, payload);
		if (this.links == null) {
			return;
		}
		ClusterAssignment assignment = this.node.assignment();
		if (assignment == null) {
			return;
		}
		JsonNode tree = tree(payload);
		for (String owner : owners(assignment)) {
			NodeRecord peer = reachable(owner);
			if (peer != null) {
				this.links.dispatch(peer, event, tree, null);
			}
		}
	}

	@Override
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, @Nullable Object payload,
			Targets targets, Class<T> type) {
		return request(name, payload, targets, type, this.ipcSettings.requestTimeout());
	}

	@Override
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, @Nullable Object payload,
			Targets targets, Class<T> type, Duration timeout) {
		ClusterAssignment assignment = current();
		List<Integer> indices = resolve(assignment, targets);
		JsonNode tree = tree(payload);
		// the indices of each node, in target order; this node's own and the unowned run locally
		Map<String, List<Integer>> byNode = new LinkedHashMap<>();
		for (int index : indices) {
			String owner = assignment.ownerOf(index);
			String group = (owner == null) ? this.node.nodeName() : owner;
			byNode.computeIfAbsent(group, (key) -> new ArrayList<>()).add(index);
		}
		List<CompletableFuture<List<InstanceResult<JsonNode>>>> parts = new ArrayList<>();
		for (Map.Entry<String, List<Integer>> group : byNode.entrySet()) {
			parts.add(part(group.getKey(), group.getValue(), name, tree, timeout));
		}
		return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply((done) -> {
			Map<Integer, InstanceResult<JsonNode>> byIndex = new LinkedHashMap<>();
			parts.forEach((part) -> part.join().forEach((entry) -> byIndex.put(entry.instance(), entry)));
			List<InstanceResult<JsonNode>> merged = new ArrayList<>(indices.size());
			indices.forEach((index) -> merged.add(byIndex.get(index)));
			return this.results.bind(merged, type);
		});
	}

	private CompletableFuture<List<InstanceResult<JsonNode>>> part(String owner, List<Integer> indices, String name,
			@Nullable JsonNode payload, Duration timeout) {
		if (owner.equals(this.node.nodeName())) {
			return this.local.request(name, payload, Targets.instances(indices), JsonNode.class, timeout);
		}
		NodeRecord peer = reachable(owner);
		if (peer == null || this.links == null) {
			String why = (this.links == null)
					? "instance runs on node " + owner + " and this node has no cluster secret (no node links)"
					: "instance runs on node " + owner + ", which is not a live member with a node link";
			return CompletableFuture.completedFuture(NodeLinks.failures(indices, ErrorCode.NOT_CONNECTED, why));
		}
		return this.links.request(peer, name, payload, indices, timeout);
	}

	@Override
	public int instanceForGuild(long guildId) {
		ClusterAssignment assignment = current();
		return resolve(assignment, Targets.guild(guildId)).get(0);
	}

	/**
	 * The assignment in force now: the newest this node has seen, not the first, which
	 * {@link ClusterNode#awaitAssignment()} keeps giving.
	 */
	private ClusterAssignment current() {
		ClusterAssignment current = this.node.assignment();
		return (current != null) ? current : this.node.awaitAssignment();
	}

	private List<Integer> resolve(ClusterAssignment assignment, Targets targets) {
		int total = assignment.totalShards();
		int perInstance = assignment.shardsPerInstance();
		return targets.resolve(assignment.owners().size(), total,
				(shard) -> (shard >= 0 && shard < total) ? shard / perInstance : -1, -1);
	}

	private List<String> owners(ClusterAssignment assignment) {
		List<String> owners = new ArrayList<>();
		for (String owner : assignment.owners()) {
			if (owner != null && !owner.equals(this.node.nodeName()) && !owners.contains(owner)) {
				owners.add(owner);
			}
		}
		return owners;
	}

	private @Nullable NodeRecord reachable(String owner) {
		if (this.links == null) {
			return null;
		}
		NodeRecord record = this.node.member(owner);
		return (record != null && record.hasLink()) ? record : null;
	}

	private @Nullable JsonNode tree(@Nullable Object payload) {
		return (payload == null || payload instanceof JsonNode) ? (JsonNode) payload
				: this.codec.mapper().valueToTree(payload);
	}

}
