package dev.discordoo.sharding.endpoint;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.discordoo.sharding.FailureCause;
import dev.discordoo.sharding.InstanceInfo;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.cluster.ClusterStatus;
import dev.discordoo.sharding.cluster.ClusterStatusSource;
import dev.discordoo.sharding.identify.IdentifyBroker;

/**
 * {@link Endpoint @Endpoint} of a sharding manager, id {@code sharding}:
 * <ul>
 * <li>{@code GET /actuator/sharding} lists the instances;</li>
 * <li>{@code GET /actuator/sharding/{index}} shows one (404 when there is no such
 * instance);</li>
 * <li>{@code POST /actuator/sharding/{index}} restarts one;</li>
 * <li>{@code POST /actuator/sharding} with {@code {"action": "restart"}} restarts them all,
 * one at a time (a rolling restart: the next only once the previous is READY again). The
 * action is required so that a bare POST cannot take the whole bot down by mistake.</li>
 * </ul>
 * Restarts answer at once with what was started; the instances' progress shows in the read
 * operations, the {@code sharding} health and the events. Set
 * {@code management.endpoint.sharding.access=read-only} to keep the read operations only.
 */
@Endpoint(id = "sharding")
public class ShardingEndpoint {

	/** The value of {@code action} that asks for a rolling restart. */
	public static final String ACTION_RESTART = "restart";

	private static final Log logger = LogFactory.getLog(ShardingEndpoint.class);

	private final ShardingManager manager;

	private final @Nullable IdentifyBroker identify;

	private @Nullable ClusterStatusSource cluster;

	private final Object rollingRestartLock = new Object();

	// guarded by rollingRestartLock
	private CompletableFuture<?> rollingRestart = CompletableFuture.completedFuture(null);

	/**
	 * Create a new endpoint.
	 * @param manager the manager
	 * @param identify the identify broker, shown beside the instances; {@code null} for none
	 */
	public ShardingEndpoint(ShardingManager manager, @Nullable IdentifyBroker identify) {
		this.manager = manager;
		this.identify = identify;
	}

	/**
	 * Show the cluster beside this node's instances.
	 * @param cluster the node's view of its cluster
	 */
	public void setCluster(ClusterStatusSource cluster) {
		this.cluster = cluster;
	}

	/**
	 * List the instances.
	 * @return every instance, by index
	 */
	@ReadOperation
	public InstancesDescriptor instances() {
		return new InstancesDescriptor(this.manager.instances().stream().map(InstanceDescriptor::of).toList(),
				(this.identify != null) ? this.identify.status().details() : null,
				(this.cluster != null) ? this.cluster.status() : null);
	}

	/**
	 * Show one instance.
	 * @param index the instance index
	 * @return the instance, or {@code null} (404) when there is no such instance
	 */
	@ReadOperation
	public @Nullable InstanceDescriptor instance(@Selector int index) {
		return exists(index) ? InstanceDescriptor.of(this.manager.instance(index)) : null;
	}

	/**
	 * Restart one instance, without waiting for it to be READY again.
	 * @param index the instance index
	 * @return what was started
	 */
	@WriteOperation
	public RestartDescriptor restart(@Selector int index) {
		if (!exists(index)) {
			throw new InvalidEndpointRequestException("No sharding instance " + index, "no such instance");
		}
		CompletableFuture<InstanceInfo> restarted = this.manager.restart(index);
		if (restarted.isCompletedExceptionally()) {
			// refused at once, such as an instance that is stopping: say so instead of "started"
			return new RestartDescriptor(false, List.of(index), "Instance " + index + " cannot be restarted: "
					+ restarted.handle((info, ex) -> rootMessage(ex)).join());
		}
		restarted.whenComplete((info, ex) -> {
			if (ex != null) {
				logger.warn("Restart of sharding instance " + index + " requested through the endpoint failed: "
						+ rootMessage(ex));
			}
		});
		return new RestartDescriptor(true, List.of(index), "Restarting instance " + index);
	}

