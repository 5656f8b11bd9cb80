package dev.discordoo.sharding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that receives application events: DISPATCH packets another side of
 * the sharding link sent, in the manager (events from its instances) and in an instance
 * (events from its manager) alike.
 *
 * <p>The method may declare at most one payload parameter and at most one
 * {@link ShardEventContext} parameter, in any order:
 * <ul>
 * <li>the payload is bound from the event's JSON with the sharding JSON mapper: a record
 * or other Jackson-bindable type, a {@code JsonNode} as it arrived, or a {@code String}
 * (the value of a JSON string, the JSON text of anything else). It is {@code null} when
 * the event has no payload;</li>
 * <li>the {@link ShardEventContext} tells who sent the event.</li>
 * </ul>
 * Any other signature fails startup. A payload that does not bind skips the method with a
 * warning; a method that throws is logged and does not stop the other listeners of the
 * event. Listeners run on the link's handler thread, one event at a time in the order the
 * sender sent them, ordered among themselves by {@link org.springframework.core.annotation.Order @Order}.
 * The return value is ignored.
 *
 * <pre class="code">
 * &#064;Component
 * class GuildCounter {
 *
 *     &#064;ShardEventListener("GUILD_COUNT")
 *     void onGuildCount(GuildCount count, ShardEventContext sender) {
 *         this.counts.put(sender.instanceIndex(), count.guilds());
 *     }
 *
 *     record GuildCount(int guilds) {
 *     }
 *
 * }
 * </pre>
 *
 * @see ShardRequestHandler
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ShardEventListener {

	/**
	 * The event name (the packet's {@code t}) to receive; empty to receive every application
	 * event. Names the protocol reserves for itself never reach listeners.
	 * @return the event name
	 */
	String value() default "";

}
