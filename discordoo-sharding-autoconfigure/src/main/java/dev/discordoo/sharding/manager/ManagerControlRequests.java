package dev.discordoo.sharding.manager;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.IdentifyOutcome;
import dev.discordoo.sharding.IdentifyPermit;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.protocol.ControlRequests;
import dev.discordoo.sharding.protocol.ErrorCode;
import org.jspecify.annotations.Nullable;

/**
 * Answers the requests of {@link ControlRequests} that instances send their manager: the
 * allocation, the gateway information and the identify permits. The caller has checked that
 * the asking instance is the current spawn of its index.
 */
final class ManagerControlRequests {

	private final ShardAllocation allocation;

	private final IdentifyBroker identify;

	private final JsonMapper mapper;

	ManagerControlRequests(ShardAllocation allocation, IdentifyBroker identify, JsonMapper mapper) {
		this.allocation = allocation;
		this.identify = identify;
		this.mapper = mapper;
	}

	/**
	 * Answer a control request.
	 * @param instance the asking instance's index
	 * @param attemptId the asking instance's snowflake
	 * @param name the request name, one of {@link ControlRequests}
	 * @param payload the request's payload
	 * @return the answer
	 * @throws RequestFailedException ({@code NO_HANDLER}) when the name is not a control request
	 */
	CompletionStage<JsonNode> answer(int instance, String attemptId, String name, @Nullable JsonNode payload) {
		return switch (name) {
			case ControlRequests.ALLOCATION -> CompletableFuture.completedFuture(allocationJson());
			case ControlRequests.GATEWAY -> CompletableFuture.completedFuture(gatewayJson());
			case ControlRequests.IDENTIFY -> this.identify.request(instance, attemptId, shardId(payload))
				.thenApply(this::permitJson);
			case ControlRequests.IDENTIFY_OUTCOME -> {
				int shardId = shardId(payload);
				this.identify.report(instance, attemptId, shardId, outcome(payload));
				yield CompletableFuture.completedFuture(this.mapper.createObjectNode().put("shard_id", shardId));
			}
			default -> throw new RequestFailedException(ErrorCode.NO_HANDLER, name + " is not a control request");
		};
	}

	static boolean isControlRequest(String name) {
		return ControlRequests.ALLOCATION.equals(name) || ControlRequests.GATEWAY.equals(name)
				|| ControlRequests.IDENTIFY.equals(name) || ControlRequests.IDENTIFY_OUTCOME.equals(name);
	}

	JsonNode allocationJson() {
		ObjectNode allocation = this.mapper.createObjectNode();
		allocation.put("total_shards", this.allocation.totalShards());
		var instances = allocation.putArray("instances");
		for (InstancePlan plan : this.allocation.instances()) {
			ObjectNode entry = instances.addObject();
			entry.put("index", plan.index());
			var shards = entry.putArray("shards");
			plan.shards().forEach(shards::add);
		}
		return allocation;
	}

	private JsonNode gatewayJson() {
		GatewayInfo gateway = this.identify.gateway();
		return this.mapper.createObjectNode()
			.put("url", gateway.url())
			.put("total_shards", gateway.totalShards())
			.put("max_concurrency", gateway.maxConcurrency());
	}

	private JsonNode permitJson(IdentifyPermit permit) {
		ObjectNode json = this.mapper.createObjectNode()
			.put("shard_id", permit.shardId())
			.put("bucket", permit.bucket())
			.put("waited_ms", permit.waited().toMillis());
		if (permit.remaining() != null) {
			json.put("remaining", permit.remaining());
		}
		else {
			json.putNull("remaining");
		}
		return json;
	}

	private static int shardId(@Nullable JsonNode payload) {
		JsonNode shard = (payload != null) ? payload.get("shard_id") : null;
		if (shard == null || !shard.isIntegralNumber() || !shard.canConvertToInt()) {
			throw new RequestFailedException(ErrorCode.INVALID_PAYLOAD,
					"shard_id must be an integer shard id, was " + shard);
		}
		return shard.intValue();
	}

	private static IdentifyOutcome outcome(@Nullable JsonNode payload) {
		JsonNode outcome = (payload != null) ? payload.get("outcome") : null;
		if (outcome != null && outcome.isString()) {
			for (IdentifyOutcome known : IdentifyOutcome.values()) {
				if (known.name().equals(outcome.stringValue())) {
					return known;
				}
			}
		}
		throw new RequestFailedException(ErrorCode.INVALID_PAYLOAD,
				"outcome must be one of READY, INVALID_SESSION, CLOSED, TIMED_OUT, was " + outcome);
	}

}
