package dev.discordoo.sharding.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.protocol.OpCode;

/**
 * The payload every link and fan-out scenario sends: a small Discord-like event whose
 * DISPATCH frame body is about 120 bytes.
 */
final class BenchPayload {

	private BenchPayload() {
	}

	static JsonNode payload(FrameCodec codec) {
		ObjectNode node = codec.mapper().createObjectNode();
		node.put("guild_id", "81384788765712384");
		node.put("channel_id", "381870553235193857");
		node.put("content", "hi");
		node.put("seq", 4242);
		return node;
	}

	/** The DISPATCH frame body of the link scenarios, exactly as the codec encodes it. */
	static byte[] echoFrame(FrameCodec codec) {
		return codec.encode(OpCode.DISPATCH, LinkPeerMain.ECHO, payload(codec));
	}

}
