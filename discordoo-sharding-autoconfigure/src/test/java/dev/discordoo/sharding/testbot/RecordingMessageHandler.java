package dev.discordoo.sharding.testbot;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;

import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.listener.ShardMessageHandler;

/**
 * Records the application events a manager receives.
 */
public final class RecordingMessageHandler implements ShardMessageHandler {

	public record Received(String event, JsonNode data, ShardEventContext sender) {
	}

	public final Queue<Received> received = new ConcurrentLinkedQueue<>();

	@Override
	public void onDispatch(String event, JsonNode data, ShardEventContext sender) {
		this.received.add(new Received(event, data, sender));
	}

	@Override
	public CompletionStage<JsonNode> onRequest(String name, JsonNode payload, ShardEventContext sender) {
		return CompletableFuture.completedFuture(payload);
	}

}
