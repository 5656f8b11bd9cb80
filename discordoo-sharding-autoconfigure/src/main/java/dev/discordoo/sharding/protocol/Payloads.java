package dev.discordoo.sharding.protocol;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import org.jspecify.annotations.Nullable;

/**
 * The typed {@code d} of each op. Field names are the wire names.
 */
public final class Payloads {

	/** The protocol version this implementation speaks. */
	public static final int VERSION = 1;

	private Payloads() {
	}

	/**
	 * HELLO (op 2), manager to instance.
	 *
	 * @param id the manager's snowflake
	 * @param eventId the snowflake of this handshake; IDENTIFY echoes it
	 * @param token the per-spawn secret the instance was started with
	 * @param heartbeatInterval milliseconds between the instance's heartbeats
	 * @param shards the Discord shard ids the instance runs
	 * @param totalShards the bot's total shard count
	 * @param instance the instance index
	 * @param v the protocol version
	 */
	public record Hello(String id, @JsonProperty("event_id") String eventId, String token,
			@JsonProperty("heartbeat_interval") long heartbeatInterval, List<Integer> shards,
			@JsonProperty("total_shards") int totalShards, int instance, int v) {

		@Override
		public String toString() {
			// the token is a secret: never let it reach a log through toString
			return "Hello[id=" + this.id + ", eventId=" + this.eventId + ", heartbeatInterval="
					+ this.heartbeatInterval + ", shards=" + this.shards + ", totalShards=" + this.totalShards
					+ ", instance=" + this.instance + ", v=" + this.v + "]";
		}

	}

	/**
	 * IDENTIFY (op 1), instance to manager.
	 *
	 * @param id the instance's snowflake
	 * @param eventId the event id of the HELLO it answers
	 * @param pid the instance's process id
	 * @param v the protocol version
	 */
	public record Identify(String id, @JsonProperty("event_id") String eventId, long pid, int v) {
	}

	/**
	 * ERROR (op 4), both directions.
	 *
	 * @param eventId the event id the error is about, if any
	 * @param code a machine-readable code, see {@link ErrorCode}
	 * @param message what went wrong
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Error(@JsonProperty("event_id") @Nullable String eventId, String code, String message) {
	}

	/**
	 * INVALID_SESSION (op 6), instance to manager.
	 *
	 * @param id the instance's snowflake
	 * @param reason why the HELLO was refused
	 */
	public record InvalidSession(String id, String reason) {
	}

	/**
	 * HEARTBEAT (op 7), instance to manager.
	 *
	 * @param seq the heartbeat's sequence number
	 * @param sentAt epoch milliseconds when it was sent
	 * @param latency the last measured round trip in milliseconds, {@code null} before the first
	 */
	public record Heartbeat(long seq, @JsonProperty("sent_at") long sentAt, @Nullable Double latency) {
	}

	/**
	 * HEARTBEAT_ACK (op 8), manager to instance.
	 *
	 * @param seq the sequence number of the heartbeat it answers
	 */
	public record HeartbeatAck(long seq) {
	}

	/**
	 * REQUEST (op 9), both directions.
	 *
	 * @param eventId correlates the RESPONSE on the same connection
	 * @param name the handler to run
	 * @param payload the handler's argument
	 * @param targets instance indices, {@code "all"}, or {@code null} for the receiver itself
	 * @param timeout milliseconds the sender waits, if given; a number beyond the range of a
	 * {@code long} reads as its nearest end, since whoever uses it clamps it anyway
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Request(@JsonProperty("event_id") String eventId, String name, @Nullable JsonNode payload,
			@Nullable JsonNode targets, @JsonDeserialize(using = SaturatingLongDeserializer.class) @Nullable Long timeout) {
	}

	/**
	 * RESPONSE (op 10), both directions.
	 *
	 * @param eventId the event id of the REQUEST it answers
	 * @param ok whether the handler succeeded
	 * @param result the handler's result, when ok
	 * @param error what failed, when not ok
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Response(@JsonProperty("event_id") String eventId, boolean ok, @Nullable JsonNode result,
			@Nullable ResponseError error) {

		/**
		 * A successful response.
		 * @param eventId the request's event id
		 * @param result the result
		 * @return the response
		 */
		public static Response success(String eventId, @Nullable JsonNode result) {
			return new Response(eventId, true, result, null);
		}

		/**
		 * A failed response.
		 * @param eventId the request's event id
		 * @param error what failed
		 * @return the response
		 */
		public static Response failure(String eventId, ResponseError error) {
			return new Response(eventId, false, null, error);
		}

	}

	/**
	 * The error entry of a failed RESPONSE.
	 *
	 * @param name the kind of failure, such as an exception's simple class name
	 * @param message what failed
	 * @param code a machine-readable code, see {@link ErrorCode}
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record ResponseError(String name, String message, String code) {
	}

}
