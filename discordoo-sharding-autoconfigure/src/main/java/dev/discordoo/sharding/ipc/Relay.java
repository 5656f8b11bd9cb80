package dev.discordoo.sharding.ipc;

import tools.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * The relay fields of a DISPATCH: where a manager should relay it, and where it came from.
 *
 * @param targets instance indices or {@code "all"}, {@code null} for the receiver itself
 * @param from the index of the instance it was relayed from, {@code null} when the peer itself
 * sent it
 */
public record Relay(@Nullable JsonNode targets, @Nullable Integer from) {

	/** No relay: the peer itself sent it, for the receiver itself. */
	public static final Relay NONE = new Relay(null, null);

}
