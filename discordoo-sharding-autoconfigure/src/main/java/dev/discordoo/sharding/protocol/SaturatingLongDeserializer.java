package dev.discordoo.sharding.protocol;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;

/**
 * Reads a number too large for a {@code long} as {@link Long#MAX_VALUE} (or
 * {@link Long#MIN_VALUE}) instead of refusing the packet. For values that are clamped by
 * whoever uses them, such as a REQUEST's {@code timeout}: a peer that means "wait very long"
 * with {@code 1e30} asks for too much, but breaks no rule worth its link.
 */
final class SaturatingLongDeserializer extends ValueDeserializer<Long> {

	@Override
	public Long deserialize(JsonParser parser, DeserializationContext context) {
		JsonToken token = parser.currentToken();
		if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
			return (parser.getBigIntegerValue().signum() < 0) ? Long.MIN_VALUE : Long.MAX_VALUE;
		}
		if (token == JsonToken.VALUE_NUMBER_FLOAT) {
			double value = parser.getDoubleValue();
			if (value >= Long.MAX_VALUE) {
				return Long.MAX_VALUE;
			}
			if (value <= Long.MIN_VALUE) {
				return Long.MIN_VALUE;
			}
		}
		return context.readValue(parser, Long.class);
	}

}
