package dev.discordoo.sharding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean method that answers REQUEST packets of the given name, in the manager
 * (requests from its instances) and in an instance (requests from its manager) alike.
 *
 * <p>Parameters are bound as for {@link ShardEventListener @ShardEventListener}: at most
 * one payload parameter and at most one {@link ShardEventContext}. The return value
 * becomes the RESPONSE's {@code result}, written with the sharding JSON mapper; a
 * {@link java.util.concurrent.CompletionStage CompletionStage} answers once it completes;
 * {@code void} or {@code null} answers with JSON {@code null}. An exception answers with an
 * error entry {@code {name, message, code}}: the exception's simple class name, its message
 * and {@code HANDLER_FAILED}, or the code of a
 * {@link dev.discordoo.sharding.ipc.RequestFailedException RequestFailedException}. A
 * payload that does not bind answers with {@code INVALID_PAYLOAD}, a name no method
 * handles with {@code NO_HANDLER}.
 *
 * <p>Each name has one handler per application: a second method with the same name fails
 * startup.
 *
 * <pre class="code">
 * &#064;Component
 * class Stats {
 *
 *     &#064;ShardRequestHandler("guild-count")
 *     GuildCount guildCount(ShardEventContext sender) {
 *         return new GuildCount(this.client.guildCount());
 *     }
 *
 *     &#064;ShardRequestHandler("eval-later")
 *     CompletableFuture&lt;String&gt; evalLater(String expression) {
 *         return CompletableFuture.supplyAsync(() -&gt; this.evaluator.eval(expression));
 *     }
 *
 * }
 * </pre>
 *
 * @see ShardEventListener
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ShardRequestHandler {

	/**
	 * The request name this method answers.
	 * @return the request name
	 */
	String value();

}
