package dev.discordoo.sharding.discord;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON the fake Discord sends, shaped as Discord's (snowflakes as strings, the fields a
 * client such as JDA reads without a default), with nothing a test does not need.
 */
final class GatewayPayloads {

	static final JsonMapper mapper = JsonMapper.builder().build();

	/** The op codes of the gateway, as Discord numbers them. */
	static final int DISPATCH = 0;

	static final int HEARTBEAT = 1;

	static final int IDENTIFY = 2;

	static final int PRESENCE_UPDATE = 3;

	static final int VOICE_STATE_UPDATE = 4;

	static final int RESUME = 6;

	static final int RECONNECT = 7;

	static final int REQUEST_GUILD_MEMBERS = 8;

	static final int INVALID_SESSION = 9;

	static final int HELLO = 10;

	static final int HEARTBEAT_ACK = 11;

	// Discord's user id of its own staff account, as the owner of every fake guild
	private static final String OWNER_ID = "80351110224678912";

	private static final String JOINED_AT = "2024-01-01T00:00:00.000000+00:00";

	// Application flags GATEWAY_PRESENCE_LIMITED, GATEWAY_GUILD_MEMBERS_LIMITED and
	// GATEWAY_MESSAGE_CONTENT_LIMITED: a bot in fewer than 100 guilds that enabled the intent
	private static final int PRESENCE_LIMITED = 1 << 13;

	private static final int GUILD_MEMBERS_LIMITED = 1 << 15;

	private static final int MESSAGE_CONTENT_LIMITED = 1 << 19;

	private GatewayPayloads() {
	}

	/** A payload with no sequence number and no event name: every op but DISPATCH. */
	static ObjectNode op(int op, Object data) {
		ObjectNode payload = mapper.createObjectNode();
		payload.put("op", op);
		payload.set("d", mapper.valueToTree(data));
		payload.putNull("s");
		payload.putNull("t");
		return payload;
	}

	static ObjectNode dispatch(String event, int sequence, ObjectNode data) {
		ObjectNode payload = mapper.createObjectNode();
		payload.put("op", DISPATCH);
		payload.set("d", data);
		payload.put("s", sequence);
		payload.put("t", event);
		return payload;
	}

	static ObjectNode hello(long heartbeatIntervalMillis) {
		ObjectNode data = mapper.createObjectNode();
		data.put("heartbeat_interval", heartbeatIntervalMillis);
		data.putArray("_trace").add("[\"fake-discord-gateway\"]");
		return op(HELLO, data);
	}

	static ObjectNode botUser(long id) {
		ObjectNode user = mapper.createObjectNode();
		user.put("id", Long.toUnsignedString(id));
		user.put("username", "fake-bot");
		user.put("discriminator", "0");
		user.putNull("global_name");
		user.putNull("avatar");
		user.put("bot", true);
		user.put("verified", true);
		user.put("mfa_enabled", false);
		user.put("flags", 0);
		user.put("public_flags", 0);
		return user;
	}

	static ObjectNode ready(long botUserId, String sessionId, String resumeGatewayUrl, int shard, int total,
			Iterable<FakeDiscord.Guild> guilds, int allowedPrivilegedIntents) {
		ObjectNode ready = mapper.createObjectNode();
		ready.put("v", 10);
		ready.set("user", botUser(botUserId));
		ready.putArray("private_channels");
		ArrayNode unavailable = ready.putArray("guilds");
		for (FakeDiscord.Guild guild : guilds) {
			unavailable.addObject().put("id", Long.toUnsignedString(guild.id())).put("unavailable", true);
		}
		ready.put("session_id", sessionId);
		ready.put("session_type", "normal");
		ready.put("resume_gateway_url", resumeGatewayUrl);
		ready.putArray("shard").add(shard).add(total);
		ObjectNode application = ready.putObject("application");
		application.put("id", Long.toUnsignedString(botUserId));
		application.put("flags", applicationFlags(allowedPrivilegedIntents));
		ready.putArray("_trace").add("[\"fake-discord-gateway\"]");
		return ready;
	}

	static ObjectNode guildCreate(FakeDiscord.Guild guild, long botUserId) {
		String id = Long.toUnsignedString(guild.id());
		ObjectNode create = mapper.createObjectNode();
		create.put("id", id);
		create.put("name", guild.name());
		create.putNull("icon");
		create.put("owner_id", OWNER_ID);
		create.put("unavailable", false);
		create.put("member_count", guild.memberCount());
		create.put("large", guild.memberCount() > 250);
		create.put("joined_at", JOINED_AT);
		create.put("preferred_locale", "en-US");
		create.put("afk_timeout", 300);
		create.put("verification_level", 0);
		create.put("default_message_notifications", 0);
		create.put("explicit_content_filter", 0);
		create.put("mfa_level", 0);
		create.put("nsfw_level", 0);
		create.put("premium_tier", 0);
		create.put("system_channel_flags", 0);
		create.putArray("features");
		// @everyone: its id is the guild's
		ObjectNode everyone = create.putArray("roles").addObject();
		everyone.put("id", id);
		everyone.put("name", "@everyone");
		everyone.put("position", 0);
		everyone.put("permissions", "104324673");
		everyone.put("managed", false);
		everyone.put("hoist", false);
		everyone.put("mentionable", false);
		everyone.put("color", 0);
		everyone.putObject("colors").put("primary_color", 0);
		everyone.put("flags", 0);
		create.set("members", mapper.createArrayNode().add(botMember(botUserId)));
		for (String empty : new String[] { "channels", "threads", "voice_states", "presences", "emojis", "stickers",
				"guild_scheduled_events", "stage_instances", "soundboard_sounds" }) {
			create.putArray(empty);
		}
		return create;
	}

	static ObjectNode memberChunk(FakeDiscord.Guild guild, long botUserId, String nonce) {
		ObjectNode chunk = mapper.createObjectNode();
		chunk.put("guild_id", Long.toUnsignedString(guild.id()));
		chunk.set("members", mapper.createArrayNode().add(botMember(botUserId)));
		chunk.put("chunk_index", 0);
		chunk.put("chunk_count", 1);
		chunk.putArray("not_found");
		if (nonce != null) {
			chunk.put("nonce", nonce);
		}
		return chunk;
	}

	private static ObjectNode botMember(long botUserId) {
		ObjectNode member = mapper.createObjectNode();
		member.set("user", botUser(botUserId));
		member.putArray("roles");
		member.put("joined_at", JOINED_AT);
		member.put("deaf", false);
		member.put("mute", false);
		member.put("flags", 0);
		return member;
	}

	private static int applicationFlags(int allowedPrivilegedIntents) {
		int flags = 0;
		if ((allowedPrivilegedIntents & FakeDiscord.GUILD_PRESENCES) != 0) {
			flags |= PRESENCE_LIMITED;
		}
		if ((allowedPrivilegedIntents & FakeDiscord.GUILD_MEMBERS) != 0) {
			flags |= GUILD_MEMBERS_LIMITED;
		}
		if ((allowedPrivilegedIntents & FakeDiscord.MESSAGE_CONTENT) != 0) {
			flags |= MESSAGE_CONTENT_LIMITED;
		}
		return flags;
	}

}