	/**
	 * Restart every instance, one at a time, without waiting for them to be READY again.
	 * @param action must be {@value #ACTION_RESTART}
	 * @return what was started
	 */
	@WriteOperation
	public RestartDescriptor restartAll(String action) {
		if (!ACTION_RESTART.equals(action)) {
			throw new InvalidEndpointRequestException("Unknown action '" + action + "': the only action is '"
					+ ACTION_RESTART + "'", "unknown action");
		}
		List<Integer> indices = this.manager.instances().stream().map(InstanceInfo::index).toList();
		synchronized (this.rollingRestartLock) {
			// two rolling restarts at once would restart instances out of turn
			if (!this.rollingRestart.isDone()) {
				return new RestartDescriptor(false, indices, "A rolling restart is already in progress");
			}
			CompletableFuture<List<InstanceInfo>> restarted = this.manager.restartAll();
			this.rollingRestart = restarted;
			restarted.whenComplete((infos, ex) -> {
				if (ex != null) {
					logger.warn("Rolling restart of the sharding instances requested through the endpoint failed: "
							+ rootMessage(ex));
				}
				else {
					logger.info("Rolling restart of " + infos.size() + " sharding instances done");
				}
			});
		}
		return new RestartDescriptor(true, indices,
				"Restarting " + indices.size() + " instances one at a time");
	}

	private boolean exists(int index) {
		// the manager's own range, not the count of its instances: a cluster node lists only
		// those it runs, and the others' indexes must be answered, not called unknown
		try {
			this.manager.instance(index);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null
				&& (cause instanceof CompletionException || cause instanceof ExecutionException)) {
			cause = cause.getCause();
		}
		return String.valueOf(cause.getMessage());
	}

	/**
	 * Every instance of the manager, and the identify broker.
	 *
	 * @param instances the instances, by index
	 * @param identify the broker's limits, queue and daily budget, as in the health details
	 * @param cluster the cluster as this node sees it, or {@code null} outside cluster mode
	 */
	public record InstancesDescriptor(List<InstanceDescriptor> instances, @Nullable Map<String, Object> identify,
			@Nullable ClusterStatus cluster) implements OperationResponseBody {

	}

	/**
	 * One instance, as its manager sees it.
	 *
	 * @param index the instance index
	 * @param id the snowflake of its current spawn, {@code null} before the first
	 * @param shards its Discord shard ids
	 * @param totalShards the bot's total shard count
	 * @param state where it stands
	 * @param pid its process id, {@code null} when not running
	 * @param heartbeatLatencyMillis the last heartbeat round trip, {@code null} if none
	 * @param lastHeartbeatAgeMillis how long ago its last heartbeat came, {@code null} when
	 * unlinked
	 * @param restarts how many times it was restarted since the manager started
	 * @param lastFailure why it was last lost or failed, {@code null} if never
	 * @param lastFailureCause why it was last lost or failed, as a value, {@code null} if never
	 */
	public record InstanceDescriptor(int index, @Nullable String id, List<Integer> shards, int totalShards,
			InstanceState state, @Nullable Long pid, @Nullable Double heartbeatLatencyMillis,
			@Nullable Long lastHeartbeatAgeMillis, int restarts, @Nullable String lastFailure,
			@Nullable FailureCause lastFailureCause) implements OperationResponseBody {

		static InstanceDescriptor of(InstanceInfo info) {
			return new InstanceDescriptor(info.index(), info.id(), info.shards(), info.totalShards(), info.state(),
					(info.pid() > 0) ? info.pid() : null, info.heartbeatLatencyMillis(), info.lastHeartbeatAgeMillis(),
					info.restarts(), info.lastFailure(), info.lastFailureCause());
		}

	}

	/**
	 * The answer to a restart request.
	 *
	 * @param accepted whether the restart was started
	 * @param instances the indices of the instances it concerns
	 * @param message what happened
	 */
	public record RestartDescriptor(boolean accepted, List<Integer> instances, String message)
			implements OperationResponseBody {

	}

}
