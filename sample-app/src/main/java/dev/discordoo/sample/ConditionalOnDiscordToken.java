package dev.discordoo.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Keeps a bean to the real bot or to the simulation: the sample runs JDA when a Discord token
 * is set ({@code DISCORD_TOKEN}, or {@code discordoo.sharding.discord.token}), and simulates
 * its shards otherwise, so that its first run needs no token.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnDiscordTokenCondition.class)
public @interface ConditionalOnDiscordToken {

	/**
	 * Whether the annotated bean wants a token.
	 * @return {@code true} for the real bot, {@code false} for the simulation
	 */
	boolean value() default true;

}
