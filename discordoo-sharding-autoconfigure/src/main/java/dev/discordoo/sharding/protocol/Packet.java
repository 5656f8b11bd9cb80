package dev.discordoo.sharding.protocol;

import tools.jackson.databind.JsonNode;

/**
 * One decoded packet: the envelope {@code {"op", "d", "t"}}.
 *
 * @param op the op
 * @param d the payload, {@code null} when absent
 * @param t the event name, only with {@link OpCode#DISPATCH}
 */
public record Packet(OpCode op, JsonNode d, String t) {

}
