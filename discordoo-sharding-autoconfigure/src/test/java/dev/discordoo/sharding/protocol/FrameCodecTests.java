package dev.discordoo.sharding.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.StringNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FrameCodecTests {

	private static final String MANAGER_ID = "7005255094308110121991574096103604224";

	private static final String EVENT_ID = "7005255094308110121986913758326292481";

	private static final String TOKEN = "s3cr3t-token-0123456789abcdef";

	private final FrameCodec codec = new FrameCodec();

	// a plain reader, so that the wire form is checked independently of the codec under test
	private final JsonMapper wireReader = JsonMapper.builder().build();

	@Test
	void warmingUpBindsASampleOfEveryPayloadAndLeavesTheCodecAsItWas() {
		// a sample that no longer binds (a payload got a new rule) fails here, not in the
		// background thread of every start
		FrameCodec fresh = new FrameCodec();
		fresh.warmUp();
		fresh.warmUp();
		Payloads.Hello hello = new Payloads.Hello(MANAGER_ID, EVENT_ID, TOKEN, 5000, List.of(4, 5), 8, 2, 1);
		Packet packet = fresh.decode(fresh.encode(OpCode.HELLO, null, hello));
		assertThat(fresh.payload(packet, Payloads.Hello.class)).isEqualTo(hello);
		assertThat(fresh.encode(OpCode.HELLO, null, hello)).isEqualTo(this.codec.encode(OpCode.HELLO, null, hello));
	}

	@Test
	void helloRoundTripsWithWireFieldNames() {
		Payloads.Hello hello = new Payloads.Hello(MANAGER_ID, EVENT_ID, TOKEN, 5000, List.of(4, 5), 8, 2, 1);
		byte[] body = this.codec.encode(OpCode.HELLO, null, hello);
		JsonNode wire = wire(body);
		assertThat(wire.get("op").intValue()).isEqualTo(2);
		assertThat(wire.has("t")).isFalse();
		JsonNode d = wire.get("d");
		assertThat(fieldNames(d)).containsExactlyInAnyOrder("id", "event_id", "token", "heartbeat_interval", "shards",
				"total_shards", "instance", "v");
		assertThat(d.get("id").stringValue()).isEqualTo(MANAGER_ID);
		assertThat(d.get("event_id").stringValue()).isEqualTo(EVENT_ID);
		assertThat(d.get("token").stringValue()).isEqualTo(TOKEN);
		assertThat(d.get("heartbeat_interval").longValue()).isEqualTo(5000);
		assertThat(d.get("shards").get(0).intValue()).isEqualTo(4);
		assertThat(d.get("shards").get(1).intValue()).isEqualTo(5);
		assertThat(d.get("total_shards").intValue()).isEqualTo(8);
		assertThat(d.get("instance").intValue()).isEqualTo(2);
		assertThat(d.get("v").intValue()).isEqualTo(1);
		Packet packet = this.codec.decode(body);
		assertThat(packet.op()).isEqualTo(OpCode.HELLO);
		assertThat(packet.t()).isNull();
		assertThat(this.codec.payload(packet, Payloads.Hello.class)).isEqualTo(hello);
	}

	@Test
	void identifyRoundTripsWithWireFieldNames() {
		Payloads.Identify identify = new Payloads.Identify(MANAGER_ID, EVENT_ID, 31337, 1);
		byte[] body = this.codec.encode(OpCode.IDENTIFY, null, identify);
		JsonNode wire = wire(body);
		assertThat(wire.get("op").intValue()).isEqualTo(1);
		JsonNode d = wire.get("d");
		assertThat(fieldNames(d)).containsExactlyInAnyOrder("id", "event_id", "pid", "v");
		assertThat(d.get("event_id").stringValue()).isEqualTo(EVENT_ID);
		assertThat(d.get("pid").longValue()).isEqualTo(31337);
		assertThat(this.codec.payload(this.codec.decode(body), Payloads.Identify.class)).isEqualTo(identify);
	}

	@Test
	void errorRoundTripsAndLeavesOutAnAbsentEventId() {
		Payloads.Error withEvent = new Payloads.Error(EVENT_ID, ErrorCode.TIMEOUT, "too slow");
		byte[] body = this.codec.encode(OpCode.ERROR, null, withEvent);
		JsonNode d = wire(body).get("d");
		assertThat(wire(body).get("op").intValue()).isEqualTo(4);
		assertThat(fieldNames(d)).containsExactlyInAnyOrder("event_id", "code", "message");
		assertThat(d.get("code").stringValue()).isEqualTo("TIMEOUT");
		assertThat(this.codec.payload(this.codec.decode(body), Payloads.Error.class)).isEqualTo(withEvent);
		Payloads.Error withoutEvent = new Payloads.Error(null, ErrorCode.PROTOCOL_VIOLATION, "bad frame");
		byte[] bare = this.codec.encode(OpCode.ERROR, null, withoutEvent);
		assertThat(fieldNames(wire(bare).get("d"))).containsExactlyInAnyOrder("code", "message");
		assertThat(this.codec.payload(this.codec.decode(bare), Payloads.Error.class)).isEqualTo(withoutEvent);
	}

	@Test
	void invalidSessionRoundTrips() {
		Payloads.InvalidSession refusal = new Payloads.InvalidSession(MANAGER_ID, "HELLO token is invalid");
		byte[] body = this.codec.encode(OpCode.INVALID_SESSION, null, refusal);
		assertThat(wire(body).get("op").intValue()).isEqualTo(6);
		assertThat(fieldNames(wire(body).get("d"))).containsExactlyInAnyOrder("id", "reason");
		assertThat(this.codec.payload(this.codec.decode(body), Payloads.InvalidSession.class)).isEqualTo(refusal);
	}

	@Test
	void heartbeatRoundTripsWithSentAtAndANullLatencyBeforeTheFirstRoundTrip() {
		Payloads.Heartbeat first = new Payloads.Heartbeat(1, 1700000000000L, null);
		byte[] body = this.codec.encode(OpCode.HEARTBEAT, null, first);
		JsonNode d = wire(body).get("d");
		assertThat(wire(body).get("op").intValue()).isEqualTo(7);
		assertThat(fieldNames(d)).containsExactlyInAnyOrder("seq", "sent_at", "latency");
		assertThat(d.get("sent_at").longValue()).isEqualTo(1700000000000L);
		assertThat(d.get("latency").isNull()).isTrue();
		assertThat(this.codec.payload(this.codec.decode(body), Payloads.Heartbeat.class)).isEqualTo(first);
		Payloads.Heartbeat later = new Payloads.Heartbeat(2, 1700000005000L, 0.75);
		byte[] laterBody = this.codec.encode(OpCode.HEARTBEAT, null, later);
		assertThat(wire(laterBody).get("d").get("latency").doubleValue()).isEqualTo(0.75);
		assertThat(this.codec.payload(this.codec.decode(laterBody), Payloads.Heartbeat.class)).isEqualTo(later);
	}

	@Test
	void aRequestTimeoutBeyondTheRangeOfALongReadsAsItsNearestEnd() {
		assertThat(requestTimeout("99999999999999999999")).isEqualTo(Long.MAX_VALUE);
		assertThat(requestTimeout("1e30")).isEqualTo(Long.MAX_VALUE);
		assertThat(requestTimeout("-99999999999999999999")).isEqualTo(Long.MIN_VALUE);
		assertThat(requestTimeout("-1e30")).isEqualTo(Long.MIN_VALUE);
		assertThat(requestTimeout("60000")).isEqualTo(60_000L);
		assertThat(requestTimeout("null")).isNull();
		assertThatExceptionOfType(ProtocolViolationException.class).isThrownBy(() -> requestTimeout("\"soon\""))
			.withMessageContaining("REQUEST has an invalid 'd'")
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
	}

	private Long requestTimeout(String timeout) {
		Packet packet = decode("{\"op\":9,\"d\":{\"event_id\":\"1\",\"name\":\"x\",\"timeout\":" + timeout + "}}");
		return this.codec.payload(packet, Payloads.Request.class).timeout();
	}

	@Test
	void heartbeatAckRoundTrips() {
		Payloads.HeartbeatAck ack = new Payloads.HeartbeatAck(42);
		byte[] body = this.codec.encode(OpCode.HEARTBEAT_ACK, null, ack);
		assertThat(wire(body).get("op").intValue()).isEqualTo(8);
		assertThat(fieldNames(wire(body).get("d"))).containsExactly("seq");
		assertThat(this.codec.payload(this.codec.decode(body), Payloads.HeartbeatAck.class)).isEqualTo(ack);
	}

	@Test
	void requestRoundTripsWithOptionalFieldsLeftOutWhenAbsent() {
		JsonNode payload = this.wireReader.readTree("{\"guild\":\"1\"}");
		Payloads.Request full = new Payloads.Request(EVENT_ID, "guildCount", payload, StringNode.valueOf("all"),
				2500L);
		byte[] body = this.codec.encode(OpCode.REQUEST, null, full);
		JsonNode d = wire(body).get("d");
		assertThat(wire(body).get("op").intValue()).isEqualTo(9);
		assertThat(fieldNames(d)).containsExactlyInAnyOrder("event_id", "name", "payload", "targets", "timeout");
		assertThat(d.get("targets").stringValue()).isEqualTo("all");
		assertThat(d.get("timeout").longValue()).isEqualTo(2500);
		assertThat(this.codec.payload(this.codec.decode(body), Payloads.Request.class)).isEqualTo(full);
		Payloads.Request toPeer = new Payloads.Request(EVENT_ID, "ping", IntNode.valueOf(1), null, null);
		byte[] toPeerBody = this.codec.encode(OpCode.REQUEST, null, toPeer);
		assertThat(fieldNames(wire(toPeerBody).get("d"))).containsExactlyInAnyOrder("event_id", "name", "payload");
		assertThat(this.codec.payload(this.codec.decode(toPeerBody), Payloads.Request.class)).isEqualTo(toPeer);
	}

	@Test
	void responseRoundTripsForSuccessAndFailure() {
		Payloads.Response success = Payloads.Response.success(EVENT_ID, IntNode.valueOf(7));
		byte[] body = this.codec.encode(OpCode.RESPONSE, null, success);
		JsonNode d = wire(body).get("d");
		assertThat(wire(body).get("op").intValue()).isEqualTo(10);
		assertThat(fieldNames(d)).containsExactlyInAnyOrder("event_id", "ok", "result");
		assertThat(d.get("ok").booleanValue()).isTrue();
		assertThat(this.codec.payload(this.codec.decode(body), Payloads.Response.class)).isEqualTo(success);
		Payloads.Response failure = Payloads.Response.failure(EVENT_ID,
				new Payloads.ResponseError("IllegalStateException", "kaput", ErrorCode.HANDLER_FAILED));
		byte[] failureBody = this.codec.encode(OpCode.RESPONSE, null, failure);
		JsonNode failureD = wire(failureBody).get("d");
		assertThat(fieldNames(failureD)).containsExactlyInAnyOrder("event_id", "ok", "error");
		assertThat(fieldNames(failureD.get("error"))).containsExactlyInAnyOrder("name", "message", "code");
		assertThat(this.codec.payload(this.codec.decode(failureBody), Payloads.Response.class)).isEqualTo(failure);
	}

	@Test
	void dispatchRoundTripsWithItsEventName() {
		byte[] body = this.codec.encode(OpCode.DISPATCH, "GUILD_COUNT", IntNode.valueOf(42));
		JsonNode wire = wire(body);
		assertThat(wire.get("op").intValue()).isEqualTo(0);
		assertThat(wire.get("t").stringValue()).isEqualTo("GUILD_COUNT");
		Packet packet = this.codec.decode(body);
		assertThat(packet.op()).isEqualTo(OpCode.DISPATCH);
		assertThat(packet.t()).isEqualTo("GUILD_COUNT");
		assertThat(packet.d().intValue()).isEqualTo(42);
	}

	@Test
	void dispatchWithoutPayloadLeavesOutD() {
		byte[] body = this.codec.encode(new Packet(OpCode.DISPATCH, null, "CONNECTED"));
		assertThat(fieldNames(wire(body))).containsExactlyInAnyOrder("op", "t");
		Packet packet = this.codec.decode(body);
		assertThat(packet.d()).isNull();
		assertThat(packet.t()).isEqualTo("CONNECTED");
	}

	@Test
	void encodingADispatchWithoutEventNameIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode(OpCode.DISPATCH, null, null))
			.withMessageContaining("event name");
	}

	@Test
	void anEventNameOnAnotherOpIsNotWritten() {
		byte[] body = this.codec.encode(OpCode.HEARTBEAT_ACK, "IGNORED", new Payloads.HeartbeatAck(1));
		assertThat(wire(body).has("t")).isFalse();
	}

	@Test
	void bodyShorterThanTwoBytesIsRefused() {
		assertViolation(new byte[] { '{' }, "shorter than the minimum of 2");
		assertViolation(new byte[0], "frame body of 0 bytes");
	}

	@Test
	void bodyThatIsNotJsonIsRefused() {
		assertViolation("hello, world", "not UTF-8 JSON: Unrecognized token 'hello'");
	}

	@Test
	void bodyWithInvalidUtf8IsRefused() {
		byte[] prefix = "{\"op\":0,\"t\":\"".getBytes(StandardCharsets.UTF_8);
		byte[] suffix = "\"}".getBytes(StandardCharsets.UTF_8);
		byte[] body = new byte[prefix.length + 2 + suffix.length];
		System.arraycopy(prefix, 0, body, 0, prefix.length);
		// 0xC3 opens a two-byte sequence; 0x28 cannot continue it
		body[prefix.length] = (byte) 0xC3;
		body[prefix.length + 1] = (byte) 0x28;
		System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
		assertViolation(body, "not UTF-8 JSON: Invalid UTF-8");
	}

	@Test
	void bodyThatIsAJsonArrayIsRefused() {
		assertViolation("[{\"op\":1}]", "must be a JSON object, was ARRAY");
	}

	@Test
	void bodyThatIsAJsonStringIsRefused() {
		assertViolation("\"op\"", "must be a JSON object, was STRING");
	}

	@Test
	void bodyThatIsJsonNullIsRefused() {
		assertViolation("null", "must be a JSON object, was NULL");
	}

	@Test
	void packetWithoutOpIsRefused() {
		assertViolation("{\"d\":{}}", "must have an integer 'op', had none");
	}

	@Test
	void opAsStringIsRefused() {
		assertViolation("{\"op\":\"1\"}", "must have an integer 'op', had \"1\"");
	}

	@Test
	void fractionalOpIsRefused() {
		assertViolation("{\"op\":1.5}", "must have an integer 'op', had 1.5");
	}

	@Test
	void opBeyondTheIntRangeIsRefused() {
		assertViolation("{\"op\":4294967296}", "must have an integer 'op', had 4294967296");
	}

	@ParameterizedTest
	@ValueSource(ints = { 11, -1, 99 })
	void unknownOpIsRefused(int op) {
		assertViolation("{\"op\":" + op + "}", "unknown op " + op);
	}

	@Test
	void dispatchWithoutEventNameIsRefused() {
		assertViolation("{\"op\":0,\"d\":{}}", "DISPATCH (op 0) must have a string 't'");
	}

	@Test
	void dispatchWithNumericEventNameIsRefused() {
		assertViolation("{\"op\":0,\"t\":5}", "DISPATCH (op 0) must have a string 't'");
	}

	@Test
	void garbageAfterTheObjectIsRefused() {
		assertViolation("{\"op\":1}x", "Unrecognized token 'x'");
		assertViolation("{\"op\":1}{\"op\":2}", "Trailing token");
	}

	@Test
	void whitespaceAfterTheObjectIsAccepted() {
		assertThat(decode("{\"op\":1}  \r\n").op()).isEqualTo(OpCode.IDENTIFY);
	}

	@Test
	void unknownFieldsAreIgnored() {
		Packet packet = decode(
				"{\"op\":8,\"d\":{\"seq\":3,\"future\":true},\"x-trace\":\"abc\",\"t\":\"NOT_A_DISPATCH\"}");
		assertThat(packet.op()).isEqualTo(OpCode.HEARTBEAT_ACK);
		assertThat(packet.t()).isNull();
		assertThat(this.codec.payload(packet, Payloads.HeartbeatAck.class)).isEqualTo(new Payloads.HeartbeatAck(3));
	}

	@Test
	void nullPayloadReadsAsAbsent() {
		assertThat(decode("{\"op\":4,\"d\":null}").d()).isNull();
	}

	@ParameterizedTest
	@ValueSource(ints = { 3, 5 })
	void reservedOpsDecodeSoTheLinkCanAnswerThem(int code) {
		Packet packet = decode("{\"op\":" + code + ",\"d\":{\"anything\":1}}");
		assertThat(packet.op().code()).isEqualTo(code);
		assertThat(packet.op().isReserved()).isTrue();
		assertThat(packet.d().get("anything").intValue()).isEqualTo(1);
	}

	@Test
	void onlyOpsThreeAndFiveAreReserved() {
		for (OpCode op : OpCode.values()) {
			assertThat(op.isReserved()).as(op.name()).isEqualTo(op.code() == 3 || op.code() == 5);
			assertThat(OpCode.of(op.code())).isSameAs(op);
		}
	}

	@Test
	void missingPayloadIsAnInvalidPayload() {
		assertThatExceptionOfType(ProtocolViolationException.class)
			.isThrownBy(() -> this.codec.payload(decode("{\"op\":2}"), Payloads.Hello.class))
			.withMessage("HELLO must have a 'd' object")
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
	}

	@Test
	void payloadOfTheWrongShapeIsAnInvalidPayload() {
		assertThatExceptionOfType(ProtocolViolationException.class)
			.isThrownBy(() -> this.codec.payload(decode("{\"op\":7,\"d\":{\"seq\":\"soon\"}}"),
					Payloads.Heartbeat.class))
			.withMessageStartingWith("HEARTBEAT has an invalid 'd'")
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_PAYLOAD));
	}

	@Test
	void helloToStringNeverShowsTheToken() {
		Payloads.Hello hello = new Payloads.Hello(MANAGER_ID, EVENT_ID, TOKEN, 5000, List.of(0), 1, 0, 1);
		assertThat(hello.toString()).doesNotContain(TOKEN)
			.doesNotContain("token")
			.contains(MANAGER_ID)
			.contains(EVENT_ID)
			.contains("heartbeatInterval=5000");
		// decoded from the wire, the record must hide the token just the same
		Payloads.Hello decoded = this.codec.payload(this.codec.decode(this.codec.encode(OpCode.HELLO, null, hello)),
				Payloads.Hello.class);
		assertThat(decoded.token()).isEqualTo(TOKEN);
		assertThat(decoded.toString()).doesNotContain(TOKEN);
	}

	private Packet decode(String json) {
		return this.codec.decode(json.getBytes(StandardCharsets.UTF_8));
	}

	private void assertViolation(String json, String expectedMessagePart) {
		assertViolation(json.getBytes(StandardCharsets.UTF_8), expectedMessagePart);
	}

	private void assertViolation(byte[] body, String expectedMessagePart) {
		assertThatExceptionOfType(ProtocolViolationException.class).isThrownBy(() -> this.codec.decode(body))
			.withMessageContaining(expectedMessagePart)
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.PROTOCOL_VIOLATION));
	}

	private JsonNode wire(byte[] body) {
		return this.wireReader.readTree(body);
	}

	private static List<String> fieldNames(JsonNode node) {
		return List.copyOf(node.propertyNames());
	}

}
