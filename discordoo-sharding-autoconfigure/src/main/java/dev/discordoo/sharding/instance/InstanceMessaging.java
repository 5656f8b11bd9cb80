package dev.discordoo.sharding.instance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.IdentifyOutcome;
import dev.discordoo.sharding.IdentifyPermit;
import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.RequestError;
import dev.discordoo.sharding.ShardAssignment;
import dev.discordoo.sharding.ShardingInstance;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.ipc.FanOutResults;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.Relay;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.protocol.ControlRequests;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.Payloads;
import org.jspecify.annotations.Nullable;

/**
 * {@link ShardingInstance} over the instance's manager link. Targets are resolved here, to
 * instance indices, with the allocation the manager told this instance; the manager relays.
 */
public final class InstanceMessaging implements ShardingInstance {

	/** The instance index of the manager in results of {@link #requestManager}. */
	public static final int MANAGER = -1;

	/**
	 * How long a permit may be waited for: past a daily budget reset, since a budget at its
	 * reserve holds permits until then. The link's loss ends the wait sooner.
	 */
	static final Duration PERMIT_WAIT = Duration.ofHours(25);

	private final InstanceRuntime runtime;

	private final JsonMapper mapper;

	private final FanOutResults results;

	private final Duration defaultTimeout;

	/**
	 * Create the messaging of an instance.
	 * @param runtime the instance runtime
	 * @param mapper binds payloads and results
	 * @param defaultTimeout the timeout of requests that name none
	 */
	public InstanceMessaging(InstanceRuntime runtime, JsonMapper mapper, Duration defaultTimeout) {
		this.runtime = runtime;
		this.mapper = mapper;
		this.results = new FanOutResults(mapper);
		this.defaultTimeout = defaultTimeout;
	}

	@Override
	public ShardAssignment assignment() {
		ShardAssignment assignment = this.runtime.assignment();
		if (assignment == null) {
			throw new IllegalStateException("this instance has no assignment yet: its manager has not said HELLO");
		}
		return assignment;
	}

	@Override
	public void dispatch(String event, @Nullable Object payload) {
		link().dispatch(event, payload);
	}

	@Override
	public void broadcast(String event, @Nullable Object payload, Targets targets) {
		List<Integer> indices;
		try {
			indices = resolve(targets).get(this.defaultTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while resolving " + targets, ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("could not resolve " + targets + ": " + ex.getMessage(), ex);
		}
		link().dispatch(event, payload, new Relay(toJson(indices), null));
	}

	@Override
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, @Nullable Object payload, Targets targets,
			Class<T> type) {
		return request(name, payload, targets, type, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, @Nullable Object payload, Targets targets,
			Class<T> type, Duration timeout) {
		IpcLink link = link();
		return resolve(targets).thenCompose((indices) -> link.request(name, payload, toJson(indices), timeout)
			.thenApply((response) -> this.results.bind(entries(response, indices), type)));
	}

	@Override
	public <T> CompletableFuture<InstanceResult<T>> requestManager(String name, @Nullable Object payload, Class<T> type) {
		return link().request(name, payload, null, this.defaultTimeout).thenApply((response) -> {
			InstanceResult<JsonNode> result = response.ok() ? InstanceResult.success(MANAGER, response.result())
					: InstanceResult.failure(MANAGER, error(response.error()));
			return this.results.bind(result, type);
		});
	}

	@Override
	public CompletableFuture<GatewayInfo> gateway() {
		return askManager(ControlRequests.GATEWAY, null, this.defaultTimeout)
			.thenApply((result) -> new GatewayInfo(result.get("url").stringValue(), result.get("total_shards").intValue(),
					result.get("max_concurrency").intValue()));
	}

	@Override
	public CompletableFuture<IdentifyPermit> requestIdentify(int shardId) {
		JsonNode payload = this.mapper.createObjectNode().put("shard_id", shardId);
		return askManager(ControlRequests.IDENTIFY, payload, PERMIT_WAIT).thenApply((result) -> {
			JsonNode remaining = result.get("remaining");
			return new IdentifyPermit(result.get("shard_id").intValue(), result.get("bucket").intValue(),
					Duration.ofMillis(result.get("waited_ms").longValue()),
					(remaining != null && remaining.isNumber()) ? remaining.intValue() : null);
		});
	}

	@Override
	public IdentifyPermit awaitIdentify(int shardId) throws InterruptedException {
		try {
			return requestIdentify(shardId).get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			throw new IllegalStateException("identify permit for shard " + shardId + " failed", ex.getCause());
		}
	}

	@Override
	public CompletableFuture<Void> reportIdentify(int shardId, IdentifyOutcome outcome) {
		JsonNode payload = this.mapper.createObjectNode().put("shard_id", shardId).put("outcome", outcome.name());
		return askManager(ControlRequests.IDENTIFY_OUTCOME, payload, this.defaultTimeout)
			.thenApply((result) -> null);
	}

	@Override
	public void reportGatewayRefused(int shardId, int closeCode, String reason) {
		this.runtime.gatewayRefused(shardId, closeCode, reason);
	}

	/** A request the manager answers itself; a failed answer fails the stage with its code. */
	private CompletableFuture<JsonNode> askManager(String name, @Nullable Object payload, Duration timeout) {
		return link().request(name, payload, null, timeout).thenApply((response) -> {
			if (!response.ok()) {
				Payloads.ResponseError error = response.error();
				throw (error != null) ? new RequestFailedException(error.code(), error.message())
						: new RequestFailedException(ErrorCode.HANDLER_FAILED, name + " failed without an error entry");
			}
			return response.result();
		});
	}

	private CompletableFuture<List<Integer>> resolve(Targets targets) {
		int self = assignment().instanceIndex();
		return this.runtime.allocation()
			.thenApply((allocation) -> targets.resolve(allocation.instanceCount(), allocation.totalShards(),
					allocation::instanceOfShard, self));
	}

	/** The relay's entries; when the relay itself failed, that failure for every target. */
	private static List<InstanceResult<JsonNode>> entries(Payloads.Response response, List<Integer> indices) {
		if (response.ok() && response.result() != null && response.result().isArray()) {
			return FanOutResults.fromJson(response.result());
		}
		RequestError error = response.ok()
				? new RequestError("INVALID_PAYLOAD", "the manager's relay answered no list", "INVALID_PAYLOAD")
				: error(response.error());
		return indices.stream().map((index) -> InstanceResult.<JsonNode>failure(index, error)).toList();
	}

	private static RequestError error(Payloads.@Nullable ResponseError error) {
		return (error != null) ? new RequestError(error.name(), error.message(), error.code())
				: new RequestError("HANDLER_FAILED", "failed without an error entry", "HANDLER_FAILED");
	}

	private JsonNode toJson(List<Integer> indices) {
		ArrayNode array = this.mapper.createArrayNode();
		indices.forEach(array::add);
		return array;
	}

	private IpcLink link() {
		IpcLink link = this.runtime.managerLink();
		if (link == null || !link.isOpen()) {
			throw new IllegalStateException("sharding instance " + this.runtime.identity().index()
					+ " has no live manager link");
		}
		return link;
	}

}
