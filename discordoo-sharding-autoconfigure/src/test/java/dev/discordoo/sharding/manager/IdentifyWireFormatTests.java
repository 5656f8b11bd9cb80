package dev.discordoo.sharding.manager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.discord.GatewayBot;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.identify.IdentifyBudget;
import dev.discordoo.sharding.ipc.RequestFailedException;
import dev.discordoo.sharding.protocol.ControlRequests;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.OpCode;
import dev.discordoo.sharding.protocol.Payloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The identify requests and the manager's answers, byte for byte as docs/protocol.md shows
 * them: a peer written from that page must get exactly these frames.
 */
class IdentifyWireFormatTests {

	private static final String ID = "700525511365092323582564089140242022";

	private final FrameCodec codec = new FrameCodec();

	private final ShardAllocation allocation = ShardAllocation.of("8", null, 2);

	private final IdentifyBroker broker = new IdentifyBroker(new GatewayInfo("wss://gateway.discord.gg", 8, 1),
			Duration.ofSeconds(5), Duration.ofSeconds(60),
			new IdentifyBudget(new GatewayBot.SessionStartLimit(1000, 1000, Duration.ofDays(1), 1), null, null),
			this.allocation::instanceOf);

	private final ManagerControlRequests control = new ManagerControlRequests(this.allocation, this.broker,
			this.codec.mapper());

	@AfterEach
	void closeBroker() {
		this.broker.close();
	}

	@Test
	void framesAreTheOnesTheProtocolDocumentShows() throws IOException {
		String protocol = Files.readString(Path.of("..", "docs", "protocol.md"), StandardCharsets.UTF_8);
		JsonNode permitPayload = this.codec.mapper().createObjectNode().put("shard_id", 6);
		String request = frame(OpCode.REQUEST,
				new Payloads.Request(ID + "5", ControlRequests.IDENTIFY, permitPayload, null, 90_000_000L));
		String answer = frame(OpCode.RESPONSE, Payloads.Response.success(ID + "5", answer(ControlRequests.IDENTIFY,
				permitPayload)));
		JsonNode outcomePayload = this.codec.mapper().createObjectNode().put("shard_id", 6).put("outcome", "READY");
		String outcome = frame(OpCode.REQUEST,
				new Payloads.Request(ID + "6", ControlRequests.IDENTIFY_OUTCOME, outcomePayload, null, 60_000L));
		String outcomeAnswer = frame(OpCode.RESPONSE,
				Payloads.Response.success(ID + "6", answer(ControlRequests.IDENTIFY_OUTCOME, outcomePayload)));
		String gateway = frame(OpCode.REQUEST, new Payloads.Request(ID + "7", ControlRequests.GATEWAY, null, null,
				60_000L));
		String gatewayAnswer = frame(OpCode.RESPONSE,
				Payloads.Response.success(ID + "7", answer(ControlRequests.GATEWAY, null)));
		RequestFailedException refused = catchThrowableOfType(CompletionException.class,
				() -> answer(ControlRequests.IDENTIFY, this.codec.mapper().createObjectNode().put("shard_id", 2)))
			.getCause() instanceof RequestFailedException failed ? failed : null;
		assertThat(refused).isNotNull();
		String refusal = frame(OpCode.RESPONSE, Payloads.Response.failure(ID + "8",
				new Payloads.ResponseError("RequestFailedException", refused.getMessage(), refused.code())));
		assertThat(answer).contains("\"remaining\":999");
		for (String frame : new String[] { request, answer, outcome, outcomeAnswer, gateway, gatewayAnswer,
				refusal }) {
			assertThat(protocol).contains(frame);
			String header = String.format("`%s`", hexLength(frame));
			assertThat(protocol).as("length header of %s", frame).contains(header);
		}
	}

	private JsonNode answer(String name, JsonNode payload) {
		return this.control.answer(3, "instance-3", name, payload).toCompletableFuture().join();
	}

	private String frame(OpCode op, Object d) {
		return new String(this.codec.encode(op, null, d), StandardCharsets.UTF_8);
	}

	private static String hexLength(String frame) {
		int length = frame.getBytes(StandardCharsets.UTF_8).length;
		return String.format("%02x %02x %02x %02x", length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff,
				length & 0xff);
	}

}
