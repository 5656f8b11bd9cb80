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

import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.RequestError;
import dev.discordoo.sharding.ShardAssignment;
import dev.discordoo.sharding.ShardingInstance;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.ipc.FanOutResults;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.Relay;
import dev.discordoo.sharding.protocol.Payloads;

/**
 * {@link ShardingInstance} over the instance's manager link. Targets are resolved here, to
 * instance indices, with the allocation the manager told this instance; the manager relays.
 */
public final class InstanceMessaging implements ShardingInstance {

	/** The instance index of the manager in results of {@link #requestManager}. */
	public static final int MANAGER = -1;

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
	public void dispatch(String event, Object payload) {
		link().dispatch(event, payload);
	}

	@Override
	public void broadcast(String event, Object payload, Targets targets) {
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
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, Object payload, Targets targets,
			Class<T> type) {
		return request(name, payload, targets, type, this.defaultTimeout);
	}

	@Override
	public <T> CompletableFuture<List<InstanceResult<T>>> request(String name, Object payload, Targets targets,
			Class<T> type, Duration timeout) {
		IpcLink link = link();
		return resolve(targets).thenCompose((indices) -> link.request(name, payload, toJson(indices), timeout)
			.thenApply((response) -> this.results.bind(entries(response, indices), type)));
	}

	@Override
	public <T> CompletableFuture<InstanceResult<T>> requestManager(String name, Object payload, Class<T> type) {
		return link().request(name, payload, null, this.defaultTimeout).thenApply((response) -> {
			InstanceResult<JsonNode> result = response.ok() ? InstanceResult.success(MANAGER, response.result())
					: InstanceResult.failure(MANAGER, error(response.error()));
			return this.results.bind(result, type);
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

	private static RequestError error(Payloads.ResponseError error) {
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
