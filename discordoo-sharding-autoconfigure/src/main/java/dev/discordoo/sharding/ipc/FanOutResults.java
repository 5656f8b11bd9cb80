package dev.discordoo.sharding.ipc;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.RequestError;
import dev.discordoo.sharding.protocol.ErrorCode;
import org.jspecify.annotations.Nullable;

/**
 * The results of a fan-out request, between their wire form
 * {@code [{instance, ok, result | error}, …]} and {@link InstanceResult}s.
 */
public final class FanOutResults {

	private final JsonMapper mapper;

	/**
	 * Create a converter.
	 * @param mapper binds results to their types
	 */
	public FanOutResults(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Bind each result to a type; one that does not bind becomes an INVALID_PAYLOAD entry.
	 * @param <T> the result type
	 * @param results the results
	 * @param type the result type
	 * @return the bound results
	 */
	public <T> List<InstanceResult<T>> bind(List<InstanceResult<JsonNode>> results, Class<T> type) {
		List<InstanceResult<T>> bound = new ArrayList<>(results.size());
		for (InstanceResult<JsonNode> result : results) {
			if (!result.ok()) {
				bound.add(InstanceResult.failure(result.instance(), errorOf(result)));
				continue;
			}
			try {
				bound.add(InstanceResult.success(result.instance(), convert(result.value(), type)));
			}
			catch (JacksonException ex) {
				bound.add(InstanceResult.failure(result.instance(), new RequestError(ErrorCode.INVALID_PAYLOAD,
						"result does not bind to " + type.getSimpleName() + ": " + ex.getOriginalMessage(),
						ErrorCode.INVALID_PAYLOAD)));
			}
		}
		return bound;
	}

	@SuppressWarnings("unchecked")
	private <T> @Nullable T convert(@Nullable JsonNode value, Class<T> type) {
		if (value == null || value.isNull()) {
			return null;
		}
		if (type.isInstance(value)) {
			return (T) value;
		}
		return this.mapper.treeToValue(value, type);
	}

	/**
	 * Return the wire form of fan-out results.
	 * @param results the results
	 * @return {@code [{instance, ok, result | error}, …]}
	 */
	public JsonNode toJson(List<InstanceResult<JsonNode>> results) {
		ArrayNode array = this.mapper.createArrayNode();
		for (InstanceResult<JsonNode> result : results) {
			ObjectNode entry = array.addObject();
			entry.put("instance", result.instance());
			entry.put("ok", result.ok());
			if (result.ok()) {
				entry.set("result", (result.value() != null) ? result.value() : this.mapper.nullNode());
			}
			else {
				RequestError failure = errorOf(result);
				ObjectNode error = entry.putObject("error");
				error.put("name", failure.name());
				error.put("message", failure.message());
				error.put("code", failure.code());
			}
		}
		return array;
	}

	/**
	 * Read the wire form of fan-out results.
	 * @param array {@code [{instance, ok, result | error}, …]}
	 * @return the results
	 */
	public static List<InstanceResult<JsonNode>> fromJson(JsonNode array) {
		List<InstanceResult<JsonNode>> results = new ArrayList<>();
		for (JsonNode entry : array) {
			int instance = entry.path("instance").asInt(-1);
			if (entry.path("ok").asBoolean(false)) {
				results.add(InstanceResult.success(instance, entry.get("result")));
			}
			else {
				JsonNode error = entry.path("error");
				results.add(InstanceResult.failure(instance, new RequestError(error.path("name").asString(null),
						error.path("message").asString(null), error.path("code").asString(null))));
			}
		}
		return results;
	}

	/**
	 * Bind one result to a type.
	 * @param <T> the result type
	 * @param result the result
	 * @param type the result type
	 * @return the bound result, or an INVALID_PAYLOAD failure
	 */
	public <T> InstanceResult<T> bind(InstanceResult<JsonNode> result, Class<T> type) {
		return bind(List.of(result), type).get(0);
	}

	/** A failed result's error; one built by hand may lack it. */
	private static RequestError errorOf(InstanceResult<?> result) {
		RequestError error = result.error();
		return (error != null) ? error
				: new RequestError(ErrorCode.HANDLER_FAILED, "failed without an error entry", ErrorCode.HANDLER_FAILED);
	}

}
