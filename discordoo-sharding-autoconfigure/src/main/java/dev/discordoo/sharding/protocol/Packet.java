package dev.discordoo.sharding.protocol;

import tools.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * One decoded packet: the envelope {@code {"op", "d", "t"}}, plus the two optional top-level
 * fields this implementation adds for relays through the manager (peers that do not know them
 * ignore them, as the protocol asks of unknown top-level fields).
 *
 * @param op the op
 * @param d the payload, {@code null} when absent
 * @param t the event name, only with {@link OpCode#DISPATCH}
 * @param targets on a DISPATCH from an instance: the instances the manager should relay it to
 * (a list of instance indices or {@code "all"}); {@code null} for the manager itself
 * @param from on a DISPATCH or REQUEST the manager relays: the index of the instance that
 * sent it; {@code null} when the manager is the sender
 */
public record Packet(OpCode op, @Nullable JsonNode d, @Nullable String t, @Nullable JsonNode targets,
		@Nullable Integer from) {

	/**
	 * A packet without relay fields.
	 * @param op the op
	 * @param d the payload, {@code null} when absent
	 * @param t the event name, only with {@link OpCode#DISPATCH}
	 */
	public Packet(OpCode op, @Nullable JsonNode d, @Nullable String t) {
		this(op, d, t, null, null);
	}

}
