package dev.discordoo.sharding.manager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.InstanceResult;
import dev.discordoo.sharding.RequestError;
import dev.discordoo.sharding.ipc.IpcLink;
import dev.discordoo.sharding.protocol.ErrorCode;
import dev.discordoo.sharding.protocol.Payloads;
import org.jspecify.annotations.Nullable;

/**
 * Sends one request to several instances and gathers one result per target: partial
 * results, never one failure failing all. A target without a live link answers
 * {@link ErrorCode#NOT_CONNECTED} at once; the link's own timer turns a silent target into
 * {@link ErrorCode#TIMEOUT}.
 */
final class RequestFanOut {

	/**
	 * Fan a request out.
	 * @param name the handler name
	 * @param payload its argument
	 * @param indices the target instance indices
	 * @param timeout how long each target may take
	 * @param from the instance the request is relayed from, or {@code null}
	 * @param links the live link of an instance index, {@code null} when it has none; a
	 * description of why not comes from {@code why}
	 * @param why why an instance has no live link
	 * @return one result per target, in target order
	 */
	CompletableFuture<List<InstanceResult<JsonNode>>> send(String name, @Nullable JsonNode payload,
			List<Integer> indices, Duration timeout, @Nullable Integer from, IntFunction<@Nullable IpcLink> links,
			IntFunction<String> why) {
		List<CompletableFuture<InstanceResult<JsonNode>>> answers = new ArrayList<>(indices.size());
		for (int index : indices) {
			IpcLink link = links.apply(index);
			if (link == null) {
				answers.add(CompletableFuture.completedFuture(InstanceResult.failure(index,
						new RequestError(ErrorCode.NOT_CONNECTED, why.apply(index), ErrorCode.NOT_CONNECTED))));
				continue;
			}
			answers.add(link.request(name, payload, null, timeout, from).thenApply((response) -> toResult(index, response)));
		}
		return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
			.thenApply((done) -> answers.stream().map(CompletableFuture::join).toList());
	}

	private static InstanceResult<JsonNode> toResult(int index, Payloads.Response response) {
		if (response.ok()) {
			return InstanceResult.success(index, response.result());
		}
		Payloads.ResponseError error = response.error();
		return InstanceResult.failure(index, (error != null)
				? new RequestError(error.name(), error.message(), error.code())
				: new RequestError(ErrorCode.HANDLER_FAILED, "failed without an error entry", ErrorCode.HANDLER_FAILED));
	}

}
