package dev.discordoo.sharding.protocol;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.json.JsonMapper;
import org.jspecify.annotations.Nullable;

/**
 * The one codec between packets and frame bodies: UTF-8 JSON objects
 * {@code {"op": <int>, "d": <any>, "t": <string>}}. The 4-byte length header around a
 * body is the transport's business.
 *
 * <p>Decoding enforces the envelope rules of the protocol; anything else is left to the
 * receiver of the packet. Thread-safe.
 */
public final class FrameCodec {

	/** The smallest legal frame body: {@code {}} is two bytes. */
	public static final int MIN_FRAME_SIZE = 2;

	private final JsonMapper mapper;

	/**
	 * Create a codec with a mapper configured for the protocol.
	 */
	public FrameCodec() {
		this(defaultMapper());
	}

	/**
	 * Create a codec with a given mapper; it should ignore unknown properties and fail on
	 * trailing tokens, as {@link #defaultMapper()} does.
	 * @param mapper the mapper
	 */
	public FrameCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Return a mapper configured for the protocol: unknown fields are ignored, a body with
	 * anything after its JSON object is refused.
	 * @return a new mapper
	 */
	public static JsonMapper defaultMapper() {
		return JsonMapper.builder()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
			.build();
	}

	/**
	 * Return the mapper used for payloads.
	 * @return the mapper
	 */
	public JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Encode a packet whose payload is any object Jackson can write.
	 * @param op the op
	 * @param t the event name, only for {@link OpCode#DISPATCH}
	 * @param d the payload, may be {@code null}
	 * @return the frame body
	 */
	public byte[] encode(OpCode op, @Nullable String t, @Nullable Object d) {
		return encode(op, t, d, null, null);
	}

	/**
	 * Encode a packet with relay fields.
	 * @param op the op
	 * @param t the event name, only for {@link OpCode#DISPATCH}
	 * @param d the payload, may be {@code null}
	 * @param targets instances a manager should relay a DISPATCH to, or {@code null}
	 * @param from the index of the instance a relayed packet came from, or {@code null}
	 * @return the frame body
	 */
	public byte[] encode(OpCode op, @Nullable String t, @Nullable Object d, @Nullable JsonNode targets,
			@Nullable Integer from) {
		if (op == OpCode.DISPATCH && t == null) {
			throw new IllegalArgumentException("DISPATCH needs an event name");
		}
		return this.mapper
			.writeValueAsBytes(new Envelope(op.code(), d, (op == OpCode.DISPATCH) ? t : null, targets, from));
	}

	/**
	 * Encode a packet.
	 * @param packet the packet
	 * @return the frame body
	 */
	public byte[] encode(Packet packet) {
		return encode(packet.op(), packet.t(), packet.d(), packet.targets(), packet.from());
	}

	/**
	 * Decode a frame body, enforcing the envelope rules.
	 * @param body the frame body
	 * @return the packet
	 * @throws ProtocolViolationException if the body is not a valid envelope
	 */
	public Packet decode(byte[] body) {
		if (body.length < MIN_FRAME_SIZE) {
			throw new ProtocolViolationException(ErrorCode.PROTOCOL_VIOLATION,
					"frame body of " + body.length + " bytes is shorter than the minimum of " + MIN_FRAME_SIZE);
		}
		JsonNode root;
		try {
			root = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new ProtocolViolationException(ErrorCode.PROTOCOL_VIOLATION,
					"frame body is not UTF-8 JSON: " + ex.getOriginalMessage(), ex);
		}
		if (root == null || !root.isObject()) {
			throw new ProtocolViolationException(ErrorCode.PROTOCOL_VIOLATION,
					"frame body must be a JSON object, was " + ((root != null) ? root.getNodeType() : "empty"));
		}
		JsonNode opNode = root.get("op");
		if (opNode == null || !opNode.isIntegralNumber() || !opNode.canConvertToInt()) {
			throw new ProtocolViolationException(ErrorCode.PROTOCOL_VIOLATION,
					"packet must have an integer 'op', had " + ((opNode != null) ? opNode : "none"));
		}
		OpCode op = OpCode.of(opNode.intValue());
		if (op == null) {
			throw new ProtocolViolationException(ErrorCode.PROTOCOL_VIOLATION, "unknown op " + opNode.intValue());
		}
		JsonNode tNode = root.get("t");
		String t = null;
		if (op == OpCode.DISPATCH) {
			if (tNode == null || !tNode.isString()) {
				throw new ProtocolViolationException(ErrorCode.PROTOCOL_VIOLATION,
						"DISPATCH (op 0) must have a string 't'");
			}
			t = tNode.stringValue();
		}
		JsonNode d = root.get("d");
		JsonNode targets = root.get("targets");
		JsonNode from = root.get("from");
		return new Packet(op, (d == null || d.isNull()) ? null : d, t,
				(targets == null || targets.isNull()) ? null : targets,
				(from != null && from.isIntegralNumber() && from.canConvertToInt()) ? from.intValue() : null);
	}

	/**
	 * Bind a packet's payload to a type.
	 * @param <T> the payload type
	 * @param packet the packet
	 * @param type the payload type
	 * @return the payload
	 * @throws ProtocolViolationException if the payload is absent or does not bind
	 */
	public <T> T payload(Packet packet, Class<T> type) {
		if (packet.d() == null) {
			throw new ProtocolViolationException(ErrorCode.INVALID_PAYLOAD, packet.op() + " must have a 'd' object");
		}
		try {
			return this.mapper.treeToValue(packet.d(), type);
		}
		catch (JacksonException ex) {
			throw new ProtocolViolationException(ErrorCode.INVALID_PAYLOAD,
					packet.op() + " has an invalid 'd': " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Encode, decode and bind one packet of each payload the protocol defines, so that
	 * Jackson builds its serializers and deserializers for them now rather than for the first
	 * real frames. In a freshly started JVM that building, and loading the classes it needs,
	 * is most of the first handshake (a HELLO, its IDENTIFY, the first request), on the path
	 * to READY. The starter calls it when it creates the codec, during the context's refresh:
	 * then the training run of a class data archive, which ends with the refresh, also puts
	 * those classes in the archive. Changes nothing but the mapper's caches; safe from any
	 * thread, at any time.
	 */
	public void warmUp() {
		ObjectNode data = this.mapper.createObjectNode().put("shard", 0);
		ArrayNode targets = this.mapper.createArrayNode().add(1);
		String id = "1";
		Payloads.ResponseError error = new Payloads.ResponseError("Error", "warm-up", ErrorCode.TIMEOUT);
		List<Map.Entry<OpCode, Object>> samples = List.of(
				Map.entry(OpCode.HELLO, new Payloads.Hello(id, id, "0", 1, List.of(0), 1, 0, Payloads.VERSION)),
				Map.entry(OpCode.IDENTIFY, new Payloads.Identify(id, id, 1, Payloads.VERSION)),
				Map.entry(OpCode.HEARTBEAT, new Payloads.Heartbeat(1, 1, 0.5)),
				Map.entry(OpCode.HEARTBEAT_ACK, new Payloads.HeartbeatAck(1)),
				Map.entry(OpCode.REQUEST, new Payloads.Request(id, "warm-up", data, targets, 1L)),
				Map.entry(OpCode.RESPONSE, Payloads.Response.success(id, data)),
				Map.entry(OpCode.RESPONSE, Payloads.Response.failure(id, error)),
				Map.entry(OpCode.ERROR, new Payloads.Error(id, ErrorCode.PROTOCOL_VIOLATION, "warm-up")),
				Map.entry(OpCode.INVALID_SESSION, new Payloads.InvalidSession(id, "warm-up")));
		for (Map.Entry<OpCode, Object> sample : samples) {
			Packet packet = decode(encode(sample.getKey(), null, sample.getValue(), targets, 0));
			payload(packet, sample.getValue().getClass());
		}
		decode(encode(OpCode.DISPATCH, "warm-up", Map.of("shards", List.of(0)), targets, 0));
	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	private record Envelope(int op, @Nullable Object d, @Nullable String t, @Nullable JsonNode targets,
			@Nullable Integer from) {
	}

}
