package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.Targets;
import dev.discordoo.sharding.ipc.FanOutResults;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.ipc.Relay;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.protocol.FrameCodec;

/**
 * Routes the traffic between a manager and its instances that is not about an instance's own
 * life: resolving {@link Targets} to instance indices, fanning requests out with one result
 * per target, relaying instances' broadcasts and requests to their siblings, and handing
 * application events and requests to the manager's handlers, control requests to
 * {@link ManagerControlRequests}.
 */
final class InstanceRouter {

	private static final Log logger = LogFactory.getLog(InstanceRouter.class);

	private final ShardAllocation allocation;

	private final ShardMessageHandler messages;

	private final ManagerControlRequests controlRequests;

	private final FrameCodec codec;

	private final FanOutResults results;

	private final RequestFanOut fanOut = new RequestFanOut();

	private final IntFunction<@Nullable IpcLink> links;

	private final IntFunction<String> whyNoLink;

	/**
	 * Create a router.
	 * @param allocation which instance runs which shards
	 * @param messages the manager's application event and request handlers
	 * @param controlRequests answers the requests the manager answers itself
	 * @param codec the frame codec
	 * @param links the live link of an instance index, {@code null} when it has none
	 * @param whyNoLink why an instance has no live link
	 */
	InstanceRouter(ShardAllocation allocation, ShardMessageHandler messages, ManagerControlRequests controlRequests,
			FrameCodec codec, IntFunction<@Nullable IpcLink> links, IntFunction<String> whyNoLink) {
		this.allocation = allocation;
		this.messages = messages;
		this.controlRequests = controlRequests;
		this.codec = codec;
		this.results = new FanOutResults(codec.mapper());
		this.links = links;
		this.whyNoLink = whyNoLink;
	}

	int instanceCount() {
		return this.allocation.instances().size();
	}

	List<Integer> resolve(Targets targets, int self) {
		return targets.resolve(instanceCount(), this.allocation.totalShards(), this.allocation::instanceOf, self);
	}

	/** Resolve the wire form of targets: {@code "all"} or a list of instance indices. */
	List<Integer> resolve(JsonNode targets) {
		return RelayTargets.parse(targets, instanceCount());
	}

	<T> CompletableFuture<List<InstanceResult<T>>> request(String name, @Nullable Object payload, Targets targets,
			Class<T> type, Duration timeout) {
		List<Integer> indices = resolve(targets, -1);
		JsonNode tree = (payload instanceof JsonNode node) ? node : this.codec.mapper().valueToTree(payload);
		return fanOut(name, tree, indices, timeout, null).thenApply((answers) -> this.results.bind(answers, type));
	}

	CompletableFuture<List<InstanceResult<JsonNode>>> fanOut(String name, @Nullable JsonNode payload,
			List<Integer> indices, Duration timeout, @Nullable Integer from) {
		return this.fanOut.send(name, payload, indices, timeout, from, this.links, this.whyNoLink);
	}

	/** Send an event to every instance with a live link. */
	void broadcast(String event, @Nullable Object payload) {
		for (int index = 0; index < instanceCount(); index++) {
			IpcLink link = this.links.apply(index);
			if (link != null) {
				try {
					link.dispatch(event, payload);
				}
				catch (IllegalStateException ex) {
					logger.debug("Broadcast of " + event + " missed instance " + index + ": " + ex.getMessage());
				}
			}
		}
	}

	/** Relay an instance's broadcast to its targets, naming it as the sender. */
	void relayDispatch(int from, String event, @Nullable JsonNode data, JsonNode targets) {
		Relay relay = new Relay(null, from);
		for (int index : resolve(targets)) {
			IpcLink link = this.links.apply(index);
			if (link == null) {
				logger.debug("Relay of " + event + " from instance " + from + " missed instance " + index);
				continue;
			}
			try {
				link.dispatch(event, data, relay);
			}
			catch (IllegalStateException ex) {
				logger.debug("Relay of " + event + " from instance " + from + " missed instance " + index, ex);
			}
		}
	}

	/** Relay an instance's request to its targets; the result is the list of entries. */
	CompletableFuture<JsonNode> relayRequest(int from, String name, @Nullable JsonNode payload, JsonNode targets,
			Duration timeout) {
		return fanOut(name, payload, resolve(targets), timeout, from).thenApply(this.results::toJson);
	}

	/** An application event from an instance, for the manager's listeners. */
	void onDispatch(String event, @Nullable JsonNode data, ShardEventContext sender) {
		this.messages.onDispatch(event, data, sender);
	}

	/** An application request to the manager itself. */
	CompletionStage<JsonNode> onRequest(String name, @Nullable JsonNode payload, ShardEventContext sender) {
		return this.messages.onRequest(name, payload, sender);
	}

	/** A request the manager answers itself; the caller checked that the asker is current. */
	CompletionStage<JsonNode> answerControlRequest(int index, String attemptId, String name,
			@Nullable JsonNode payload) {
		return this.controlRequests.answer(index, attemptId, name, payload);
	}

}
